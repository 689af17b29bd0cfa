/**
 * HTTP POST → rows queryable in ClickHouse, all-in-one process (real Kafka broker, embedded
 * ClickHouse, Redis). Prints a table; asserts nothing (correctness lives in tests/).
 *
 *   npm run bench:ingest -- [events=200000] [batch=500] [concurrency=8]
 */
import { clickHouseFor } from '@agentpulse/clickhouse';
import { BENCH_KEY as KEY, startBenchPipeline } from './support/bench-pipeline';

const [events = 200_000, batchSize = 500, concurrency = 8] = process.argv.slice(2).map(Number);

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
  const pipeline = await startBenchPipeline();
  const { runtime } = pipeline;
  const url = `${pipeline.ingestUrl}/v1/events`;
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
  await pipeline.stop();

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
