import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgentPulse, type AgentPulseRuntime } from '@agentpulse/cli';

export const BENCH_KEY = 'bench-key-0123456789abcdef';

export interface BenchPipeline {
  runtime: AgentPulseRuntime;
  ingestUrl: string;
  gatewayUrl: string;
  /** the data directory (embedded ClickHouse under `<dataDir>/clickhouse`) */
  dataDir: string;
  /** stops the services, the broker and Redis, and deletes the data directory */
  stop(): Promise<void>;
}

/**
 * The all-in-one process on a fresh data directory (its own Kafka broker, embedded ClickHouse
 * and Redis), one key of project `bench` with both scopes, rate limits out of the way.
 */
export async function startBenchPipeline(): Promise<BenchPipeline> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agentpulse-bench-'));
  const runtime = await startAgentPulse({
    target: 'all',
    env: {
      ...process.env,
      AGENTPULSE_DATA_DIR: dataDir,
      AGENTPULSE_API_KEYS: JSON.stringify([
        { key: BENCH_KEY, project: 'bench', scopes: ['ingest', 'read'] },
      ]),
      INGEST_PORT: '0',
      GATEWAY_PORT: '0',
      AGGREGATOR_PORT: '0',
      LOG_LEVEL: 'warn',
      INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
      GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  });
  return {
    runtime,
    ingestUrl: `http://127.0.0.1:${runtime.services.ingest?.port}`,
    gatewayUrl: `http://127.0.0.1:${runtime.services.gateway?.port}`,
    dataDir,
    stop: async () => {
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
