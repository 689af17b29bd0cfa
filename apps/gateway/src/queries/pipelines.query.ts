import { queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';
import type { PipelineCursor, PipelineListParams } from '../ops-params';
import { durationPercentilesSql } from './nearest-rank-percentile';
import {
  tallyByDay,
  toPipeline,
  toStep,
  type DailyPipelineRuns,
  type PipelineRow,
  type PipelineStatusCounts,
  type PipelineStep,
  type PipelineStateRow,
  type StatusCountRow,
  type StepRow,
  type StepStats,
} from './pipeline-rows';

export interface PipelinePage {
  counts: PipelineStatusCounts;
  daily: DailyPipelineRuns[];
  pipelines: PipelineRow[];
  next: PipelineCursor | null;
}

/** An inclusive range of UTC days, `YYYY-MM-DD`. */
export interface DayRange {
  from: string;
  to: string;
}

const FILTER_COLUMNS = {
  status: 'latest_status',
  branch: 'latest_branch',
  environment: 'latest_environment',
} as const;

/**
 * Pipeline traces from pipeline_state / pipeline_step_state, each field's latest value by
 * (event time, event id). A pipeline belongs to the UTC day it was first seen; its status is
 * the latest reported one. Pages run newest first on (last_seen, pipeline_id).
 */
export class PipelinesQuery {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async page(project: string, range: DayRange, params: PipelineListParams): Promise<PipelinePage> {
    const { after, limit } = params;
    const filters = listFilters(params);
    const values = {
      project,
      ...range,
      ...filters.values,
      ...(after ? { after_last_seen: after.last_seen, after_id: after.pipeline_id } : {}),
      limit: limit + 1,
    };
    const pageConditions = after
      ? [
          ...filters.conditions,
          '(last_ms, pipeline_id) < ({after_last_seen:Int64}, {after_id:String})',
        ]
      : filters.conditions;
    const [statusRows, pageRows] = await Promise.all([
      this.statusCounts(values, filters.conditions),
      queryRows<PipelineStateRow>(
        this.client,
        `SELECT * FROM (${this.pipelinesFirstSeenIn()}) ${where(pageConditions)}
         ORDER BY last_ms DESC, pipeline_id DESC LIMIT {limit:UInt32}`,
        values,
      ),
    ]);
    const shown = pageRows.slice(0, limit);
    const steps = await this.stepCounts(
      project,
      shown.map((row) => row.pipeline_id),
    );
    const last = shown.at(-1);
    const { total, daily } = tallyByDay(statusRows, range);
    return {
      counts: total,
      daily,
      pipelines: shown.map((row) => toPipeline(row, steps.get(row.pipeline_id) ?? 0)),
      next:
        pageRows.length > limit && last
          ? { last_seen: last.last_ms, pipeline_id: last.pipeline_id }
          : null,
    };
  }

  /** One pipeline and its steps, ordered by start (steps never started last, then by name). */
  async pipeline(
    project: string,
    pipelineId: string,
  ): Promise<{ pipeline: PipelineRow; steps: PipelineStep[] } | undefined> {
    const values = { project, id: pipelineId };
    const [[state], steps] = await Promise.all([
      queryRows<PipelineStateRow>(
        this.client,
        `SELECT ${STATE_COLUMNS} FROM ${this.database}.pipeline_state
         WHERE project = {project:String} AND pipeline_id = {id:String} GROUP BY pipeline_id`,
        values,
      ),
      queryRows<StepRow>(
        this.client,
        `SELECT step AS step_name, argMaxMerge(status) AS latest_step_status,
           toUnixTimestamp64Milli(min(started_at)) AS started_ms,
           argMaxMerge(duration_ms) AS latest_duration, sum(duration_reports) AS reports,
           argMaxMerge(error) AS latest_error
         FROM ${this.database}.pipeline_step_state
         WHERE project = {project:String} AND pipeline_id = {id:String}
         GROUP BY step ORDER BY started_ms ASC NULLS LAST, step_name`,
        values,
      ),
    ]);
    if (!state) return undefined;
    return { pipeline: toPipeline(state, steps.length), steps: steps.map(toStep) };
  }

  /** Status counts (overall and per day) and per-step figures of the pipelines of a range. */
  async stats(
    project: string,
    range: DayRange,
  ): Promise<{ counts: PipelineStatusCounts; daily: DailyPipelineRuns[]; steps: StepStats[] }> {
    const values = { project, ...range };
    const [statusRows, stepRows] = await Promise.all([
      this.statusCounts(values, []),
      queryRows<Omit<StepStats, 'failure_rate'>>(
        this.client,
        `SELECT step_name AS name, count() AS runs, countIf(latest_step_status = 'failed') AS failures,
           ${durationPercentilesSql('arraySort(groupArrayIf(latest_duration, reports > 0))')}
         FROM (
           SELECT step AS step_name, argMaxMerge(status) AS latest_step_status,
             argMaxMerge(duration_ms) AS latest_duration, sum(duration_reports) AS reports
           FROM ${this.database}.pipeline_step_state
           WHERE project = {project:String}
             AND pipeline_id IN (SELECT pipeline_id FROM (${this.pipelinesFirstSeenIn()}))
           GROUP BY pipeline_id, step)
         GROUP BY step_name ORDER BY step_name`,
        values,
      ),
    ]);
    const { total, daily } = tallyByDay(statusRows, range);
    return {
      counts: total,
      daily,
      steps: stepRows.map((row) => ({ ...row, failure_rate: row.failures / row.runs })),
    };
  }

  /** Pipelines per (first-seen day, latest status) among those matching `filters`. */
  private statusCounts(
    values: Record<string, unknown>,
    filters: string[],
  ): Promise<StatusCountRow[]> {
    return queryRows<StatusCountRow>(
      this.client,
      `SELECT first_day, latest_status, count() AS runs
       FROM (${this.pipelinesFirstSeenIn()}) ${where(filters)}
       GROUP BY first_day, latest_status`,
      values,
    );
  }

  private async stepCounts(project: string, pipelineIds: string[]): Promise<Map<string, number>> {
    if (pipelineIds.length === 0) return new Map();
    const rows = await queryRows<{ pipeline_id: string; step_count: number }>(
      this.client,
      `SELECT pipeline_id, uniqExact(step) AS step_count FROM ${this.database}.pipeline_step_state
       WHERE project = {project:String} AND pipeline_id IN {ids:Array(String)}
       GROUP BY pipeline_id`,
      { project, ids: pipelineIds },
    );
    return new Map(rows.map((row) => [row.pipeline_id, row.step_count]));
  }

  /**
   * SQL: each pipeline first seen in the range (parameters `project`, `from`, `to`) with its
   * latest state, e.g. `latest_status`.
   */
  pipelinesFirstSeenIn(): string {
    return `SELECT ${STATE_COLUMNS} FROM ${this.database}.pipeline_state
      WHERE project = {project:String} GROUP BY pipeline_id
      HAVING toDate(min(first_seen)) BETWEEN {from:Date} AND {to:Date}`;
  }
}

// Aliases differ from the column names: ClickHouse would otherwise read the alias inside the
// aggregate (argMaxMerge(argMaxMerge(status))).
const STATE_COLUMNS = `pipeline_id,
  toUnixTimestamp64Milli(min(first_seen)) AS first_ms,
  toUnixTimestamp64Milli(max(last_seen)) AS last_ms,
  toString(toDate(min(first_seen))) AS first_day,
  argMaxMerge(status) AS latest_status,
  argMaxMerge(trigger_type) AS latest_trigger_type,
  argMaxMerge(trigger_source) AS latest_trigger_source,
  argMaxMerge(environment) AS latest_environment,
  argMaxMerge(git_branch) AS latest_branch,
  argMaxMerge(git_commit_sha) AS latest_commit_sha,
  argMaxMerge(git_commit_message) AS latest_commit_message,
  argMaxMerge(git_author) AS latest_author,
  argMaxMerge(git_project) AS latest_git_project`;

/** SQL conditions and their parameters for the list filters that are set. */
function listFilters(params: PipelineListParams): {
  conditions: string[];
  values: Record<string, string>;
} {
  const conditions: string[] = [];
  const values: Record<string, string> = {};
  for (const key of Object.keys(FILTER_COLUMNS) as Array<keyof typeof FILTER_COLUMNS>) {
    const value = params[key];
    if (value === undefined) continue;
    conditions.push(`${FILTER_COLUMNS[key]} = {${key}:String}`);
    values[key] = value;
  }
  return { conditions, values };
}

function where(conditions: string[]): string {
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}
