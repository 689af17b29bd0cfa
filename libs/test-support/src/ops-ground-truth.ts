import type { GeneratedEvent } from './session-generator';

/**
 * An independent calculation of the pipeline and API-monitoring endpoints' figures from the
 * events a test sent: plain TypeScript over the events, nothing shared with the services.
 *
 * Definitions (the gateway documents the same ones):
 * - "latest" = the value of the latest event by (event time, event id) that reported it;
 *   step `started_at` = the earliest reported one.
 * - a pipeline belongs to the UTC day of its first event; `duration_ms` = last − first event.
 * - success_rate = success / (success + failed) by latest status, 0 when none finished.
 * - percentiles are nearest-rank: the value at 1-based rank ceil(p × n / 100) of the sorted n.
 * - HTTP `errors` are status ≥ 500, `client_errors` 400–499; `top_errors` the five most
 *   frequent codes ≥ 400 (then lowest code); a window is [until − period, until).
 */

const DAY_MS = 86_400_000;
const STATUSES = ['pending', 'running', 'success', 'failed'] as const;
/** period → [length, chart bucket width] in ms */
const PERIODS: Record<string, [number, number]> = {
  '5m': [300_000, 10_000],
  '15m': [900_000, 30_000],
  '1h': [3_600_000, 60_000],
  '6h': [21_600_000, 300_000],
  '24h': [86_400_000, 900_000],
  '7d': [604_800_000, 3_600_000],
};

type Fields = Record<string, unknown>;
interface Received {
  ts: number;
  id: string;
  event: Fields;
}

const toMs = (wire: unknown) => (typeof wire === 'number' ? wire : Date.parse(String(wire)));
const iso = (ms: number) => new Date(ms).toISOString();
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One project's events of one type, each id once (a repeated id never counts twice). */
function received(sent: GeneratedEvent[], project: string, type: string): Received[] {
  const seen = new Set<string>();
  const out: Received[] = [];
  for (const { project: owner, event } of sent) {
    if (owner !== project || event.type !== type || seen.has(event.id)) continue;
    seen.add(event.id);
    out.push({ ts: toMs(event.timestamp), id: event.id, event });
  }
  return out;
}

export function nearestRank(values: number[], percent: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((percent * sorted.length) / 100) - 1];
}

const rate = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

export interface ExpectedStep {
  name: string;
  status: string | null;
  started_at: string | null;
  duration_ms: number | null;
  error: unknown;
}

export interface ExpectedPipeline {
  pipeline_id: string;
  status: string | null;
  trigger_type: string | null;
  trigger_source: string | null;
  environment: string | null;
  git: Record<'branch' | 'commit_sha' | 'commit_message' | 'author' | 'project', string | null>;
  first_seen: string;
  last_seen: string;
  duration_ms: number;
  steps: number;
  /** not on the wire: the pipeline's steps, in the detail endpoint's order */
  step_list: ExpectedStep[];
}

/** Every pipeline of a project, latest state of each field and step. */
export function expectedPipelines(
  sent: GeneratedEvent[],
  project: string,
): Map<string, ExpectedPipeline> {
  const events = received(sent, project, 'pipeline').sort(
    (a, b) => a.ts - b.ts || byText(a.id, b.id),
  );
  const pipelines = new Map<string, ExpectedPipeline>();
  const stepsOf = new Map<string, Map<string, ExpectedStep & { started?: number }>>();
  for (const { ts, event } of events) {
    const id = String(event.pipeline_id);
    let p = pipelines.get(id);
    if (!p) {
      p = {
        pipeline_id: id,
        status: null,
        trigger_type: null,
        trigger_source: null,
        environment: null,
        git: { branch: null, commit_sha: null, commit_message: null, author: null, project: null },
        first_seen: iso(ts),
        last_seen: iso(ts),
        duration_ms: 0,
        steps: 0,
        step_list: [],
      };
      pipelines.set(id, p);
      stepsOf.set(id, new Map());
    }
    p.last_seen = iso(ts);
    p.duration_ms = ts - Date.parse(p.first_seen);
    for (const key of ['status', 'trigger_type', 'trigger_source', 'environment'] as const)
      if (event[key]) p[key] = String(event[key]);
    const git = (event.git ?? {}) as Fields;
    for (const key of Object.keys(p.git) as Array<keyof ExpectedPipeline['git']>)
      if (git[key]) p.git[key] = String(git[key]);
    const steps = stepsOf.get(id) as Map<string, ExpectedStep & { started?: number }>;
    for (const reported of (event.steps ?? []) as Fields[]) {
      const name = String(reported.name);
      const step = steps.get(name) ?? {
        name,
        status: null,
        started_at: null,
        duration_ms: null,
        error: null,
      };
      steps.set(name, step);
      if (reported.status) step.status = String(reported.status);
      if (reported.started_at !== undefined) {
        const started = toMs(reported.started_at);
        if (step.started === undefined || started < step.started) step.started = started;
      }
      if (typeof reported.duration_ms === 'number') step.duration_ms = reported.duration_ms;
      const error = JSON.stringify(reported.error);
      if (error !== undefined && error !== '{}' && error !== 'null') step.error = JSON.parse(error);
    }
  }
  for (const [id, p] of pipelines) {
    const steps = [...(stepsOf.get(id)?.values() ?? [])];
    steps.sort(
      (a, b) => (a.started ?? Infinity) - (b.started ?? Infinity) || byText(a.name, b.name),
    );
    p.step_list = steps.map(({ started, ...step }) => ({
      ...step,
      started_at: started === undefined ? null : iso(started),
    }));
    p.steps = steps.length;
  }
  return pipelines;
}

