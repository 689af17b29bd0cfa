// Jest runs global setup outside the module mapper, hence the relative import.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalKafka, startLocalRedis } from '../../libs/local-infra/src';

const log = {
  info: (message: string) => process.stderr.write(`[e2e setup] ${message}\n`),
  warn: (message: string) => process.stderr.write(`[e2e setup] ${message}\n`),
};

/**
 * One real Kafka broker and one real Redis for the whole e2e run, on free ports, under
 * .local/e2e (wiped first). Suites isolate themselves by topic, group and database.
 */
export default async function globalSetup(): Promise<void> {
  const dir = join(__dirname, '..', '..', '.local', 'e2e');
  rmSync(dir, { recursive: true, force: true });
  const [kafka, redis] = await Promise.all([
    startLocalKafka({ dataDir: join(dir, 'kafka'), partitions: 4, log }),
    startLocalRedis({ dataDir: join(dir, 'redis'), persist: false, log }),
  ]);
  process.env.AP_E2E_KAFKA_BROKERS = kafka.brokers.join(',');
  process.env.AP_E2E_REDIS_URL = redis.url;
  process.env.AP_E2E_DIR = dir;
  (globalThis as { __apInfra?: unknown }).__apInfra = { kafka, redis };
}
