import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/** How a supervised process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A service process owned by this Node process: stopped by `stop()` or when Node exits. */
export interface SupervisedProcess {
  readonly pid: number;
  /** resolves once the process has exited, for whatever reason */
  readonly exited: Promise<ProcessExit>;
  /** the last characters the process wrote to stdout and stderr */
  outputTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once exited; idempotent */
  stop(graceMs: number): Promise<void>;
}

const OUTPUT_TAIL_CHARS = 16_384;
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

// A crashed or forgetful caller must not leave brokers running after it: on exit only
// synchronous work is possible, so still-running children get SIGKILL.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

function waitForSpawn(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
}

/**
 * Starts `command` with piped output. The child and its pipes are unref'd: a service must
 * not keep Node alive on its own, and the exit hook then takes the child down with Node.
 */
export async function spawnSupervised(
  command: string,
  args: string[],
  cwd: string,
): Promise<SupervisedProcess> {
  installExitHook();
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keepTail = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);

  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  await waitForSpawn(child);
  running.add(child);
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as Socket | null)?.unref();

  let stopping: Promise<void> | undefined;
  const stop = (graceMs: number): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // This timer is deliberately ref'd: it keeps Node alive while the unref'd child shuts down.
      const killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        await exited;
      } finally {
        clearTimeout(killTimer);
      }
    })();
    return stopping;
  };

  return {
    pid: child.pid as number,
    exited,
    outputTail: () => tail,
    stop,
  };
}
