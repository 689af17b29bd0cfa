/**
 * HTTP POST → rows queryable in ClickHouse, all-in-one process (real Kafka broker, embedded
 * ClickHouse, Redis). Prints a table; asserts nothing (correctness lives in tests/).
 *
 *   npm run bench:ingest -- [events=200000] [batch=500] [concurrency=8]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clickHouseFor } from '@agentpulse/clickhouse';
import { startAgentPulse } from '@agentpulse/cli';

const [events = 200_000, batchSize = 500, concurrency = 8] = process.argv.slice(2).map(Number);
const KEY = 'bench-key-0123456789abcdef';

function messageEvent(i: number, now: number) {
  const session = `bench-s-${i % 1000}`;
  return {
    id: `bench-${i}`,
    type: 'message',
    timestamp: now + i,
    session_id: session,
    message_id: `m-${i}`,
    role: i % 2 === 0 ? 'user' : 'assistant',
    model: 'claude-sonnet-4',
    tokens: { input: 100 + (i % 50), output: 20, cache_read: 1000, cache_write: 10 },
  };
}

function table(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v.padStart(14)} |`).join('\n');
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agentpulse-bench-'));
  const runtime = await startAgentPulse({
    target: 'all',
    env: {
      ...process.env,
      AGENTPULSE_DATA_DIR: dataDir,
      AGENTPULSE_API_KEYS: JSON.stringify([
        { key: KEY, project: 'bench', scopes: ['ingest', 'read'] },
      ]),
      INGEST_PORT: '0',
      GATEWAY_PORT: '0',
      AGGREGATOR_PORT: '0',
      LOG_LEVEL: 'warn',
      INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  });
  const url = `http://127.0.0.1:${runtime.services.ingest?.port}/v1/events`;
  const clickhouse = clickHouseFor(runtime.config.clickhouse, runtime.config.dataDir);
  const db = runtime.config.clickhouse.database;
  const count = async () => {
    const result = await clickhouse.query({
      query: `SELECT count() AS n FROM ${db}.messages`,
      format: 'JSONEachRow',
    });
    return Number((await result.json<{ n: string }>())[0].n);
  };

  const now = Date.now() - 3_600_000;
  const bodies: string[] = [];
  for (let start = 0; start < events; start += batchSize) {
    const batch = [];
    for (let i = start; i < Math.min(events, start + batchSize); i += 1)
      batch.push(messageEvent(i, now));
    bodies.push(JSON.stringify(batch));
  }

  process.stderr.write(
    `posting ${events} events in ${bodies.length} requests of ${batchSize}, ${concurrency} at a time…\n`,
  );
  const started = performance.now();
  let next = 0;
  let acked = 0;
  const progress = setInterval(
    () => process.stderr.write(`  acknowledged ${acked}/${events}\n`),
    2_000,
  );
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const response = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        });
        if (response.status !== 202)
          throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
        acked += ((await response.json()) as { accepted: number }).accepted;
      }
    }),
  );
  const ackedAt = performance.now();
  clearInterval(progress);
  process.stderr.write('waiting for every row to be queryable…\n');
  let stored = 0;
  while ((stored = await count()) < events) {
    process.stderr.write(`  stored ${stored}/${events}\n`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const storedAt = performance.now();
  const rss = process.memoryUsage().rss;
  await runtime.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const rate = (ms: number) => Math.round(events / (ms / 1000)).toLocaleString('en-US');
  process.stdout.write(
    `\n${table([
      ['events (message)', events.toLocaleString('en-US')],
      ['batch size / concurrency', `${batchSize} / ${concurrency}`],
      ['all 202s received (s)', seconds(ackedAt - started)],
      ['ingest rate, acked (ev/s)', rate(ackedAt - started)],
      ['all rows queryable (s)', seconds(storedAt - started)],
      ['end-to-end rate (ev/s)', rate(storedAt - started)],
      ['rows stored', stored.toLocaleString('en-US')],
      ['process RSS at end (MiB)', (rss / 1024 / 1024).toFixed(0)],
    ])}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
