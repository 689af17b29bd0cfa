import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { spawnSupervised } from './child-process-supervisor';
import { findFreePort, isPortFree } from './free-port';
import { ServiceStartError } from './local-infra-errors';
import { silentLog, type LocalInfraLog } from './local-infra-log';
import { lastLines } from './log-file';
import { ensurePrerequisites } from './prerequisites';
import { probeTcp } from './tcp-probe';
import { waitUntilReady } from './wait-until-ready';

export interface LocalRedisOptions {
  /** redis-server's working directory (`--dir`): append-only files land here */
  dataDir: string;
  /** port on 127.0.0.1; default: a free one */
  port?: number;
  /** keep data across restarts with an append-only file; default false (nothing written) */
  persist?: boolean;
  /** progress messages; default: silent */
  log?: LocalInfraLog;
  /** how long to wait for the first PONG; default 30 000 ms */
  startTimeoutMs?: number;
}

/** A running redis-server owned by this process. */
export interface LocalRedis {
  /** e.g. `redis://127.0.0.1:41235` */
  url: string;
  pid: number;
  /** SIGTERM, SIGKILL after 20 s; safe to call more than once */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 20_000;

// Redis answers `-LOADING` while it replays its append-only file; only PONG means ready.
function answersPing(port: number): Promise<boolean> {
  return probeTcp(port, Buffer.from('PING\r\n'), (received) => {
    const text = received.toString('latin1');
    return text.includes('\r\n') ? text.startsWith('+PONG') : undefined;
  });
}

function persistenceArgs(persist: boolean): string[] {
  return persist ? ['--appendonly', 'yes'] : ['--save', '', '--appendonly', 'no'];
}

/** Starts `redis-server` on a loopback port and waits until it answers PING. */
export async function startLocalRedis(options: LocalRedisOptions): Promise<LocalRedis> {
  const log = options.log ?? silentLog;
  const dataDir = resolve(options.dataDir);
  await ensurePrerequisites(['redis-server'], log);
  await mkdir(dataDir, { recursive: true });
  if (options.port !== undefined && !(await isPortFree(options.port))) {
    throw new ServiceStartError('redis', `port ${options.port} is already in use`, '');
  }
  const port = options.port ?? (await findFreePort());

  const startedAt = Date.now();
  const server = await spawnSupervised(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dataDir,
      ...persistenceArgs(options.persist ?? false),
    ],
    dataDir,
  );
  const readiness = await waitUntilReady(
    server,
    () => answersPing(port),
    options.startTimeoutMs ?? 30_000,
    50,
  );
  if (!readiness.ready) {
    await server.stop(STOP_GRACE_MS);
    throw new ServiceStartError('redis', readiness.reason, lastLines(server.outputTail(), 40));
  }

  const url = `redis://127.0.0.1:${port}`;
  log.info(`Redis ready on ${url}`, { dataDir, pid: server.pid, ms: Date.now() - startedAt });
  let stopped: Promise<void> | undefined;
  return {
    url,
    pid: server.pid,
    stop: () =>
      (stopped ??= server.stop(STOP_GRACE_MS).then(() => log.info('Redis stopped', { url }))),
  };
}
