import { SeededRandom } from './seeded-random';
import type { GeneratedEvent } from './session-generator';
import { isoWithOffset } from './world-generator';

export interface OpsWorldOptions {
  seed: number;
  projects: string[];
  pipelinesPerProject: number;
  /** pipelines are first seen in `days` UTC days from `from` (epoch ms, UTC midnight) */
  from: number;
  days: number;
  requestsPerProject: number;
  /** requests fall in [requestsUntil − requestsSpanMs, requestsUntil], denser near the end */
  requestsUntil: number;
  requestsSpanMs: number;
  /** share of events sent a second time (same id, same content), later */
  duplicateShare?: number;
}

const DAY_MS = 86_400_000;
const OFFSETS = [0, 120, -300, 330];
const STEP_PLANS = [
  ['install', 'lint', 'test:unit', 'build'],
  ['install', 'lint', 'test:unit', 'test:e2e', 'build', 'deploy'],
  ['install', 'build', 'deploy'],
  ['lint', 'test:unit'],
  ['install', 'test:unit', 'test:e2e', 'security-scan'],
];
const FAILURE_ODDS: Record<string, number> = { 'test:e2e': 0.2, lint: 0.08, deploy: 0.06 };
const BRANCHES = ['main', 'main', 'develop', 'feature/login', 'fix/flaky-test', 'release/2.4'];
const AUTHORS = ['Ada Lovelace', 'Grace Hopper', 'Ken Thompson', 'Barbara Liskov'];
const STEP_ERRORS: unknown[] = [
  { message: 'process exited with code 1', exit_code: 1 },
  { message: 'job timed out', timeout_s: 3600 },
  'runner lost connection',
  { message: 'deploy rejected', reasons: ['quota', 'policy'] },
];
/** Routes with their share of traffic, typical latency and odds of 5xx and 4xx answers. */
const ROUTES = [
  { service: 'api', method: 'GET', route: '/v1/users/:id', weight: 30, ms: 40, s5: 0.01, s4: 0.06 },
  { service: 'api', method: 'POST', route: '/v1/users', weight: 8, ms: 120, s5: 0.03, s4: 0.15 },
  {
    service: 'api',
    method: 'GET',
    route: '/v1/orders/:id',
    weight: 20,
    ms: 200,
    s5: 0.02,
    s4: 0.03,
  },
  {
    service: 'api',
    method: 'DELETE',
    route: '/v1/orders/:id',
    weight: 3,
    ms: 90,
    s5: 0.05,
    s4: 0.1,
  },
  { service: 'api', method: 'GET', route: '/healthz', weight: 6, ms: 1, s5: 0, s4: 0 },
  { service: 'auth', method: 'POST', route: '/oauth/token', weight: 15, ms: 60, s5: 0.02, s4: 0.2 },
  { service: 'auth', method: 'GET', route: '/healthz', weight: 6, ms: 1, s5: 0.01, s4: 0 },
  {
    service: 'billing',
    method: 'POST',
    route: '/v1/invoices',
    weight: 5,
    ms: 800,
    s5: 0.15,
    s4: 0.05,
  },
  {
    service: 'billing',
    method: 'GET',
    route: '/v1/invoices/:id',
    weight: 9,
    ms: 70,
    s5: 0.04,
    s4: 0.08,
  },
];
const SERVER_ERRORS = [500, 500, 502, 503, 504];
const CLIENT_ERRORS = [400, 401, 403, 404, 404, 409, 422, 429];
const SUCCESSES = [200, 200, 200, 201, 204, 304];

interface Draft {
  project: string;
  ts: number;
  event: GeneratedEvent['event'];
}

/**
 * CI pipelines and HTTP requests for the ops endpoints: each pipeline reported by several
 * events (pending → running → per-step progress → success/failed, some left running, some
 * never started, some flaky steps retried), fields present in only some events, equal event
 * times, ISO times with offsets; requests on routes with their own latency and error odds,
 * some exactly on window edges. Delivered partly out of order, with repeated ids. A few
 * pipeline ids exist in every project. Deterministic: the same options, the same events.
 */
