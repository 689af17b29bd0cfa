import { queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';
import { readSessionFamily, type SessionDigest } from './session-digest';
import { exchangesView } from './session-history';
import type { SessionView } from './session-views';
import { summarizeFamily, type SessionKpis, type SessionSummary } from './session-kpis';

export type { CostBreakdown, FamilyMember, SessionKpis, SessionSummary } from './session-kpis';

/**
 * Session KPIs from the session digests (one read per generation of the session family, see
 * migration 0006), computed as docs/kpis.md defines them.
 */
export class SessionSummaryQuery {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    /** gaps longer than this are idle time (IDLE_GAP_MS) */
    readonly idleGapMs = 300_000,
  ) {}

  /** undefined when the project has no such session (another project's session included). */
  async forSession(project: string, sessionId: string): Promise<SessionKpis | undefined> {
    const family = await this.family(project, sessionId);
    return family && summarizeFamily(family, this.idleGapMs);
  }

  /** The session's and its descendants' digests, the session first. */
  family(project: string, sessionId: string): Promise<SessionDigest[] | undefined> {
    return readSessionFamily(this.client, this.database, project, sessionId);
  }

  /** The family's exchanges with their prompt and output excerpts. */
  exchanges(project: string, family: SessionDigest[]): Promise<SessionView> {
    return exchangesView(this.client, this.database, project, family);
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

  private rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    return queryRows<T>(this.client, query, params);
  }
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
