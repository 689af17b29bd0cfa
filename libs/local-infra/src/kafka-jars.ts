import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { withFileLock } from './file-lock';
import { ServiceStartError } from './local-infra-errors';
import type { LocalInfraLog } from './local-infra-log';
import { ensurePrerequisites } from './prerequisites';
import { isProcessAlive } from './process-alive';

const POM_PATH = join('infra', 'kafka', 'pom.xml');
const MARKER_FILE = '.complete.json';
const MAVEN_TIMEOUT_MS = 15 * 60_000;

/** Written last into a fetched jar directory: without it the directory is not trusted. */
interface JarCacheMarker {
  kafkaVersion: string;
  /** any change to the pom (not only the Kafka version) invalidates the cache */
  pomSha256: string;
  jars: string[];
}

/** The repository root: the nearest ancestor of this file that holds the Kafka pom. */
export function findRepoRoot(startDir: string = __dirname): string {
  for (let dir = startDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, POM_PATH))) return dir;
    if (dirname(dir) === dir) {
      throw new Error(`no ${POM_PATH} found in ${startDir} or any parent directory`);
    }
  }
}

function readKafkaVersion(pom: string, pomPath: string): string {
  const version = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pom)?.[1];
  if (version === undefined) throw new Error(`${pomPath} has no <kafka.version> property`);
  return version;
}

async function isComplete(libsDir: string, pomSha256: string): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(join(libsDir, MARKER_FILE), 'utf8')) as JarCacheMarker;
    if (marker.pomSha256 !== pomSha256) return false;
    const present = new Set(await readdir(libsDir));
    return marker.jars.length > 0 && marker.jars.every((jar) => present.has(jar));
  } catch {
    return false;
  }
}

function runMaven(pomPath: string, outputDir: string): Promise<void> {
  const args = ['-q', '-B', '-f', pomPath, 'dependency:copy-dependencies'];
  args.push(`-DoutputDirectory=${outputDir}`);
  return new Promise((resolve, reject) => {
    execFile(
      'mvn',
      args,
      { timeout: MAVEN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) return resolve();
        const output = `${stdout}${stderr}`.split('\n').slice(-60).join('\n');
        reject(new ServiceStartError('kafka', `mvn ${args.join(' ')} failed`, output));
      },
    );
  });
}

// Temporary directories carry their owner's pid, so ones left by a crash can be told apart
// from ones another process is still filling; `.old-` ones are replaced caches whose removal
// was interrupted.
async function removeAbandonedDirs(cacheDir: string, libsName: string): Promise<void> {
  const tempPrefix = `${libsName}.tmp-`;
  for (const entry of await readdir(cacheDir)) {
    const pid = Number(entry.slice(tempPrefix.length).split('-')[0]);
    // This process holds the lock, so a directory with its own pid is a leftover too.
    const abandonedTemp =
      entry.startsWith(tempPrefix) && (pid === process.pid || !isProcessAlive(pid));
    if (abandonedTemp || entry.startsWith(`${libsName}.old-`)) {
      await rm(join(cacheDir, entry), { recursive: true, force: true });
    }
  }
}

async function fetchInto(
  libsDir: string,
  pomPath: string,
  marker: Omit<JarCacheMarker, 'jars'>,
): Promise<void> {
  const tempDir = `${libsDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await runMaven(pomPath, tempDir);
    const jars = (await readdir(tempDir)).filter((name) => name.endsWith('.jar'));
    await writeFile(join(tempDir, MARKER_FILE), JSON.stringify({ ...marker, jars }, null, 2));
    if (existsSync(libsDir)) {
      const oldDir = `${libsDir}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
      await rename(libsDir, oldDir);
      await rm(oldDir, { recursive: true, force: true });
    }
    await rename(tempDir, libsDir);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

/**
 * The directory of Kafka's jars for the version in `infra/kafka/pom.xml`, fetched with Maven
 * into `.local/kafka/libs-<version>` on first use. The jars land in a temporary directory that
 * is renamed into place complete, and a lock file keeps concurrent processes from fetching
 * twice.
 */
export async function ensureKafkaJars(log: LocalInfraLog): Promise<string> {
  const repoRoot = findRepoRoot();
  const pomPath = join(repoRoot, POM_PATH);
  const pom = await readFile(pomPath, 'utf8');
  const kafkaVersion = readKafkaVersion(pom, pomPath);
  const pomSha256 = createHash('sha256').update(pom).digest('hex');
  const cacheDir = join(repoRoot, '.local', 'kafka');
  const libsName = `libs-${kafkaVersion}`;
  const libsDir = join(cacheDir, libsName);
  if (await isComplete(libsDir, pomSha256)) return libsDir;

  await ensurePrerequisites(['mvn'], log);
  await mkdir(cacheDir, { recursive: true });
  await withFileLock(
    `${libsDir}.lock`,
    async () => {
      // Another process may have finished the fetch while this one waited for the lock.
      if (await isComplete(libsDir, pomSha256)) return;
      await removeAbandonedDirs(cacheDir, libsName);
      log.info('fetching Kafka jars with Maven (first run only)…', { kafkaVersion, libsDir });
      const startedAt = Date.now();
      await fetchInto(libsDir, pomPath, { kafkaVersion, pomSha256 });
      log.info('Kafka jars fetched', { kafkaVersion, ms: Date.now() - startedAt });
    },
    {
      onWait: (owner) => log.info('waiting for another process to fetch the Kafka jars', { owner }),
    },
  );
  return libsDir;
}
