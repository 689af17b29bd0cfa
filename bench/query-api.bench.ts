/**
 * Query latency of the gateway over HTTP on the all-in-one process (real Kafka, embedded
 * ClickHouse, Redis) with a large world bulk-loaded into the raw tables (every materialized
 * view fires as on the aggregator's inserts). Prints a table; asserts nothing.
 *
 *   npm run bench:queries -- [sessions=100000] [samples=1000]
 *
 * Each figure is measured on cold requests: the gateway's response cache is bypassed by giving
 * every request a distinct, ignored query parameter, except in the rows marked "cached".
 */
import { clickHouseFor } from '@agentpulse/clickhouse';
import { loadBulkWorld, EVENTS_PER_SESSION } from './support/bulk-world';
import { BENCH_KEY as KEY, startBenchPipeline } from './support/bench-pipeline';
import { percentile, timedGet } from './support/request-timing';

const [sessions = 100_000, samples = 1_000] = process.argv.slice(2).map(Number);
const FROM = new Date(Date.UTC(2026, 9, 1));
const DAYS = 30;

const timed = (url: string) => timedGet(url, KEY);

async function main(): Promise<void> {
  const pipeline = await startBenchPipeline();
  const client = clickHouseFor({ database: 'agentpulse' }, pipeline.dataDir);
  const perSession = Object.values(EVENTS_PER_SESSION).reduce((a, b) => a + b, 0);
  process.stderr.write(`loading ${sessions} sessions × ${perSession} events…\n`);
  const loadStarted = performance.now();
  const events = await loadBulkWorld(
    client,
    'agentpulse',
    { project: 'bench', sessions, from: FROM, days: DAYS },
    (table, rows, ms) =>
      process.stderr.write(`  ${table}: ${rows} rows in ${(ms / 1000).toFixed(1)} s\n`),
  );
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  // Background merges would get here on their own within minutes; do it now, as a
  // long-running deployment would have it.
  process.stderr.write('merging parts (OPTIMIZE … FINAL)…\n');
  const mergeStarted = performance.now();
  for (const table of ['session_digest', 'session_stats', 'daily_stats', 'tool_call_state'])
    await client.command({ query: `OPTIMIZE TABLE agentpulse.${table} FINAL` });
  const mergeSeconds = (performance.now() - mergeStarted) / 1000;

  const gateway = pipeline.gatewayUrl;
  let n = 0;
  const cold = () => `nocache=${n++}`;
  const randomSession = () => `s${Math.floor(Math.random() * sessions)}`;
  const measure = async (name: string, count: number, url: () => string) => {
    const times: number[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i += 1) times.push(await timed(url()));
    process.stderr.write(
      `  ${name}: ${count} requests in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    times.sort((a, b) => a - b);
    return {
      name,
      count,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      p99: percentile(times, 99),
    };
  };
  const to = new Date(FROM.getTime() + (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const global = `${gateway}/v1/stats/global?from=${FROM.toISOString().slice(0, 10)}&to=${to}`;
  // warm-up (connection, JIT, the engine's caches), not timed
  for (let i = 0; i < 200; i += 1)
    await timed(`${gateway}/v1/sessions/${randomSession()}/summary?${cold()}`);
  const rows = [
    await measure(
      'GET /v1/sessions/:id/summary',
      samples,
      () => `${gateway}/v1/sessions/${randomSession()}/summary?${cold()}`,
    ),
    await measure(
      'GET /v1/stats/global (30 days)',
      Math.min(samples, 20),
      () => `${global}&${cold()}`,
    ),
    await measure('GET /v1/stats/global (30 days), cached', Math.min(samples, 200), () => global),
    await measure(
      'GET /v1/sessions (first page)',
      Math.min(samples, 50),
      () => `${gateway}/v1/sessions?${cold()}`,
    ),
  ];
  for (const view of ['tokens', 'tools', 'files', 'agents', 'timeline', 'exchanges'])
    rows.push(
      await measure(
        `GET /v1/sessions/:id/${view}`,
        Math.min(samples, 200),
        () => `${gateway}/v1/sessions/${randomSession()}/${view}?${cold()}`,
      ),
    );
  rows.push(
    await measure(
      'GET /v1/sessions/compare (5 ids)',
      Math.min(samples, 200),
      () =>
        `${gateway}/v1/sessions/compare?ids=${Array.from({ length: 5 }, randomSession).join(',')}&${cold()}`,
    ),
  );
  await pipeline.stop();
  process.stdout.write(
    `\n${sessions} sessions, ${events} events bulk-loaded in ${loadSeconds.toFixed(0)} s (+${mergeSeconds.toFixed(0)} s merging); sequential requests over HTTP\n`,
  );
  process.stdout.write(
    '| query | requests | p50 ms | p95 ms | p99 ms |\n| --- | --- | --- | --- | --- |\n',
  );
  for (const r of rows)
    process.stdout.write(
      `| ${r.name} | ${r.count} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} |\n`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
