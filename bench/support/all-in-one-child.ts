import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@agentpulse/local-infra';

const BIN = join(__dirname, '..', '..', '..', 'apps/cli/bin/agentpulse.js');

/** `agentpulse start` in a child process of its own: the process a user runs, measured apart. */
export interface AllInOneChild {
  pid: number;
  ingest: string;
  gateway: string;
  aggregator: string;
  /** SIGTERM, wait for the exit, remove the data directory. */
  stop(): Promise<void>;
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

/**
 * Starts the all-in-one process on free ports with a fresh data directory and one full-scope
 * key for project `bench`, and resolves once all three services are ready. Rate limits are
 * lifted so that the benchmark measures the pipeline, not the limiter.
 */
export async function startAllInOneChild(options: {
  key: string;
  env?: NodeJS.ProcessEnv;
  nodeFlags?: string[];
}): Promise<AllInOneChild> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agentpulse-bench-'));
  const [ingestPort, gatewayPort, aggregatorPort] = [
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
  ];
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), BIN, 'start'], {
    env: {
      ...process.env,
      AGENTPULSE_DATA_DIR: dataDir,
      AGENTPULSE_API_KEYS: JSON.stringify([
        { key: options.key, project: 'bench', scopes: ['ingest', 'read'] },
      ]),
      INGEST_PORT: String(ingestPort),
      GATEWAY_PORT: String(gatewayPort),
      AGGREGATOR_PORT: String(aggregatorPort),
      LOG_LEVEL: 'warn',
      INGEST_RATE_LIMIT_PER_MINUTE: '100000000',
      GATEWAY_RATE_LIMIT_PER_MINUTE: '100000000',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const running: AllInOneChild = {
    pid: child.pid as number,
    ingest: `http://127.0.0.1:${ingestPort}`,
    gateway: `http://127.0.0.1:${gatewayPort}`,
    aggregator: `http://127.0.0.1:${aggregatorPort}`,
    stop,
  };
  try {
    process.stderr.write('starting the all-in-one process…\n');
    await waitReady(`${running.gateway}/readyz`, 180_000);
    await waitReady(`${running.ingest}/readyz`, 60_000);
    await waitReady(`${running.aggregator}/readyz`, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return running;
}