export interface PipelineFilter {
  from: string;
  to: string;
  status?: string;
  branch?: string;
  environment?: string;
}

function inRange(pipelines: Map<string, ExpectedPipeline>, filter: PipelineFilter) {
  return [...pipelines.values()].filter((p) => {
    const day = p.first_seen.slice(0, 10);
    return (
      day >= filter.from &&
      day <= filter.to &&
      (filter.status === undefined || p.status === filter.status) &&
      (filter.branch === undefined || p.git.branch === filter.branch) &&
      (filter.environment === undefined || p.environment === filter.environment)
    );
  });
}

function statusCounts(pipelines: ExpectedPipeline[]) {
  const counts = { pipelines: pipelines.length, pending: 0, running: 0, success: 0, failed: 0 };
  for (const p of pipelines) {
    const status = STATUSES.find((known) => known === p.status);
    if (status) counts[status] += 1;
  }
  return { ...counts, success_rate: rate(counts.success, counts.success + counts.failed) };
}

function daily(pipelines: ExpectedPipeline[], from: string, to: string) {
  const days = [];
  for (let ms = Date.parse(from); ms <= Date.parse(to); ms += DAY_MS) {
    const day = iso(ms).slice(0, 10);
    days.push({ day, ...statusCounts(pipelines.filter((p) => p.first_seen.startsWith(day))) });
  }
  return days;
}

/** GET /v1/pipelines over every page: summary, the rows in page order, charts. */
export function expectedPipelineList(
  pipelines: Map<string, ExpectedPipeline>,
  filter: PipelineFilter,
) {
  const chosen = inRange(pipelines, filter);
  const rows = chosen
    .sort((a, b) => byText(b.last_seen, a.last_seen) || byText(b.pipeline_id, a.pipeline_id))
    .map(({ step_list: _steps, ...row }) => row);
  return {
    summary: statusCounts(chosen),
    pipelines: rows,
    charts: { runs_per_day: daily(chosen, filter.from, filter.to) },
  };
}

/** GET /v1/pipelines/:id: summary, details and charts. */
export function expectedPipelineDetail(pipeline: ExpectedPipeline) {
  const { step_list: steps, ...row } = pipeline;
  const starts = steps.flatMap((s) => (s.started_at ? [Date.parse(s.started_at)] : []));
  return {
    summary: {
      status: row.status,
      duration_ms: row.duration_ms,
      steps: steps.length,
      failed_steps: steps.filter((s) => s.status === 'failed').length,
    },
    details: { pipeline: row, steps },
    charts: {
      step_waterfall: steps
        .filter((s) => s.started_at !== null)
        .map((s) => ({
          name: s.name,
          start_offset_ms: Date.parse(s.started_at as string) - Math.min(...starts),
          duration_ms: s.duration_ms,
        })),
    },
  };
}

