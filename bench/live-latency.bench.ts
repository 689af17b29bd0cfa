/**
 * Live KPI latency: the time from ingest's 2xx for a batch to each subscribed socket.io
 * client's first `kpi` push that includes it. The all-in-one process runs as a child (its own
 * Kafka broker, embedded ClickHouse and Redis); this process holds the clients and the load.
 * Prints a table; asserts nothing (correctness lives in tests/live.e2e.ts).
 *
 *   npm run bench:live -- [clients=200] [eventsPerSecond=1000] [seconds=30] [batch=50]
 *
 * Every event is a message with one input token, so the global `total_tokens` counts stored
 * events. Batches are posted one after another and the topic has one partition, so batches are
 * stored in the order they were acknowledged: a push whose total covers batch b's cumulative
 * count includes batch b.
 */
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { startAllInOneChild } from './support/all-in-one-child';
import { percentile } from './support/request-timing';

const [clients = 200, rate = 1_000, seconds = 30, batchSize = 50] = process.argv
  .slice(2)
  .map(Number);
const KEY = 'bench-live-key-0123456789abcdef';

interface Batch {
  /** total_tokens once this batch and every earlier one are stored */
  cumulative: number;
  ackedAt: number;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main(): Promise<void> {
  const pipeline = await startAllInOneChild({ key: KEY, env: { KAFKA_PARTITIONS: '1' } });
  try {
    const gateway = pipeline.gateway;
    const ingest = `${pipeline.ingest}/v1/events`;

    const receipts: number[][] = Array.from({ length: clients }, () => []);
    const totals: number[][] = Array.from({ length: clients }, () => []);
    const sockets: Socket[] = [];
    process.stderr.write(`connecting ${clients} clients…\n`);
    await Promise.all(
      Array.from({ length: clients }, async (_, index) => {
        const socket = io(`${gateway}/live`, { auth: { token: KEY }, transports: ['websocket'] });
        sockets.push(socket);
        socket.on('kpi', (kpi: { summary: { total_tokens: number } }) => {
          receipts[index].push(performance.now());
          totals[index].push(kpi.summary.total_tokens);
        });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        await socket.emitWithAck('subscribe', { scope: 'global' });
      }),
    );

    const batches: Batch[] = [];
    const intervalMs = (batchSize / rate) * 1000;
    const count = Math.round((rate * seconds) / batchSize);
    const runId = Date.now().toString(36);
    process.stderr.write(
      `posting ${count} batches of ${batchSize} events, one every ${intervalMs} ms…\n`,
    );
    const metricsBefore = await (await fetch(`${gateway}/metrics`)).text();
    const pid = pipeline.pid;
    const cpuBefore = cpuSeconds(pid);
    const started = performance.now();
    for (let b = 0; b < count; b += 1) {
      const due = started + b * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const events = Array.from({ length: batchSize }, (_, i) => ({
        id: `${runId}-${b}-${i}`,
        type: 'message',
        timestamp: Date.now(),
        session_id: `live-bench-${b % 100}`,
        message_id: `${runId}-${b}-${i}`,
        role: 'assistant',
        tokens: { input: 1 },
      }));
      const response = await fetch(ingest, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
      batches.push({ cumulative: (b + 1) * batchSize, ackedAt: performance.now() });
    }
    const postedFor = (performance.now() - started) / 1000;
    const final = count * batchSize;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && totals.some((list) => (list.at(-1) ?? 0) < final))
      await new Promise((resolve) => setTimeout(resolve, 100));
    const elapsed = (performance.now() - started) / 1000;
    const cpu = (cpuSeconds(pid) - cpuBefore) / elapsed;

    const metricsAfter = await (await fetch(`${gateway}/metrics`)).text();
    // The same read with no ingest load: a new subscription's snapshot, 20 times in a row.
    const idle: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const begun = performance.now();
      await sockets[0].emitWithAck('subscribe', { scope: 'global' });
      idle.push(performance.now() - begun);
    }
    idle.sort((a, b) => a - b);
    /** mean of a histogram's observations made while the load ran, in ms */
    const mean = (name: string, labels = '') => {
      const read = (text: string, suffix: string) => {
        const line = text.split('\n').find((l) => l.startsWith(`${name}_${suffix}${labels} `));
        return Number(line?.split(' ')[1] ?? 0);
      };
      const delta = (suffix: string) => read(metricsAfter, suffix) - read(metricsBefore, suffix);
      return (delta('sum') / delta('count')) * 1000;
    };

    const latencies: number[] = [];
    let missing = 0;
    for (let c = 0; c < clients; c += 1) {
      let k = 0;
      for (const batch of batches) {
        while (k < totals[c].length && totals[c][k] < batch.cumulative) k += 1;
        if (k === totals[c].length) missing += 1;
        else latencies.push(receipts[c][k] - batch.ackedAt);
      }
    }
    latencies.sort((a, b) => a - b);
    const pushes = totals.reduce((sum, list) => sum + list.length, 0) / clients;
    const rows: Array<[string, string]> = [
      ['clients subscribed (global)', String(clients)],
      ['events posted', `${final} in ${count} batches`],
      ['posting rate (events/s)', (final / postedFor).toFixed(0)],
      ['kpi pushes per client', `${pushes.toFixed(0)} (${(pushes / elapsed).toFixed(1)}/s)`],
      ['latency p50 (ms)', percentile(latencies, 50).toFixed(0)],
      ['latency p90 (ms)', percentile(latencies, 90).toFixed(0)],
      ['latency p99 (ms)', percentile(latencies, 99).toFixed(0)],
      ['latency max (ms)', latencies[latencies.length - 1].toFixed(0)],
      ['batches never seen by a client', String(missing)],
      ['server CPU (cores, of 1 process)', cpu.toFixed(2)],
      ['mean aggregator batch (ms)', mean('agentpulse_aggregator_batch_seconds').toFixed(1)],
      [
        'mean global snapshot read (ms)',
        mean('agentpulse_gateway_live_snapshot_seconds', '{scope="global"}').toFixed(1),
      ],
      ['global snapshot with no load, p50 (ms)', percentile(idle, 50).toFixed(1)],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(
      `\n${rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v.padStart(20)} |`).join('\n')}\n`,
    );
    for (const socket of sockets) socket.disconnect();
  } finally {
    await pipeline.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
