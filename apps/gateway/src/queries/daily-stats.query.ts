import { queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';

/** Tokens and cost of a set of messages, as every project-level figure reports them. */
export interface TokenFigures {
  tokens_in: number;
  tokens_out: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  total_tokens: number;
  cost_usd: number;
}

/** One project's figures for one UTC day (docs/kpis.md "Daily project stats"). */
export interface DailyStats extends TokenFigures {
  day: string;
  sessions: number;
  messages: number;
  tool_calls: number;
  tool_errors: number;
  /** calls whose latest status is completed or error */
  tool_calls_ended: number;
  error_rate: number;
  traces: number;
  avg_session_duration_ms: number;
}

/** Messages, tokens and cost of one agent or one model over a range of days. */
export interface AgentModelFigures extends TokenFigures {
  messages: number;
}

type Range = {
  project: string;
  from: string;
  to: string;
};

/**
 * Daily stats over an inclusive range of UTC days: sums and distinct sessions from the
 * daily_stats view; calls and traces by the day they were first seen, with their final status,
 * and session durations by the day they started, from the state tables.
 */
export class DailyStatsQuery {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async days(project: string, from: string, to: string): Promise<DailyStats[]> {
    const range = { project, from, to };
    const [sums, calls, traces, durations] = await Promise.all([
      this.rows<Record<string, number | string>>(
        `SELECT toString(day) AS date, uniqExactMerge(sessions) AS sessions,
           sum(messages) AS messages, sum(tokens_in) AS tokens_in, sum(tokens_out) AS tokens_out,
           sum(tokens_cache_read) AS tokens_cache_read,
           sum(tokens_cache_write) AS tokens_cache_write, sum(cost_usd) AS cost_usd
         FROM ${this.database}.daily_stats
         WHERE project = {project:String} AND day BETWEEN {from:Date} AND {to:Date}
         GROUP BY day`,
        range,
      ),
      this.toolCallsByDay(range),
      this.rows<{ day: string; traces: number }>(
        `SELECT toString(toDate(first)) AS day, count() AS traces
         FROM (
           SELECT min(first_seen) AS first FROM ${this.database}.agent_trace_state
           WHERE project = {project:String}
             AND (session_id, trace_id) IN (${touchedIn(this.database, 'agent_trace_state', 'session_id, trace_id', 'first_seen', 'last_seen')})
           GROUP BY session_id, trace_id
           HAVING toDate(first) BETWEEN {from:Date} AND {to:Date})
         GROUP BY day`,
        range,
      ),
      this.rows<{ day: string; avg_duration: number }>(
        `SELECT toString(toDate(first)) AS day, avg(duration) AS avg_duration
         FROM (
           SELECT min(first_event_at) AS first, max(last_event_at) AS last,
             toUnixTimestamp64Milli(argMaxMerge(started_at)) AS started,
             toUnixTimestamp64Milli(argMaxMerge(ended_at)) AS ended,
             if(started > 0 AND ended > 0, ended - started,
                toUnixTimestamp64Milli(last) - toUnixTimestamp64Milli(first)) AS duration
           FROM ${this.database}.session_stats
           WHERE project = {project:String}
             AND session_id IN (${touchedIn(this.database, 'session_stats', 'session_id', 'first_event_at', 'last_event_at')})
           GROUP BY session_id
           HAVING toDate(first) BETWEEN {from:Date} AND {to:Date})
         GROUP BY day`,
        range,
      ),
    ]);
    const byDay = new Map<string, DailyStats>();
    const dayOf = (day: string): DailyStats => {
      let stats = byDay.get(day);
      if (!stats) byDay.set(day, (stats = emptyDay(day)));
      return stats;
    };
    for (const row of sums) {
      const stats = dayOf(String(row.date));
      for (const key of [
        'sessions',
        'messages',
        'tokens_in',
        'tokens_out',
        'tokens_cache_read',
        'tokens_cache_write',
        'cost_usd',
      ] as const)
        stats[key] = Number(row[key]);
      stats.total_tokens =
        stats.tokens_in + stats.tokens_out + stats.tokens_cache_read + stats.tokens_cache_write;
    }
    for (const row of calls) {
      const stats = dayOf(row.day);
      stats.tool_calls = row.calls;
      stats.tool_errors = row.errors;
      stats.tool_calls_ended = row.ended;
      stats.error_rate = row.ended === 0 ? 0 : row.errors / row.ended;
    }
    for (const row of traces) dayOf(row.day).traces = row.traces;
    for (const row of durations) dayOf(row.day).avg_session_duration_ms = row.avg_duration;
    return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  }

  /**
   * Tool calls first seen on each day of the range, with their final status: all calls, those
   * whose latest status is `error`, and those whose latest status is `completed` or `error`.
   */
  toolCallsByDay(
    range: Range,
  ): Promise<Array<{ day: string; calls: number; errors: number; ended: number }>> {
    return this.rows(
      `SELECT toString(toDate(first)) AS day, count() AS calls,
         countIf(status = 'error') AS errors, countIf(status IN ('completed', 'error')) AS ended
       FROM (${this.toolCallsFirstSeenIn()})
       GROUP BY day`,
      range,
    );
  }

  /**
   * SQL: each tool call first seen in the range (parameters `project`, `from`, `to`) as
   * (`first`, `status`): its first time and latest status.
   */
  toolCallsFirstSeenIn(): string {
    return `SELECT min(first_seen) AS first, argMaxMerge(status) AS status
      FROM ${this.database}.tool_call_state
      WHERE project = {project:String}
        AND (session_id, call_id) IN (${touchedIn(this.database, 'tool_call_state', 'session_id, call_id', 'first_seen', 'last_seen')})
      GROUP BY session_id, call_id
      HAVING toDate(first) BETWEEN {from:Date} AND {to:Date}`;
  }

  /**
   * Tokens and cost over the range by agent and by model ('' when a message named none), most
   * tokens (or cost) first, then by name.
   */
  async breakdown(range: Range): Promise<{
    by_agent: Array<AgentModelFigures & { agent: string }>;
    by_model: Array<AgentModelFigures & { model: string }>;
  }> {
    const figures = (key: 'agent' | 'model') =>
      this.rows<Omit<AgentModelFigures, 'total_tokens'> & Record<typeof key, string>>(
        `SELECT ${key}, sum(messages) AS messages, sum(tokens_in) AS tokens_in,
           sum(tokens_out) AS tokens_out, sum(tokens_cache_read) AS tokens_cache_read,
           sum(tokens_cache_write) AS tokens_cache_write, sum(cost_usd) AS cost_usd
         FROM ${this.database}.daily_agent_model_stats
         WHERE project = {project:String} AND day BETWEEN {from:Date} AND {to:Date}
         GROUP BY ${key}`,
        range,
      );
    // total_tokens is added here: inside sum(), `tokens_in` would name the alias above
    const withTotal = <T extends Omit<AgentModelFigures, 'total_tokens'>>(rows: T[]) =>
      rows.map((row) => ({
        ...row,
        total_tokens:
          row.tokens_in + row.tokens_out + row.tokens_cache_read + row.tokens_cache_write,
      }));
    const [agents, models] = await Promise.all([figures('agent'), figures('model')]);
    const byAgent = withTotal(agents);
    const byModel = withTotal(models);
    return {
      by_agent: byAgent.sort(
        (a, b) => b.total_tokens - a.total_tokens || compare(a.agent, b.agent),
      ),
      by_model: byModel.sort((a, b) => b.cost_usd - a.cost_usd || compare(a.model, b.model)),
    };
  }

  private rows<T>(query: string, params: Range): Promise<T[]> {
    return queryRows<T>(this.client, query, params);
  }
}

/**
 * The keys of a state table's entities that have a row touching the range. An entity first
 * seen inside the range has such a row (the one holding its first event), so this narrows the
 * GROUP BY to a superset of the entities the HAVING keeps, instead of every entity ever seen.
 */
function touchedIn(
  database: string,
  table: string,
  keys: string,
  first: string,
  last: string,
): string {
  return `SELECT ${keys} FROM ${database}.${table}
    WHERE project = {project:String} AND ${last} >= toDateTime64({from:Date}, 3, 'UTC')
      AND ${first} < toDateTime64({to:Date} + 1, 3, 'UTC')`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function emptyDay(day: string): DailyStats {
  return {
    day,
    sessions: 0,
    messages: 0,
    tokens_in: 0,
    tokens_out: 0,
    tokens_cache_read: 0,
    tokens_cache_write: 0,
    total_tokens: 0,
    cost_usd: 0,
    tool_calls: 0,
    tool_errors: 0,
    tool_calls_ended: 0,
    error_rate: 0,
    traces: 0,
    avg_session_duration_ms: 0,
  };
}
