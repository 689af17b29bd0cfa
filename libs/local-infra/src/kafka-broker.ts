import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSupervised, type SupervisedProcess } from './child-process-supervisor';
import { acquireFileLock, FileLockBusyError, type FileLock } from './file-lock';
import { renderLog4jProperties, renderServerProperties, type KafkaPorts } from './kafka-config';
import { ensureKafkaJars } from './kafka-jars';
import { chooseKafkaPorts } from './kafka-ports';
import { isBrokerReady } from './kafka-readiness';
import { ServiceStartError } from './local-infra-errors';
import { silentLog, type LocalInfraLog } from './local-infra-log';
import { lastLines, logFileSize, readLogSince } from './log-file';
import { ensurePrerequisites } from './prerequisites';
import { waitUntilReady } from './wait-until-ready';

export interface LocalKafkaOptions {
  /** holds the broker's data, config (`server.properties`), `broker.log` and `ports.json`;
   *  data survives restarts on the same directory */
  dataDir: string;
  /** client port on 127.0.0.1; default: the port this dataDir used last time if it is free,
   *  else a free one */
  port?: number;
  /** partitions of topics created without a count (`num.partitions`); default 4 */
  partitions?: number;
  /** progress messages; default: silent */
  log?: LocalInfraLog;
  /** how long to wait for the broker to serve requests; default 90 000 ms */
  startTimeoutMs?: number;
}

/** A running single-node KRaft broker owned by this process. */
export interface LocalKafka {
  /** bootstrap servers, e.g. `['127.0.0.1:41234']` */
  brokers: string[];
  dataDir: string;
  pid: number;
  /** controlled shutdown (SIGTERM), SIGKILL after 20 s; safe to call more than once */
  stop(): Promise<void>;
}

interface BrokerFiles {
  dataDir: string;
  serverProperties: string;
  log4jProperties: string;
  brokerLog: string;
  /** Kafka's own `meta.properties` lives here once the storage is formatted */
  logDir: string;
}

const STOP_GRACE_MS = 20_000;
const HEAP_OPTIONS = ['-Xms256m', '-Xmx512m'];

function brokerFiles(dataDir: string): BrokerFiles {
  return {
    dataDir,
    serverProperties: join(dataDir, 'server.properties'),
    log4jProperties: join(dataDir, 'log4j.properties'),
    brokerLog: join(dataDir, 'broker.log'),
    logDir: join(dataDir, 'logs'),
  };
}

// Two brokers on one directory corrupt it: in combined mode the second one's KRaft log writer
// runs before Kafka's own directory lock stops it. Hence a lock of ours, held while it runs.
async function lockDataDir(dataDir: string): Promise<FileLock> {
  try {
    return await acquireFileLock(join(dataDir, 'broker.lock'), { waitTimeoutMs: 0 });
  } catch (error) {
    if (!(error instanceof FileLockBusyError)) throw error;
    const reason = `${dataDir} is in use by another local broker (${error.owner})`;
    throw new ServiceStartError('kafka', `${reason}; stop it or choose another dataDir`, '');
  }
}

/** A Kafka cluster id: 16 random bytes in base64url, never starting with '-' (as Kafka's). */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function formatStorage(classpath: string, serverProperties: string): Promise<void> {
  const args = ['-Xmx256m', '-cp', classpath, 'kafka.tools.StorageTool', 'format'];
  args.push('-t', newClusterId(), '-c', serverProperties);
  return new Promise((resolvePromise, reject) => {
    execFile('java', args, { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error === null) return resolvePromise();
      const output = lastLines(`${stdout}\n${stderr}`, 40);
      reject(new ServiceStartError('kafka', 'formatting the storage directory failed', output));
    });
  });
}

async function startupLogTail(
  broker: SupervisedProcess,
  brokerLog: string,
  offset: number,
): Promise<string> {
  const fromLog = lastLines(await readLogSince(brokerLog, offset), 40);
  const fromOutput = lastLines(broker.outputTail(), 20);
  return [fromLog, fromOutput].filter((part) => part.length > 0).join('\n--- stdout/stderr ---\n');
}

async function runBroker(
  libsDir: string,
  files: BrokerFiles,
  ports: KafkaPorts,
  startTimeoutMs: number,
): Promise<SupervisedProcess> {
  // Java expands the `dir/*` classpath entry itself; no shell is involved.
  const classpath = join(libsDir, '*');
  if (!existsSync(join(files.logDir, 'meta.properties'))) {
    await formatStorage(classpath, files.serverProperties);
  }
  // broker.log is kept across runs; only this run's part explains a failure.
  const logOffset = await logFileSize(files.brokerLog);
  const broker = await spawnSupervised(
    'java',
    [
      ...HEAP_OPTIONS,
      '-cp',
      classpath,
      `-Dlog4j.configuration=${pathToFileURL(files.log4jProperties).href}`,
      'kafka.Kafka',
      files.serverProperties,
    ],
    files.dataDir,
  );
  const readiness = await waitUntilReady(broker, () => isBrokerReady(ports.port), startTimeoutMs);
  if (readiness.ready) return broker;
  await broker.stop(STOP_GRACE_MS);
  const tail = await startupLogTail(broker, files.brokerLog, logOffset);
  throw new ServiceStartError('kafka', readiness.reason, tail);
}

/**
 * Starts a real single-node KRaft Apache Kafka broker from Maven-fetched jars: formats the
 * storage on first use of `dataDir`, then waits until the broker serves requests.
 */
export async function startLocalKafka(options: LocalKafkaOptions): Promise<LocalKafka> {
  const log = options.log ?? silentLog;
  const files = brokerFiles(resolve(options.dataDir));
  const { dataDir } = files;
  await ensurePrerequisites(['java'], log);
  const libsDir = await ensureKafkaJars(log);
  await mkdir(dataDir, { recursive: true });
  const dataDirLock = await lockDataDir(dataDir);

  const startedAt = Date.now();
  let broker: SupervisedProcess;
  let ports: KafkaPorts;
  try {
    ports = await chooseKafkaPorts(dataDir, options.port);
    const partitions = options.partitions ?? 4;
    await writeFile(
      files.serverProperties,
      renderServerProperties(ports, files.logDir, partitions),
    );
    await writeFile(files.log4jProperties, renderLog4jProperties(files.brokerLog));
    log.info('starting Kafka broker', { dataDir, port: ports.port });
    broker = await runBroker(libsDir, files, ports, options.startTimeoutMs ?? 90_000);
  } catch (error) {
    await dataDirLock.release();
    throw error;
  }
  void broker.exited.then(() => dataDirLock.release());

  const bootstrap = `127.0.0.1:${ports.port}`;
  log.info(`Kafka broker ready on ${bootstrap}`, {
    dataDir,
    pid: broker.pid,
    ms: Date.now() - startedAt,
  });
  let stopped: Promise<void> | undefined;
  return {
    brokers: [bootstrap],
    dataDir,
    pid: broker.pid,
    stop: () =>
      (stopped ??= broker
        .stop(STOP_GRACE_MS)
        .then(() => dataDirLock.release())
        .then(() => log.info('Kafka broker stopped', { dataDir }))),
  };
}
