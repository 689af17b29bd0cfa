import { queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';
import type { DailyStatsQuery, TokenFigures } from './daily-stats.query';
import type { EndpointMonitoringQuery } from './endpoint-monitoring.query';
import type { PipelinesQuery } from './pipelines.query';

/**
 * The live `global` scope's summary (docs/kpis.md "Live global KPIs"): project totals over
 * every session, and the dashboard's headline figures relative to `at`.
 */
export interface GlobalSummary extends TokenFigures {
  sessions: number;
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

interface Row {
  sessions: number;
  in_sum: number;
  out_sum: number;
  cache_read_sum: number;
  cache_write_sum: number;
  cost_sum: number;
  user_sum: number;
  assistant_sum: number;
  active_sessions: number;
  window_tokens: number;
  cost_today_usd: number;
  api_p95_ms: number | null;
  calls: [number, number];
  pipelines: [number, number];
}

/**
 * Reads the global scope in one statement: chDB runs statements one at a time, and under
 * ingest load every statement waits behind inserts, so one statement waits once. The day
 * figures use the same SQL as /v1/stats/global and /v1/pipelines/stats, the p95 the same as
 * /v1/monitoring/endpoints.
 */
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
    const db = this.database;
    const today = new Date(at).toISOString().slice(0, 10);
    const minute = Math.floor(at / 60_000) * 60;
    // Aliases differ from column names: inside sum(), `tokens_in` would name an alias.
    const [row] = await queryRows<Row>(
      this.client,
      `SELECT
         uniqExact(session_id) AS sessions, sum(tokens_in) AS in_sum,
         sum(tokens_out) AS out_sum, sum(tokens_cache_read) AS cache_read_sum,
         sum(tokens_cache_write) AS cache_write_sum, sum(cost_usd) AS cost_sum,
         sum(messages_user) AS user_sum, sum(messages_assistant) AS assistant_sum,
         (SELECT count() FROM (
            SELECT max(last_event_at) AS last, argMaxMerge(status) AS latest_status
            FROM ${db}.session_stats
            WHERE project = {project:String} AND session_id IN (
              SELECT session_id FROM ${db}.session_stats
              WHERE project = {project:String}
                AND last_event_at > fromUnixTimestamp64Milli({since:Int64}, 'UTC'))
            GROUP BY session_id
            HAVING last > fromUnixTimestamp64Milli({since:Int64}, 'UTC')
              AND latest_status NOT IN ('completed', 'error'))) AS active_sessions,
         (SELECT sum(total_tokens) FROM ${db}.minute_stats
          WHERE project = {project:String} AND minute BETWEEN
            toDateTime({first_minute:UInt32}, 'UTC') AND toDateTime({last_minute:UInt32}, 'UTC'))
           AS window_tokens,
         (SELECT sum(cost_usd) FROM ${db}.daily_stats
          WHERE project = {project:String} AND day = {from:Date}) AS cost_today_usd,
         (SELECT tuple(countIf(status = 'error'), countIf(status IN ('completed', 'error')))
          FROM (${this.daily.toolCallsFirstSeenIn()})) AS calls,
         (SELECT tuple(countIf(latest_status = 'success'), countIf(latest_status = 'failed'))
          FROM (${this.pipelines.pipelinesFirstSeenIn()})) AS pipelines,
         (${this.monitoring.p95Sql()}) AS api_p95_ms
       FROM ${db}.session_stats WHERE project = {project:String}`,
      {
        project,
        since: at - this.idleGapMs,
        first_minute: minute - (TOKENS_PER_MINUTE_WINDOW - 1) * 60,
        last_minute: minute,
        from: today,
        to: today,
        start: at - HOUR_MS,
        end: at,
      },
    );
    const [errors, ended] = row.calls;
    const [success, failed] = row.pipelines;
    return {
      sessions: row.sessions,
      tokens_in: row.in_sum,
      tokens_out: row.out_sum,
      tokens_cache_read: row.cache_read_sum,
      tokens_cache_write: row.cache_write_sum,
      total_tokens: row.in_sum + row.out_sum + row.cache_read_sum + row.cache_write_sum,
      cost_usd: row.cost_sum,
      messages_user: row.user_sum,
      messages_assistant: row.assistant_sum,
      active_sessions: row.active_sessions,
      tokens_per_minute: row.window_tokens / TOKENS_PER_MINUTE_WINDOW,
      cost_today_usd: row.cost_today_usd,
      tool_failure_rate: ended === 0 ? 0 : errors / ended,
      pipeline_success_rate: success + failed === 0 ? null : success / (success + failed),
      api_p95_ms: row.api_p95_ms,
    };
  }
}
