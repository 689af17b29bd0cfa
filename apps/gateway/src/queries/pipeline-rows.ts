/** The wire form of pipelines and their steps, built from the rows PipelinesQuery reads. */

/** One pipeline's latest state, as pipeline_state aggregates it. */
export interface PipelineStateRow {
  pipeline_id: string;
  first_ms: number;
  last_ms: number;
  first_day: string;
  latest_status: string;
  latest_trigger_type: string;
  latest_trigger_source: string;
  latest_environment: string;
  latest_branch: string;
  latest_commit_sha: string;
  latest_commit_message: string;
  latest_author: string;
  latest_git_project: string;
}

/** One step's latest state, as pipeline_step_state aggregates it. */
export interface StepRow {
  step_name: string;
  latest_step_status: string;
  started_ms: number | null;
  latest_duration: number;
  /** 0 when no event reported a duration for the step */
  reports: number;
  /** JSON text of the latest reported error, '' when none */
  latest_error: string;
}

export interface StatusCountRow {
  first_day: string;
  latest_status: string;
  runs: number;
}

export interface PipelineRow {
  pipeline_id: string;
  status: string | null;
  trigger_type: string | null;
  trigger_source: string | null;
  environment: string | null;
  git: {
    branch: string | null;
    commit_sha: string | null;
    commit_message: string | null;
    author: string | null;
    project: string | null;
  };
  first_seen: string;
  last_seen: string;
  /** last_seen − first_seen: the first to the latest event reported for the pipeline */
  duration_ms: number;
  /** distinct step names */
  steps: number;
}

export interface PipelineStep {
  name: string;
  status: string | null;
  /** the earliest `started_at` any event reported for the step */
  started_at: string | null;
  /** the latest reported duration */
  duration_ms: number | null;
  /** the latest reported error (any JSON value) */
  error: unknown;
}

/** Pipelines by latest status; `pipelines` also counts those that never reported one. */
export interface PipelineStatusCounts {
  pipelines: number;
  pending: number;
  running: number;
  success: number;
  failed: number;
  /** success / (success + failed), 0 when none has finished */
  success_rate: number;
}

export interface DailyPipelineRuns extends PipelineStatusCounts {
  day: string;
}

/** A step name's figures over the pipelines of a range. */
export interface StepStats {
  name: string;
  /** pipelines that have this step */
  runs: number;
  /** steps whose latest status is `failed` */
  failures: number;
  failure_rate: number;
  duration_p50_ms: number | null;
  duration_p95_ms: number | null;
  duration_p99_ms: number | null;
}

/** A step placed on the pipeline's time line, for a waterfall chart. */
export interface WaterfallBar {
  name: string;
  /** ms after the earliest step start */
  start_offset_ms: number;
  duration_ms: number | null;
}

const DAY_MS = 86_400_000;
const STATUSES = ['pending', 'running', 'success', 'failed'] as const;

/** Storage keeps '' for a field no event reported; the wire says null. */
function reported(value: string): string | null {
  return value === '' ? null : value;
}

export function toPipeline(row: PipelineStateRow, steps: number): PipelineRow {
  return {
    pipeline_id: row.pipeline_id,
    status: reported(row.latest_status),
    trigger_type: reported(row.latest_trigger_type),
    trigger_source: reported(row.latest_trigger_source),
    environment: reported(row.latest_environment),
    git: {
      branch: reported(row.latest_branch),
      commit_sha: reported(row.latest_commit_sha),
      commit_message: reported(row.latest_commit_message),
      author: reported(row.latest_author),
      project: reported(row.latest_git_project),
    },
    first_seen: new Date(row.first_ms).toISOString(),
    last_seen: new Date(row.last_ms).toISOString(),
    duration_ms: row.last_ms - row.first_ms,
    steps,
  };
}

export function toStep(row: StepRow): PipelineStep {
  return {
    name: row.step_name,
    status: reported(row.latest_step_status),
    started_at: row.started_ms === null ? null : new Date(row.started_ms).toISOString(),
    duration_ms: row.reports > 0 ? row.latest_duration : null,
    // ingest stores the error as JSON text; hand it back as the JSON the producer sent
    error: row.latest_error === '' ? null : JSON.parse(row.latest_error),
  };
}

function emptyCounts(): PipelineStatusCounts {
  return { pipelines: 0, pending: 0, running: 0, success: 0, failed: 0, success_rate: 0 };
}

function withSuccessRate<T extends PipelineStatusCounts>(counts: T): T {
  const finished = counts.success + counts.failed;
  return { ...counts, success_rate: finished === 0 ? 0 : counts.success / finished };
}

/** Totals and a per-day series with every day of `from`..`to`, days without pipelines as 0. */
export function tallyByDay(
  rows: StatusCountRow[],
  range: { from: string; to: string },
): { total: PipelineStatusCounts; daily: DailyPipelineRuns[] } {
  const days = new Map<string, DailyPipelineRuns>();
  for (let ms = Date.parse(range.from); ms <= Date.parse(range.to); ms += DAY_MS) {
    const day = new Date(ms).toISOString().slice(0, 10);
    days.set(day, { day, ...emptyCounts() });
  }
  const total = emptyCounts();
  for (const row of rows) {
    const status = STATUSES.find((known) => known === row.latest_status);
    for (const counts of [total, days.get(row.first_day)]) {
      if (!counts) continue;
      counts.pipelines += row.runs;
      if (status) counts[status] += row.runs;
    }
  }
  return { total: withSuccessRate(total), daily: [...days.values()].map(withSuccessRate) };
}

/** Steps that failed at least once, most failures first, then by name; at most `limit`. */
export function topFailingSteps(
  steps: StepStats[],
  limit = 10,
): Array<Pick<StepStats, 'name' | 'runs' | 'failures' | 'failure_rate'>> {
  return steps
    .filter((step) => step.failures > 0)
    .sort((a, b) => b.failures - a.failures || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit)
    .map(({ name, runs, failures, failure_rate }) => ({ name, runs, failures, failure_rate }));
}

/** The steps that reported a start, in the given order; the others cannot be placed. */
export function stepWaterfall(steps: PipelineStep[]): WaterfallBar[] {
  const started = steps.flatMap((step) =>
    step.started_at === null ? [] : [{ step, at: Date.parse(step.started_at) }],
  );
  const origin = Math.min(...started.map(({ at }) => at));
  return started.map(({ step, at }) => ({
    name: step.name,
    start_offset_ms: at - origin,
    duration_ms: step.duration_ms,
  }));
}
