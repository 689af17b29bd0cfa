import { queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';
import { sessionFamily } from './session-family';
import { maxDelegationDepth, type TraceLink } from './delegation-depth';

/** Every session KPI of CONTRACT.md, defined in docs/kpis.md. */
export interface SessionSummary {
  status: string | null;
  duration_ms: number;
  active_ms: number;
  idle_ms: number;
  first_response_latency_ms: number | null;
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
  exchanges: number;
  tool_calls: number;
  unique_tools: number;
  tool_failure_rate: number;
  files_read: number;
  files_written: number;
  risky_files: number;
  agents: number;
  max_delegation_depth: number;
  skill_loads: number;
  unknown_model_messages: number;
}

/** A session's own figures, for `details.family`. */
export interface FamilyMember {
  session_id: string;
  parent_session_id: string | null;
  depth: number;
  tokens: number;
  cost_usd: number;
  messages: number;
}

/** Where the family's cost went (docs/kpis.md "Cost attribution"). */
export interface CostBreakdown {
  by_agent: Record<string, number>;
  by_model: Record<string, number>;
  by_tool: Record<string, number>;
  unknown_models: string[];
}

interface FamilyFigures {
  agents: number;
  idle: number;
  exchanges: number;
  tools: { calls: number; unique_tools: number; errors: number; ended: number };
  files: { files_read: number; files_written: number; risky_files: number };
  traces: TraceLink[];
  cost: CostBreakdown;
}

export interface SessionKpis {
  summary: SessionSummary;
  period: { start: number; end: number };
  family: FamilyMember[];
  cost: CostBreakdown;
}

interface StatsRow {
  session_id: string;
  first_event_at: number;
  last_event_at: number;
  first_user_at: number | null;
  first_assistant_at: number | null;
  messages_user: number;
  messages_assistant: number;
  tokens_in: number;
  tokens_out: number;
  tokens_reasoning: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  cost_usd: number;
  unknown_model_messages: number;
  skill_loads: number;
  status: string;
  parent_session_id: string;
  started_at: number;
  ended_at: number;
}

/** The raw tables whose events belong to a session (their times make idle time). */
const SESSION_TABLES = [
  'session_events',
  'messages',
  'tool_calls',
  'file_operations',
  'skill_loads',
  'agent_traces',
] as const;

/**
 * Session KPIs from the incrementally kept stats (session_stats and the entity state tables),
 * plus the few that need the session's whole ordered history (idle time, exchanges, delegation
 * depth), each reading only the session family's rows through the sorting keys.
 */
export class SessionSummaryQuery {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly idleGapMs = 300_000,
  ) {}

  /** undefined when the project has no such session (another project's session included). */
  async forSession(project: string, sessionId: string): Promise<SessionKpis | undefined> {
    const family = await sessionFamily(this.client, this.database, project, sessionId);
    const ids = [...family.keys()];
    const params = { project, family: ids };
    // Two round trips: per-session stats, and everything else as scalar subqueries of one
    // statement (each engine call has a fixed cost that a dozen small queries would multiply).
    const [stats, figures] = await Promise.all([
      this.statsRows(params),
      this.familyFigures({ ...params, gap: this.idleGapMs }),
    ]);
    const { agents, idle, exchanges, tools, files, traces, cost } = figures;
    const root = stats.find((row) => row.session_id === sessionId);
    if (!root) return undefined;
    const sum = (key: keyof StatsRow) => stats.reduce((total, row) => total + Number(row[key]), 0);
    const first = Math.min(...stats.map((row) => row.first_event_at));
    const last = Math.max(...stats.map((row) => row.last_event_at));
    const firstUser = minOf(stats.map((row) => row.first_user_at));
    const firstAssistant = minOf(stats.map((row) => row.first_assistant_at));
    const duration =
      root.started_at > 0 && root.ended_at > 0 ? root.ended_at - root.started_at : last - first;
    const tokens = {
      in: sum('tokens_in'),
      out: sum('tokens_out'),
      cacheRead: sum('tokens_cache_read'),
      cacheWrite: sum('tokens_cache_write'),
    };
    const cacheDivisor = tokens.in + tokens.cacheRead + tokens.cacheWrite;
    const summary: SessionSummary = {
      status: root.status === '' ? null : root.status,
      duration_ms: duration,
      active_ms: Math.max(0, duration - idle),
      idle_ms: idle,
      first_response_latency_ms:
        firstUser === null || firstAssistant === null ? null : firstAssistant - firstUser,
      tokens_in: tokens.in,
      tokens_out: tokens.out,
      tokens_reasoning: sum('tokens_reasoning'),
      tokens_cache_read: tokens.cacheRead,
      tokens_cache_write: tokens.cacheWrite,
      total_tokens: tokens.in + tokens.out + tokens.cacheRead + tokens.cacheWrite,
      cache_hit_ratio: cacheDivisor === 0 ? 0 : tokens.cacheRead / cacheDivisor,
      cost_usd: sum('cost_usd'),
      messages_user: sum('messages_user'),
      messages_assistant: sum('messages_assistant'),
      exchanges,
      tool_calls: tools.calls,
      unique_tools: tools.unique_tools,
      tool_failure_rate: tools.ended === 0 ? 0 : tools.errors / tools.ended,
      files_read: files.files_read,
      files_written: files.files_written,
      risky_files: files.risky_files,
      agents,
      max_delegation_depth: maxDelegationDepth(traces),
      skill_loads: sum('skill_loads'),
      unknown_model_messages: sum('unknown_model_messages'),
    };
    return {
      summary,
      cost,
      period: { start: first, end: last },
      family: stats.map((row) => ({
        session_id: row.session_id,
        parent_session_id: row.session_id === sessionId ? null : row.parent_session_id || null,
        depth: family.get(row.session_id) ?? 0,
        tokens:
          Number(row.tokens_in) +
          Number(row.tokens_out) +
          Number(row.tokens_cache_read) +
          Number(row.tokens_cache_write),
        cost_usd: row.cost_usd,
        messages: Number(row.messages_user) + Number(row.messages_assistant),
      })),
    };
  }

  /** Every ancestor (parent, grandparent, …) of the given sessions, by their latest parent. */
  async ancestors(project: string, sessionIds: string[]): Promise<string[]> {
    const found = new Set<string>();
    let level = sessionIds;
    for (let generation = 0; level.length > 0 && generation < 32; generation++) {
      const rows = await this.rows<{ parent: string }>(
        `SELECT argMaxMerge(parent_session_id) AS parent FROM ${this.database}.session_stats
         WHERE project = {project:String} AND session_id IN {ids:Array(String)}
         GROUP BY session_id HAVING parent != ''`,
        { project, ids: level },
      );
      level = rows.map((row) => row.parent).filter((id) => !found.has(id));
      for (const id of level) found.add(id);
    }
    return [...found];
  }

  /** Totals over every session of the project (the live `global` scope). */
  async forProject(project: string): Promise<Record<string, number>> {
    const [row] = await this.rows<Record<string, number>>(
      `SELECT uniqExact(session_id) AS sessions, sum(tokens_in) AS tokens_in,
         sum(tokens_out) AS tokens_out, sum(tokens_cache_read) AS tokens_cache_read,
         sum(tokens_cache_write) AS tokens_cache_write,
         sum(tokens_in + tokens_out + tokens_cache_read + tokens_cache_write) AS total_tokens,
         sum(cost_usd) AS cost_usd, sum(messages_user) AS messages_user,
         sum(messages_assistant) AS messages_assistant
       FROM ${this.database}.session_stats WHERE project = {project:String}`,
      { project },
    );
    return row;
  }

  private statsRows(params: Record<string, unknown>): Promise<StatsRow[]> {
    return this.rows<StatsRow>(
      `SELECT session_id,
         toUnixTimestamp64Milli(min(first_event_at)) AS first_event_at,
         toUnixTimestamp64Milli(max(last_event_at)) AS last_event_at,
         toUnixTimestamp64Milli(min(first_user_at)) AS first_user_at,
         toUnixTimestamp64Milli(min(first_assistant_at)) AS first_assistant_at,
         sum(messages_user) AS messages_user, sum(messages_assistant) AS messages_assistant,
         sum(tokens_in) AS tokens_in, sum(tokens_out) AS tokens_out,
         sum(tokens_reasoning) AS tokens_reasoning, sum(tokens_cache_read) AS tokens_cache_read,
         sum(tokens_cache_write) AS tokens_cache_write, sum(cost_usd) AS cost_usd,
         sum(unknown_model_messages) AS unknown_model_messages, sum(skill_loads) AS skill_loads,
         argMaxMerge(status) AS status, argMaxMerge(parent_session_id) AS parent_session_id,
         toUnixTimestamp64Milli(argMaxMerge(started_at)) AS started_at,
         toUnixTimestamp64Milli(argMaxMerge(ended_at)) AS ended_at
       FROM ${this.database}.session_stats
       WHERE project = {project:String} AND session_id IN {family:Array(String)}
       GROUP BY session_id`,
      params,
    );
  }

  private async familyFigures(params: Record<string, unknown>): Promise<FamilyFigures> {
    const db = this.database;
    const scope = `project = {project:String} AND session_id IN {family:Array(String)}`;
    const eventTimes = SESSION_TABLES.map(
      (table) => `SELECT toUnixTimestamp64Milli(ts) AS t FROM ${db}.${table} WHERE ${scope}`,
    ).join(' UNION ALL ');
    const calls = `SELECT session_id, argMaxMerge(tool) AS tool, argMaxMerge(status) AS status,
        argMaxMerge(message_id) AS message_id
      FROM ${db}.tool_call_state WHERE ${scope} GROUP BY session_id, call_id`;
    const pairs = (select: string) => `(SELECT groupArray((key, value)) FROM (${select}))`;
    const [row] = await this.rows<{
      agents: number;
      idle: number;
      exchanges: number;
      tools: [number, number, number, number];
      files: [number, number, number];
      traces: Array<[string, string, string]>;
      by_agent: Array<[string, number]>;
      by_model: Array<[string, number]>;
      by_tool: Array<[string, number]>;
      unknown_models: string[];
    }>(
      `SELECT
        (SELECT uniqExactMerge(agents) FROM ${db}.session_stats WHERE ${scope}) AS agents,
        -- the gaps longer than the idle threshold between the family's event times
        (SELECT toUInt64(arraySum(d -> if(d > {gap:UInt64}, d, 0),
            arrayDifference(arraySort(groupArray(t))))) FROM (${eventTimes})) AS idle,
        -- per session, user messages not directly preceded by another user message
        (SELECT toUInt64(sum(arrayCount((role, previous) -> role = 'user' AND previous != 'user',
            roles, arrayPushFront(arrayPopBack(roles), ''))))
         FROM (SELECT arrayMap(m -> m.3, arraySort(groupArray((ts, id, role)))) AS roles
               FROM ${db}.messages WHERE ${scope} GROUP BY session_id)) AS exchanges,
        (SELECT (count(), uniqExact(tool), countIf(status = 'error'),
            countIf(status IN ('completed', 'error'))) FROM (${calls})) AS tools,
        (SELECT (countIf(reads > 0), countIf(changes > 0), countIf(risk >= 3))
         FROM (SELECT path, sum(reads) AS reads, sum(writes + edits + deletes) AS changes,
                 max(risk_rank) AS risk
               FROM ${db}.session_file_stats WHERE ${scope} GROUP BY path)) AS files,
        (SELECT groupArray((session_id, trace_id, parent))
         FROM (SELECT session_id, trace_id, argMaxMerge(parent_trace_id) AS parent
               FROM ${db}.agent_trace_state WHERE ${scope} GROUP BY session_id, trace_id)) AS traces,
        ${pairs(`SELECT agent AS key, sum(cost_usd) AS value FROM ${db}.session_agent_stats
                 WHERE ${scope} GROUP BY agent HAVING countIf(messages > 0) > 0`)} AS by_agent,
        ${pairs(`SELECT model AS key, sum(cost_usd) AS value FROM ${db}.messages
                 WHERE ${scope} GROUP BY model`)} AS by_model,
        -- each message's cost split equally among the distinct calls that name it
        ${pairs(`SELECT tool AS key, sum(cost / greatest(length(tools), 1)) AS value
                 FROM (
                   SELECT m.cost AS cost, c.tools AS tools
                   FROM (SELECT session_id, message_id, sum(cost_usd) AS cost
                         FROM ${db}.messages WHERE ${scope}
                         GROUP BY session_id, message_id) AS m
                   LEFT JOIN (SELECT session_id, message_id, groupArray(tool) AS tools
                              FROM (${calls}) WHERE message_id != ''
                              GROUP BY session_id, message_id) AS c
                   ON m.session_id = c.session_id AND m.message_id = c.message_id)
                 ARRAY JOIN if(empty(tools), ['(no tool)'], tools) AS tool
                 GROUP BY tool`)} AS by_tool,
        (SELECT groupUniqArray(model) FROM ${db}.messages
         WHERE ${scope} AND cost_source = 'unknown_model') AS unknown_models`,
      params,
    );
    const [calls_, uniqueTools, errors, ended] = row.tools.map(Number);
    const [read, written, risky] = row.files.map(Number);
    return {
      agents: Number(row.agents),
      idle: Number(row.idle),
      exchanges: Number(row.exchanges),
      tools: { calls: calls_, unique_tools: uniqueTools, errors, ended },
      files: { files_read: read, files_written: written, risky_files: risky },
      traces: row.traces.map(([session_id, trace_id, parent_trace_id]) => ({
        session_id,
        trace_id,
        parent_trace_id,
      })),
      cost: {
        by_agent: Object.fromEntries(row.by_agent),
        by_model: Object.fromEntries(row.by_model),
        by_tool: Object.fromEntries(row.by_tool),
        unknown_models: [...row.unknown_models].sort(),
      },
    };
  }

  private rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    return queryRows<T>(this.client, query, params);
  }
}

function minOf(values: Array<number | null>): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : Math.min(...known);
}

/** What a live subscriber sees for a session that has no data yet. */
export function emptySummary(): SessionSummary {
  return {
    status: null,
    duration_ms: 0,
    active_ms: 0,
    idle_ms: 0,
    first_response_latency_ms: null,
    tokens_in: 0,
    tokens_out: 0,
    tokens_reasoning: 0,
    tokens_cache_read: 0,
    tokens_cache_write: 0,
    total_tokens: 0,
    cache_hit_ratio: 0,
    cost_usd: 0,
    messages_user: 0,
    messages_assistant: 0,
    exchanges: 0,
    tool_calls: 0,
    unique_tools: 0,
    tool_failure_rate: 0,
    files_read: 0,
    files_written: 0,
    risky_files: 0,
    agents: 0,
    max_delegation_depth: 0,
    skill_loads: 0,
    unknown_model_messages: 0,
  };
}
