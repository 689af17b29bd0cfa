import type { ClickHouseClient } from '@agentpulse/clickhouse';

/** Session KPIs (CONTRACT.md "Session summary keys") that the stored stats answer today. */
export interface SessionSummary {
  status: string | null;
  duration_ms: number;
  tokens_in: number;
  tokens_out: number;
  tokens_reasoning: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  total_tokens: number;
  cache_hit_ratio: number;
  cost_usd: number;
  messages_user: number;
  messages_assistant: number;
  unknown_model_messages: number;
}

export interface SummaryRow {
  status: string;
  first_event_at: number;
  last_event_at: number;
  started_at: number;
  ended_at: number;
  sessions: number;
  tokens_in: number;
  tokens_out: number;
  tokens_reasoning: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  cost_usd: number;
  messages_user: number;
  messages_assistant: number;
  unknown_model_messages: number;
}

const MEASURES = `
  sum(tokens_in) AS tokens_in,
  sum(tokens_out) AS tokens_out,
  sum(tokens_reasoning) AS tokens_reasoning,
  sum(tokens_cache_read) AS tokens_cache_read,
  sum(tokens_cache_write) AS tokens_cache_write,
  sum(cost_usd) AS cost_usd,
  sum(messages_user) AS messages_user,
  sum(messages_assistant) AS messages_assistant,
  sum(unknown_model_messages) AS unknown_model_messages,
  toUnixTimestamp64Milli(min(first_event_at)) AS first_event_at,
  toUnixTimestamp64Milli(max(last_event_at)) AS last_event_at`;

/** Reads session_stats (kept by materialized views) for one session or a whole project. */
export class SessionSummaryQuery {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  /** undefined when the project has no such session (another project's session included). */
  async forSession(project: string, sessionId: string): Promise<SummaryRow | undefined> {
    const rows = await this.rows(
      `SELECT ${MEASURES},
         argMaxMerge(status) AS status,
         toUnixTimestamp64Milli(argMaxMerge(started_at)) AS started_at,
         toUnixTimestamp64Milli(argMaxMerge(ended_at)) AS ended_at,
         1 AS sessions
       FROM ${this.database}.session_stats
       WHERE project = {project:String} AND session_id = {session:String}
       GROUP BY project, session_id`,
      { project, session: sessionId },
    );
    return rows[0];
  }

  /** Totals over every session of the project. */
  async forProject(project: string): Promise<SummaryRow> {
    const rows = await this.rows(
      `SELECT ${MEASURES}, '' AS status, 0 AS started_at, 0 AS ended_at, uniqExact(session_id) AS sessions
       FROM ${this.database}.session_stats
       WHERE project = {project:String}`,
      { project },
    );
    return rows[0];
  }

  private async rows(query: string, params: Record<string, unknown>): Promise<SummaryRow[]> {
    const result = await this.client.query({
      query,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    return result.json<SummaryRow>();
  }
}

/** Derived KPIs, by CONTRACT.md's definitions. */
export function toSummary(row: SummaryRow): SessionSummary {
  const hasBounds = row.started_at > 0 && row.ended_at > 0;
  const cacheDivisor = row.tokens_in + row.tokens_cache_read + row.tokens_cache_write;
  return {
    status: row.status === '' ? null : row.status,
    duration_ms: Math.max(
      0,
      hasBounds ? row.ended_at - row.started_at : row.last_event_at - row.first_event_at,
    ),
    tokens_in: row.tokens_in,
    tokens_out: row.tokens_out,
    tokens_reasoning: row.tokens_reasoning,
    tokens_cache_read: row.tokens_cache_read,
    tokens_cache_write: row.tokens_cache_write,
    total_tokens: row.tokens_in + row.tokens_out + row.tokens_cache_read + row.tokens_cache_write,
    cache_hit_ratio: cacheDivisor === 0 ? 0 : row.tokens_cache_read / cacheDivisor,
    cost_usd: row.cost_usd,
    messages_user: row.messages_user,
    messages_assistant: row.messages_assistant,
    unknown_model_messages: row.unknown_model_messages,
  };
}

/** What a subscriber sees for a session that has no data yet. */
export const EMPTY_SUMMARY_ROW: SummaryRow = {
  status: '',
  first_event_at: 0,
  last_event_at: 0,
  started_at: 0,
  ended_at: 0,
  sessions: 0,
  tokens_in: 0,
  tokens_out: 0,
  tokens_reasoning: 0,
  tokens_cache_read: 0,
  tokens_cache_write: 0,
  cost_usd: 0,
  messages_user: 0,
  messages_assistant: 0,
  unknown_model_messages: 0,
};
