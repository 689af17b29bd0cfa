import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { isProcessAlive } from './process-alive';

interface LockOwner {
  pid: number;
  host: string;
}

export interface FileLockOptions {
  /**
   * a lock not refreshed for this long is taken over even when its owner cannot be checked
   * (another host sharing the directory); default 5 min. Holders refresh it every 30 s.
   */
  staleAfterMs?: number;
  /** give up waiting for a live holder after this long (0: do not wait); default 30 min */
  waitTimeoutMs?: number;
  /** called once when another process holds the lock */
  onWait?: (owner: string) => void;
}

function tryCreate(lockPath: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx');
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() } satisfies LockOwner));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function describeIfStale(lockPath: string, staleAfterMs: number): Promise<string | null> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    if (Date.now() - info.mtimeMs > staleAfterMs) return null;
    // An owner that crashed between creating and writing the file leaves it empty.
    if (text.length === 0) return Date.now() - info.mtimeMs > 10_000 ? null : 'a starting process';
    const owner = JSON.parse(text) as LockOwner;
    if (owner.host === hostname() && !isProcessAlive(owner.pid)) return null;
    return `pid ${owner.pid} on ${owner.host}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'nobody';
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/** Another live process held the lock for longer than the caller was willing to wait. */
export class FileLockBusyError extends Error {
  constructor(
    readonly lockPath: string,
    /** who holds it, e.g. `pid 1234 on build-7` */
    readonly owner: string,
  ) {
    super(`${lockPath} is held by ${owner}`);
    this.name = 'FileLockBusyError';
  }
}

/** A held lock; `release` removes it and is safe to call more than once. */
export interface FileLock {
  release(): Promise<void>;
}

/**
 * Takes `lockPath`, created with O_EXCL so that one process at a time gets it, waiting while
 * a live process holds it. A lock left by a dead process is taken over. Two waiters taking
 * over the same stale lock at once could both proceed, so guarded work must still finish
 * atomically on its own.
 */
export async function acquireFileLock(
  lockPath: string,
  options: FileLockOptions = {},
): Promise<FileLock> {
  const staleAfterMs = options.staleAfterMs ?? 5 * 60_000;
  const deadline = Date.now() + (options.waitTimeoutMs ?? 30 * 60_000);
  let reportedWait = false;
  while (!tryCreate(lockPath)) {
    const owner = await describeIfStale(lockPath, staleAfterMs);
    if (owner === null) await rm(lockPath, { force: true });
    if (owner === null || owner === 'nobody') continue;
    if (Date.now() >= deadline) throw new FileLockBusyError(lockPath, owner);
    if (!reportedWait) {
      reportedWait = true;
      options.onWait?.(owner);
    }
    await delay(500);
  }
  // Refreshing the mtime tells waiters on other hosts that the holder is still alive.
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, 30_000);
  heartbeat.unref();
  let released: Promise<void> | undefined;
  return {
    release: () => {
      clearInterval(heartbeat);
      released ??= rm(lockPath, { force: true });
      return released;
    },
  };
}

/** Runs `work` while holding `lockPath` (see `acquireFileLock`). */
export async function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const lock = await acquireFileLock(lockPath, options);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}
