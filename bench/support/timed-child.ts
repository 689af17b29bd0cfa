import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChildRun {
  code: number | null;
  wallMs: number;
  /** peak resident set size in MiB (GNU time's %M), when /usr/bin/time is there */
  peakRssMb?: number;
  /** user + system CPU seconds (GNU time's %U + %S) */
  cpuSeconds?: number;
  stdout: string;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command to its end and measures its wall time and peak RSS (through GNU time, which
 * reads the child's rusage: the process's own peak, not an estimate from polling). stderr is
 * passed through so progress bars stay visible.
 */
export async function runTimed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<ChildRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'agentpulse-timed-'));
  const timeFile = join(scratch, 'rusage');
  const wrapped = existsSync(GNU_TIME);
  const [file, argv] = wrapped
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...args]]
    : [command, args];
  const started = performance.now();
  const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const wallMs = performance.now() - started;
  let peakRssMb: number | undefined;
  let cpuSeconds: number | undefined;
  if (wrapped && existsSync(timeFile)) {
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    const [kb, user, system] = last.split(' ').map(Number);
    if (Number.isFinite(kb)) peakRssMb = kb / 1024;
    if (Number.isFinite(user) && Number.isFinite(system)) cpuSeconds = user + system;
  }
  rmSync(scratch, { recursive: true, force: true });
  const stdout = Buffer.concat(chunks).toString('utf8');
  return { code, wallMs, peakRssMb, cpuSeconds, stdout };
}

/**
 * CPU seconds (user + system) a running process and its live descendants (the all-in-one
 * process's Kafka broker and Redis) have used so far, from /proc.
 */
export function processTreeCpuSeconds(root: number): number {
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      const cpu = (Number(fields[11]) + Number(fields[12])) / 100;
      stats.set(Number(entry), { ppid: Number(fields[1]), cpu });
    } catch {
      // the process ended while the table was read: it is no descendant any more
    }
  }
  let total = 0;
  const queue = [root];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    total += stats.get(pid)?.cpu ?? 0;
    for (const [child, stat] of stats) if (stat.ppid === pid) queue.push(child);
  }
  return total;
}

/** The 1, 5 and 15-minute load averages, as `uptime` shows them. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