export function generateOpsWorld(options: OpsWorldOptions): GeneratedEvent[] {
  const r = new SeededRandom(options.seed);
  const drafts: Draft[] = [];
  for (const project of options.projects) {
    for (let i = 0; i < options.pipelinesPerProject; i += 1) {
      const id = i < 3 ? `pl-shared-${i}` : `pl-${options.seed}-${project}-${i}`;
      drafts.push(...pipelineEvents(r, options, project, id));
    }
    drafts.push(...requestEvents(r, options, project));
  }
  return deliver(r, drafts, options.duplicateShare ?? 0);
}

function wireTime(r: SeededRandom, ms: number): number | string {
  return r.chance(0.6) ? ms : isoWithOffset(ms, r.pick(OFFSETS));
}

function pipelineEvents(
  r: SeededRandom,
  options: OpsWorldOptions,
  project: string,
  pipelineId: string,
): Draft[] {
  const drafts: Draft[] = [];
  const emit = (ts: number, fields: Record<string, unknown>) =>
    drafts.push({
      project,
      ts,
      event: {
        id: `${pipelineId}-e${drafts.length}`,
        type: 'pipeline',
        timestamp: wireTime(r, ts),
        pipeline_id: pipelineId,
        ...fields,
      },
    });
  const steps = r.pick(STEP_PLANS);
  const git = {
    commit_sha: r.int(0x10000000, 0x7fffffff).toString(16),
    commit_message: r.pick(['fix: flaky login test', 'feat: invoices', 'chore: bump deps']),
    branch: r.pick(BRANCHES),
    author: r.pick(AUTHORS),
    project: r.pick(['shop/web', 'shop/api']),
  };
  const environment = steps.includes('deploy')
    ? r.pick(['production', 'staging', 'review'])
    : undefined;
  let now = options.from + r.int(0, options.days * DAY_MS - 3 * 3_600_000);
  const gitFirst = r.chance(0.8);
  emit(now, {
    status: 'pending',
    trigger_type: r.pick(['push', 'merge_request', 'schedule', 'web']),
    trigger_source: r.pick(['gitlab', 'github']),
    ...(gitFirst ? { git } : {}),
    ...(r.chance(0.6) ? { steps: steps.map((name) => ({ name, status: 'created' })) } : {}),
  });
  if (r.chance(0.05)) return drafts;
  const stopAt = r.chance(0.1) ? r.int(0, steps.length - 1) : steps.length;
  let failed = false;
  for (let k = 0; k < stopAt && !failed; k += 1) {
    const name = steps[k];
    // Two events of one pipeline sometimes share a time: the event id decides which is later.
    now += r.chance(0.1) ? 0 : r.int(1, 5_000);
    const started = now;
    const startedAt = wireTime(r, started);
    emit(now, {
      ...(k === 0 || r.chance(0.85) ? { status: 'running' } : {}),
      ...(!gitFirst && k === 0 ? { git } : {}),
      steps: [{ name, status: 'running', started_at: startedAt }],
    });
    const duration = r.int(2_000, 300_000) + (r.chance(0.3) ? r.int(1, 9) / 10 : 0);
    if (r.chance(0.2)) {
      const elapsed = Math.floor(duration / 2);
      emit(started + elapsed, { steps: [{ name, status: 'running', duration_ms: elapsed }] });
    }
    failed = r.chance(FAILURE_ODDS[name] ?? 0.03);
    const retried = failed && r.chance(0.25);
    now = started + Math.ceil(duration);
    const result = {
      name,
      status: failed ? 'failed' : 'success',
      ...(r.chance(0.7) ? { started_at: startedAt } : {}),
      duration_ms: duration,
      ...(failed ? { error: r.pick(STEP_ERRORS) } : {}),
    };
    emit(now, {
      ...(failed && !retried ? { status: 'failed' } : {}),
      ...(name === 'deploy' ? { environment } : {}),
      steps: [result],
    });
    if (retried) {
      const retry = r.int(2_000, 60_000);
      now += retry;
      emit(now, { steps: [{ name, status: 'success', duration_ms: retry }] });
      failed = false;
    }
  }
  if (stopAt < steps.length) return drafts;
  now += r.chance(0.1) ? 0 : r.int(1, 2_000);
  emit(now, {
    status: failed ? 'failed' : 'success',
    ...(r.chance(0.5) ? { git } : {}),
    ...(environment && r.chance(0.5) ? { environment } : {}),
    ...(failed ? { steps: skippedAfterFailure(drafts, steps) } : {}),
  });
  return drafts;
}

