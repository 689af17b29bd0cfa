import { SeededRandom } from './seeded-random';
import type { GeneratedEvent } from './session-generator';

export interface LiveWorldOptions {
  seed: number;
  project: string;
  /** epoch ms the world is built around: recent events fall in the minutes before it */
  now: number;
  sessions: number;
  /** prefix of every id, so several worlds can be posted to one project */
  prefix: string;
}

const MODELS = [
  { model: 'claude-sonnet-4', provider: 'anthropic' },
  { model: 'gpt-4o', provider: 'openai' },
  { model: 'mystery-model-x', provider: 'nobody' },
];
const AGENTS = ['build', 'plan', 'explore', undefined];
const SESSION_STATUSES = ['running', 'completed', 'error', undefined];
const MINUTE = 60_000;

/**
 * Sessions, pipelines and HTTP requests around `now` for the live `global` scope: sessions
 * active a few seconds ago and idle ones from an hour ago, with every status; messages with
 * and without a reported cost, agent or known model; tool calls that end, fail or keep
 * running; pipelines of today and of an earlier day; requests inside and outside the last hour.
 */
export function liveWorld(options: LiveWorldOptions): GeneratedEvent[] {
  const r = new SeededRandom(options.seed);
  const { project, now, prefix } = options;
  const out: GeneratedEvent[] = [];
  const push = (event: GeneratedEvent['event']) => out.push({ project, event });
  for (let i = 0; i < options.sessions; i += 1) {
    const session_id = `${prefix}-s${i}`;
    const recent = r.chance(0.7);
    let ts = recent ? now - r.int(20_000, 4 * MINUTE) : now - r.int(20 * MINUTE, 90 * MINUTE);
    let n = 0;
    const id = () => `${session_id}-e${n++}`;
    const step = () => (ts += r.int(50, 3_000));
    const status = r.pick(SESSION_STATUSES);
    push({ id: id(), type: 'session', timestamp: ts, session_id, title: `live ${i}` });
    for (let m = 0, count = r.int(1, 6); m < count; m += 1) {
      const { model, provider } = r.pick(MODELS);
      const agent = r.pick(AGENTS);
      push({
        id: id(),
        type: 'message',
        timestamp: step(),
        session_id,
        message_id: `${session_id}-m${m}`,
        role: m % 2 === 0 ? 'user' : 'assistant',
        model,
        provider,
        ...(agent ? { agent } : {}),
        tokens: {
          input: r.int(0, 5_000),
          output: r.int(0, 2_000),
          cache_read: r.int(0, 20_000),
          cache_write: r.int(0, 3_000),
        },
        ...(r.chance(0.2) ? { cost_usd: r.int(1, 5_000) / 10_000 } : {}),
      });
    }
    for (let c = 0, calls = r.int(0, 3); c < calls; c += 1) {
      const call_id = `${session_id}-c${c}`;
      const tool = r.pick(['bash', 'edit', 'read']);
      // every call runs; most then end, some of those in error
      const statuses = r.chance(0.8)
        ? ['running', r.chance(0.3) ? 'error' : 'completed']
        : ['running'];
      for (const callStatus of statuses)
        push({
          id: id(),
          type: 'tool_call',
          timestamp: step(),
          session_id,
          call_id,
          tool,
          status: callStatus,
        });
    }
    if (status) push({ id: id(), type: 'session', timestamp: step(), session_id, status });
  }
  const pipelines: Array<[number, string]> = [
    [now - r.int(2 * MINUTE, 50 * MINUTE), 'success'],
    [now - r.int(2 * MINUTE, 50 * MINUTE), 'failed'],
    [now - r.int(2 * MINUTE, 50 * MINUTE), 'success'],
    [now - r.int(2 * MINUTE, 50 * MINUTE), 'running'],
    [now - 30 * 60 * MINUTE, 'failed'],
  ];
  pipelines.forEach(([ts, status], i) => {
    const pipeline_id = `${prefix}-p${i}`;
    push({
      id: `${pipeline_id}-a`,
      type: 'pipeline',
      timestamp: ts,
      pipeline_id,
      status: 'running',
    });
    push({ id: `${pipeline_id}-b`, type: 'pipeline', timestamp: ts + 1_000, pipeline_id, status });
  });
  for (let i = 0; i < 40; i += 1) {
    push({
      id: `${prefix}-h${i}`,
      type: 'http_request',
      timestamp: i < 32 ? now - r.int(1_000, 59 * MINUTE) : now - r.int(70 * MINUTE, 120 * MINUTE),
      service: 'api',
      method: 'GET',
      route: r.pick(['/a', '/b']),
      status_code: r.pick([200, 200, 201, 404, 500]),
      duration_ms: r.int(1, 900),
    });
  }
  return out;
}
