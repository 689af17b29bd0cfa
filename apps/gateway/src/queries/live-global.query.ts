import { queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';
import type { DailyStatsQuery } from './daily-stats.query';
import type { EndpointMonitoringQuery } from './endpoint-monitoring.query';
import type { PipelinesQuery } from './pipelines.query';

/**
 * The live `global` scope's summary (docs/kpis.md "Live global KPIs"): project totals over
 * every session, and the dashboard's headline figures relative to `at`.
 */
export interface GlobalSummary {
  sessions: number;
  tokens_in: number;
  tokens_out: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  total_tokens: number;
  cost_usd: number;
  messages_user: number;
  messages_assistant: number;
  /** sessions with an event in the last idle gap whose status is not completed or error */
  active_sessions: number;
  /** tokens of the messages in the current UTC minute and the 4 before it, divided by 5 */
  tokens_per_minute: number;
  /** cost of today's messages (UTC day of `at`) */
  cost_today_usd: number;
  /** today's tool calls (first seen today) ending in error / those that ended */
  tool_failure_rate: number;
  /** today's pipelines (first seen today): success / (success + failed); null if none ended */
  pipeline_success_rate: number | null;
  /** nearest-rank p95 of the `http_request` durations of the last hour; null without any */
  api_p95_ms: number | null;
}

export const TOKENS_PER_MINUTE_WINDOW = 5;
const HOUR_MS = 3_600_000;

type Totals = Pick<
  GlobalSummary,
  | 'sessions'
  | 'tokens_in'
  | 'tokens_out'
  | 'tokens_cache_read'
  | 'tokens_cache_write'
  | 'total_tokens'
  | 'cost_usd'
  | 'messages_user'
  | 'messages_assistant'
  | 'active_sessions'
>;

export class LiveGlobalQuery {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly daily: DailyStatsQuery,
    private readonly pipelines: PipelinesQuery,
    private readonly monitoring: EndpointMonitoringQuery,
    /** a session with no event for this long is not active (IDLE_GAP_MS) */
    private readonly idleGapMs: number,
  ) {}

  /** Every figure is computed as of `at` (epoch ms), the time the `kpi` message carries. */
  async forProject(project: string, at: number): Promise<GlobalSummary> {
    const today = new Date(at).toISOString().slice(0, 10);
    const range = { project, from: today, to: today };
    const [totals, recent, calls, pipelines, p95] = await Promise.all([
      this.totals(project, at),
      this.recent(project, at, today),
      this.daily.toolCallsByDay(range),
      this.pipelines.counts(project, range),
      this.monitoring.p95(project, {
        period: '1h',
        start: at - HOUR_MS,
        end: at,
        bucketMs: HOUR_MS,
      }),
    ]);
    const ended = calls.reduce((sum, day) => sum + day.ended, 0);
    const errors = calls.reduce((sum, day) => sum + day.errors, 0);
    const finished = pipelines.success + pipelines.failed;
    return {
      ...totals,
      ...recent,
      tool_failure_rate: ended === 0 ? 0 : errors / ended,
      pipeline_success_rate: finished === 0 ? null : pipelines.success / finished,
      api_p95_ms: p95,
    };
  }

  /** Sums over the session rows, and the active sessions among those touched recently. */
  private async totals(project: string, at: number): Promise<Totals> {
    // total_tokens is added here: inside sum(), `tokens_in` would name the alias, not the column
    const [row] = await queryRows<Omit<Totals, 'total_tokens'>>(
      this.client,
      `SELECT uniqExact(session_id) AS sessions, sum(tokens_in) AS tokens_in,
         sum(tokens_out) AS tokens_out, sum(tokens_cache_read) AS tokens_cache_read,
         sum(tokens_cache_write) AS tokens_cache_write, sum(cost_usd) AS cost_usd, sum(messages_user) AS messages_user,
         sum(messages_assistant) AS messages_assistant,
         (SELECT count() FROM (
            SELECT max(last_event_at) AS last, argMaxMerge(status) AS latest_status
            FROM ${this.database}.session_stats
            WHERE project = {project:String} AND session_id IN (
              SELECT session_id FROM ${this.database}.session_stats
              WHERE project = {project:String} AND last_event_at > fromUnixTimestamp64Milli({since:Int64}, 'UTC'))
            GROUP BY session_id
            HAVING last > fromUnixTimestamp64Milli({since:Int64}, 'UTC')
              AND latest_status NOT IN ('completed', 'error'))) AS active_sessions
       FROM ${this.database}.session_stats WHERE project = {project:String}`,
      { project, since: at - this.idleGapMs },
    );
    const total_tokens =
      row.tokens_in + row.tokens_out + row.tokens_cache_read + row.tokens_cache_write;
    return { ...row, total_tokens };
  }

  /** Tokens per minute over the recent minutes and today's cost, from the rollups. */
  private async recent(
    project: string,
    at: number,
    today: string,
  ): Promise<Pick<GlobalSummary, 'tokens_per_minute' | 'cost_today_usd'>> {
    const minute = Math.floor(at / 60_000) * 60;
    const [row] = await queryRows<{ window_tokens: number; cost_today: number }>(
      this.client,
      `SELECT
         (SELECT sum(total_tokens) FROM ${this.database}.minute_stats
          WHERE project = {project:String}
            AND minute BETWEEN toDateTime({first:UInt32}, 'UTC') AND toDateTime({last:UInt32}, 'UTC'))
           AS window_tokens,
         (SELECT sum(cost_usd) FROM ${this.database}.daily_stats
          WHERE project = {project:String} AND day = {today:Date}) AS cost_today`,
      { project, first: minute - (TOKENS_PER_MINUTE_WINDOW - 1) * 60, last: minute, today },
    );
    return {
      tokens_per_minute: Number(row.window_tokens) / TOKENS_PER_MINUTE_WINDOW,
      cost_today_usd: Number(row.cost_today),
    };
  }
}