/** The steps a failure left unrun, reported as skipped by the final event. */
function skippedAfterFailure(drafts: Draft[], steps: string[]): Array<Record<string, unknown>> {
  const reported = new Set(
    drafts.flatMap((d) =>
      ((d.event.steps ?? []) as Array<{ name: string; status: string }>)
        .filter((step) => step.status !== 'created')
        .map((step) => step.name),
    ),
  );
  return steps.filter((name) => !reported.has(name)).map((name) => ({ name, status: 'skipped' }));
}

function requestEvents(r: SeededRandom, options: OpsWorldOptions, project: string): Draft[] {
  const end = options.requestsUntil;
  const times = Array.from({ length: options.requestsPerProject }, () => {
    const roll = r.int(0, 99);
    const span = roll < 15 ? 300_000 : roll < 50 ? 3_600_000 : options.requestsSpanMs;
    return end - r.int(1, span);
  });
  // on the edges of the 5m and 1h windows that end at requestsUntil, and on that end itself
  times.push(end, end - 1, end - 300_000, end - 3_600_000, end - 3_600_001);
  return times.map((ts, i) => {
    const route = weightedRoute(r);
    const kind = r.int(0, 999) / 1000;
    const status =
      kind < route.s5
        ? r.pick(SERVER_ERRORS)
        : kind < route.s5 + route.s4
          ? r.pick(CLIENT_ERRORS)
          : r.pick(SUCCESSES);
    const slow = r.chance(0.04) ? 10 : 1;
    const duration = r.chance(0.3)
      ? r.int(1, route.ms * 2) * slow
      : (route.ms * slow * r.int(300, 2_000)) / 1_000;
    return {
      project,
      ts,
      event: {
        id: `req-${options.seed}-${project}-${i}`,
        type: 'http_request',
        timestamp: wireTime(r, ts),
        service: route.service,
        method: route.method,
        route: route.route,
        status_code: status,
        duration_ms: duration,
        ...(r.chance(0.5) ? { trace_id: `trace-${i}` } : {}),
      },
    };
  });
}

function weightedRoute(r: SeededRandom): (typeof ROUTES)[number] {
  let roll = r.int(0, ROUTES.reduce((sum, route) => sum + route.weight, 0) - 1);
  for (const route of ROUTES) {
    if (roll < route.weight) return route;
    roll -= route.weight;
  }
  return ROUTES[ROUTES.length - 1];
}

/** Mostly in time order, some late, some sent twice. */
function deliver(r: SeededRandom, drafts: Draft[], duplicateShare: number): GeneratedEvent[] {
  const queue: Array<{ at: number; seq: number; item: GeneratedEvent }> = [];
  for (const draft of drafts) {
    const roll = r.int(0, 99);
    const delay = roll < 70 ? 0 : roll < 95 ? r.int(0, 600_000) : r.int(0, DAY_MS);
    const item = { project: draft.project, event: draft.event };
    queue.push({ at: draft.ts + delay, seq: queue.length, item });
    if (r.chance(duplicateShare))
      queue.push({
        at: draft.ts + delay + r.int(1, 3_600_000),
        seq: queue.length,
        item: { project: draft.project, event: structuredClone(draft.event) },
      });
  }
  queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return queue.map((entry) => entry.item);
}
