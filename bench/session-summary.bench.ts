/**
 * Query latency of the gateway on the all-in-one process (real Kafka, embedded ClickHouse,
 * Redis) after loading a generated world through ingest. Prints a table; asserts nothing.
 *
 *   npm run bench:summary -- [sessionsPerProject=500] [samples=500]
 *
 * Loads through ingest (so it also exercises the pipeline); bench/query-api.bench.ts is the
 * large-scale one (100k sessions / 10M events, bulk-loaded).
 */
import { generateWorld } from '@agentpulse/test-support';
import { BENCH_KEY as KEY, startBenchPipeline } from './support/bench-pipeline';
import { percentile, timedGet } from './support/request-timing';

const [perProject = 500, samples = 500] = process.argv.slice(2).map(Number);

const timed = (url: string) => timedGet(url, KEY);

async function main(): Promise<void> {
  const pipeline = await startBenchPipeline();
  const ingest = pipeline.ingestUrl;
  const gateway = pipeline.gatewayUrl;
  const from = Date.UTC(2026, 9, 1);
  const world = generateWorld({
    seed: 1,
    projects: ['bench'],
    sessionsPerProject: perProject,
    days: 30,
    from,
  });
  const events = world.map((g) => g.event);
  process.stderr.write(`loading ${events.length} events through ingest…\n`);
  for (let i = 0; i < events.length; i += 1000) {
    const response = await fetch(`${ingest}/v1/events`, {
      method: 'POST',
      body: JSON.stringify(events.slice(i, i + 1000)),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    });
    if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
  }
  const sessions = [...new Set(events.map((e) => e.session_id).filter(Boolean))] as string[];
  const last = sessions[sessions.length - 1];
  while (
    (
      await fetch(`${gateway}/v1/sessions/${last}/summary`, {
        headers: { authorization: `Bearer ${KEY}` },
      })
    ).status !== 200
  )
    await new Promise((resolve) => setTimeout(resolve, 250));
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  const measure = async (name: string, url: () => string) => {
    const times: number[] = [];
    for (let i = 0; i < samples; i += 1) times.push(await timed(url()));
    times.sort((a, b) => a - b);
    return [name, percentile(times, 50), percentile(times, 95), percentile(times, 99)] as const;
  };
  const rows = [
    await measure(
      'GET /v1/sessions/:id/summary',
      () =>
        `${gateway}/v1/sessions/${sessions[Math.floor(Math.random() * sessions.length)]}/summary`,
    ),
    await measure(
      'GET /v1/stats/global (30 days)',
      () => `${gateway}/v1/stats/global?from=2026-10-01&to=2026-10-30`,
    ),
  ];
  await pipeline.stop();
  process.stdout.write(
    `\nsessions: ${sessions.length}, events: ${events.length}, samples: ${samples}, sequential\n`,
  );
  process.stdout.write('| query | p50 ms | p95 ms | p99 ms |\n| --- | --- | --- | --- |\n');
  for (const [name, p50, p95, p99] of rows)
    process.stdout.write(
      `| ${name} | ${p50.toFixed(1)} | ${p95.toFixed(1)} | ${p99.toFixed(1)} |\n`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