/** GET /v1/pipelines/stats over the pipelines first seen in `from`..`to`. */
export function expectedPipelineStats(
  pipelines: Map<string, ExpectedPipeline>,
  range: { from: string; to: string },
) {
  const chosen = inRange(pipelines, range);
  const byName = new Map<string, ExpectedStep[]>();
  for (const step of chosen.flatMap((p) => p.step_list))
    byName.set(step.name, [...(byName.get(step.name) ?? []), step]);
  const steps = [...byName.keys()].sort(byText).map((name) => {
    const runs = byName.get(name) as ExpectedStep[];
    const failures = runs.filter((s) => s.status === 'failed').length;
    const durations = runs.flatMap((s) => (s.duration_ms === null ? [] : [s.duration_ms]));
    return {
      name,
      runs: runs.length,
      failures,
      failure_rate: rate(failures, runs.length),
      duration_p50_ms: nearestRank(durations, 50),
      duration_p95_ms: nearestRank(durations, 95),
      duration_p99_ms: nearestRank(durations, 99),
    };
  });
  return {
    summary: statusCounts(chosen),
    details: {
      steps,
      top_failing_steps: steps
        .filter((s) => s.failures > 0)
        .sort((a, b) => b.failures - a.failures || byText(a.name, b.name))
        .slice(0, 10)
        .map(({ name, runs, failures, failure_rate }) => ({ name, runs, failures, failure_rate })),
    },
    charts: {
      daily_success_rate: daily(chosen, range.from, range.to).map(
        ({ day, success, failed, success_rate }) => ({ day, success, failed, success_rate }),
      ),
    },
  };
}

function requestFigures(requests: Fields[], minutes: number) {
  const codes = new Map<number, number>();
  for (const r of requests)
    if (Number(r.status_code) >= 400)
      codes.set(Number(r.status_code), (codes.get(Number(r.status_code)) ?? 0) + 1);
  const durations = requests.map((r) => Number(r.duration_ms));
  const errors = requests.filter((r) => Number(r.status_code) >= 500).length;
  const clientErrors = requests.filter(
    (r) => Number(r.status_code) >= 400 && Number(r.status_code) < 500,
  ).length;
  return {
    requests: requests.length,
    throughput_per_min: requests.length / minutes,
    duration_p50_ms: nearestRank(durations, 50),
    duration_p95_ms: nearestRank(durations, 95),
    duration_p99_ms: nearestRank(durations, 99),
    errors,
    error_rate: rate(errors, requests.length),
    client_errors: clientErrors,
    client_error_rate: rate(clientErrors, requests.length),
    top_errors: [...codes]
      .map(([status_code, count]) => ({ status_code, count }))
      .sort((a, b) => b.count - a.count || a.status_code - b.status_code)
      .slice(0, 5),
  };
}

/** GET /v1/monitoring/endpoints for `period` ending at `until` (ms), optionally one service. */
export function expectedEndpointMonitoring(
  sent: GeneratedEvent[],
  project: string,
  query: { period: string; until: number; service?: string },
) {
  const [length, bucket] = PERIODS[query.period];
  const start = query.until - length;
  const inWindow = received(sent, project, 'http_request').filter(
    (r) =>
      r.ts >= start &&
      r.ts < query.until &&
      (query.service === undefined || r.event.service === query.service),
  );
  const routes = new Map<string, Received[]>();
  for (const r of inWindow) {
    const key = JSON.stringify([r.event.service, r.event.method, r.event.route]);
    routes.set(key, [...(routes.get(key) ?? []), r]);
  }
  const minutes = length / 60_000;
  const endpoints = [...routes]
    .map(([key, requests]) => {
      const [service, method, route] = JSON.parse(key) as string[];
      return {
        service,
        method,
        route,
        ...requestFigures(
          requests.map((r) => r.event),
          minutes,
        ),
      };
    })
    .sort(
      (a, b) =>
        b.requests - a.requests ||
        byText(a.service, b.service) ||
        byText(a.method, b.method) ||
        byText(a.route, b.route),
    );
  const buckets = Array.from({ length: Math.ceil(length / bucket) }, (_, i) => {
    const from = start + i * bucket;
    const inBucket = inWindow.filter((r) => r.ts >= from && r.ts < from + bucket);
    const codes = inBucket.map((r) => Number(r.event.status_code));
    return {
      start: iso(from),
      requests: inBucket.length,
      errors: codes.filter((code) => code >= 500).length,
      client_errors: codes.filter((code) => code >= 400 && code < 500).length,
    };
  });
  return {
    summary: {
      endpoints: endpoints.length,
      ...requestFigures(
        inWindow.map((r) => r.event),
        minutes,
      ),
    },
    details: { period: query.period, endpoints },
    charts: { requests: buckets },
  };
}
