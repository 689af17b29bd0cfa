import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PrerequisiteMissingError } from './local-infra-errors';
import { silentLog, type LocalInfraLog } from './local-infra-log';

/** Commands that local services run, and the browser the dashboard's browser test drives. */
export type Prerequisite = 'java' | 'mvn' | 'redis-server' | 'chromium';

const VERSION_ARGS: Record<Prerequisite, string> = {
  java: '-version',
  mvn: '-v',
  'redis-server': '--version',
  chromium: '--version',
};

const DEBIAN_PACKAGES: Record<Prerequisite, string[]> = {
  java: ['openjdk-17-jre-headless'],
  mvn: ['maven'],
  'redis-server': ['redis-server'],
  // Installed without recommends, Chromium would render text without a font.
  chromium: ['chromium', 'fonts-liberation'],
};

const found = new Set<Prerequisite>();
let aptListsUpdated = false;
// Parallel starts (Kafka and Redis together) must not run apt-get at the same time: dpkg
// holds one lock, so installs are queued one after another.
let installQueue: Promise<void> = Promise.resolve();

function commandRuns(command: string, versionArg: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, [versionArg], { timeout: 30_000 }, (error) => resolve(error === null));
  });
}

async function isInstalled(name: Prerequisite): Promise<boolean> {
  if (found.has(name)) return true;
  if (!(await commandRuns(name, VERSION_ARGS[name]))) return false;
  found.add(name);
  return true;
}

function runStreamed(command: string, args: string[], log: LocalInfraLog): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => log.info(line, { command }));
    }
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} failed with exit code ${code}`)),
    );
  });
}

async function aptInstall(packages: string[], log: LocalInfraLog): Promise<void> {
  if (!aptListsUpdated) {
    log.info('updating apt package lists', { packages });
    await runStreamed('apt-get', ['update'], log);
    aptListsUpdated = true;
  }
  log.info(`installing ${packages.join(' ')} with apt-get`);
  await runStreamed('apt-get', ['install', '-y', '--no-install-recommends', ...packages], log);
}

function missingError(missing: Prerequisite[]): PrerequisiteMissingError {
  const packages = missing.flatMap((name) => DEBIAN_PACKAGES[name]);
  const detail = missing
    .map((name) => `\`${name}\` (Debian/Ubuntu package ${DEBIAN_PACKAGES[name].join(' + ')})`)
    .join(', ');
  return new PrerequisiteMissingError(
    missing,
    `sudo apt-get install -y ${packages.join(' ')}`,
    `${detail} not found on PATH`,
  );
}

async function installMissing(names: Prerequisite[], log: LocalInfraLog): Promise<void> {
  const missing: Prerequisite[] = [];
  for (const name of names) if (!(await isInstalled(name))) missing.push(name);
  if (missing.length === 0) return;

  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !(await commandRuns('apt-get', '--version'))) throw missingError(missing);

  log.warn(`missing ${missing.join(', ')}; installing with apt-get`);
  await aptInstall(
    missing.flatMap((name) => DEBIAN_PACKAGES[name]),
    log,
  );
  const stillMissing: Prerequisite[] = [];
  for (const name of missing) if (!(await isInstalled(name))) stillMissing.push(name);
  if (stillMissing.length > 0) throw missingError(stillMissing);
}

/**
 * Makes sure each command is on PATH. As root with apt-get available, missing ones are
 * installed; otherwise a `PrerequisiteMissingError` names them and the command to install them.
 */
export function ensurePrerequisites(
  names: Prerequisite[],
  log: LocalInfraLog = silentLog,
): Promise<void> {
  const run = installQueue.then(() => installMissing(names, log));
  installQueue = run.catch(() => undefined);
  return run;
}
