import { maxDelegationDepth } from './delegation-depth';
import {
  isLater,
  parentOf,
  type MessageFact,
  type SessionDigest,
  type SessionEventFact,
} from './session-digest';
import {
  agentTraceStates,
  fileStates,
  toolCallStates,
  type ToolCallState,
} from './session-entities';

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

export interface SessionKpis {
  summary: SessionSummary;
  period: { start: number; end: number };
  family: FamilyMember[];
  cost: CostBreakdown;
}

/** The key under which cost that no tool call claims is reported. */
export const NO_TOOL = '(no tool)';

/** Every event time of the family, ascending. */
export function eventTimes(family: SessionDigest[]): number[] {
  const times: number[] = [];
  for (const d of family)
    for (const facts of [
      d.session_events,
      d.messages,
      d.tool_calls,
      d.file_operations,
      d.skill_loads,
      d.agent_traces,
    ])
      for (const fact of facts) times.push(fact.ts);
  return times.sort((a, b) => a - b);
}

/** The sum of the gaps between consecutive event times longer than `gapMs`. */
export function idleTime(sortedTimes: number[], gapMs: number): number {
  let idle = 0;
  for (let i = 1; i < sortedTimes.length; i++) {
    const gap = sortedTimes[i] - sortedTimes[i - 1];
    if (gap > gapMs) idle += gap;
  }
  return idle;
}

export interface ExchangeRound {
  session_id: string;
  /** the user message that starts the round, then every message up to the next round */
  messages: MessageFact[];
}

/**
 * The family's exchanges (docs/kpis.md): per session, messages in (time, id) order; a round
 * starts at a user message not directly preceded by a user message and runs until the next.
 * Messages before a session's first round belong to none.
 */
export function exchangeRounds(family: SessionDigest[]): ExchangeRound[] {
  const rounds: ExchangeRound[] = [];
  for (const digest of family) {
    const ordered = [...digest.messages].sort((a, b) => (isLater(a, b) ? 1 : -1));
    let current: ExchangeRound | undefined;
    ordered.forEach((fact, index) => {
      if (fact.role === 'user' && (index === 0 || ordered[index - 1].role !== 'user')) {
        current = { session_id: digest.session_id, messages: [] };
        rounds.push(current);
      }
      current?.messages.push(fact);
    });
  }
  return rounds;
}

/** Distinct non-empty agent names in the family's messages, tool calls and agent traces. */
export function agentNames(family: SessionDigest[]): Set<string> {
  const names = new Set<string>();
  for (const d of family) {
    for (const m of d.messages) names.add(m.agent);
    for (const c of d.tool_calls) names.add(c.agent);
    for (const t of d.agent_traces) names.add(t.agent).add(t.parent_agent);
  }
  names.delete('');
  return names;
}

/** The latest non-empty value of a session-event field (docs/kpis.md). */
function latestOf<K extends keyof SessionEventFact>(
  events: SessionEventFact[],
  field: K,
  present: (value: SessionEventFact[K]) => boolean,
): SessionEventFact[K] | undefined {
  let latest: SessionEventFact | undefined;
  for (const event of events)
    if (present(event[field]) && (!latest || isLater(event, latest))) latest = event;
  return latest?.[field];
}

export function sessionStatus(events: SessionEventFact[]): string | null {
  return latestOf(events, 'status', (value) => value !== '') ?? null;
}

/**
 * The KPIs of a session family (the session first, then its descendants) from their digests.
 */
export function summarizeFamily(family: SessionDigest[], idleGapMs: number): SessionKpis {
  const root = family[0];
  const messages = family.flatMap((d) => d.messages);
  const times = eventTimes(family);
  const first = times[0];
  const last = times[times.length - 1];
  const started = latestOf(root.session_events, 'started_at', (t) => t >= 0);
  const ended = latestOf(root.session_events, 'ended_at', (t) => t >= 0);
  const duration =
    started !== undefined && ended !== undefined && started > 0 && ended > 0
      ? ended - started
      : last - first;
  const idle = idleTime(times, idleGapMs);
  const sum = (pick: (m: (typeof messages)[number]) => number) =>
    messages.reduce((total, m) => total + pick(m), 0);
  const tokens = {
    in: sum((m) => m.input),
    out: sum((m) => m.output),
    cacheRead: sum((m) => m.cache_read),
    cacheWrite: sum((m) => m.cache_write),
  };
  const firstOfRole = (role: string) => {
    const found = messages.filter((m) => m.role === role).map((m) => m.ts);
    return found.length === 0 ? null : Math.min(...found);
  };
  const firstUser = firstOfRole('user');
  const firstAssistant = firstOfRole('assistant');
  const calls = toolCallStates(family);
  const traces = agentTraceStates(family);
  const files = fileStates(family);
  const ended_ = calls.filter((c) => c.status === 'completed' || c.status === 'error').length;
  const errors = calls.filter((c) => c.status === 'error').length;
  const cacheDivisor = tokens.in + tokens.cacheRead + tokens.cacheWrite;
  const summary: SessionSummary = {
    status: sessionStatus(root.session_events),
    duration_ms: duration,
    active_ms: Math.max(0, duration - idle),
    idle_ms: idle,
    first_response_latency_ms:
      firstUser === null || firstAssistant === null ? null : firstAssistant - firstUser,
    tokens_in: tokens.in,
    tokens_out: tokens.out,
    tokens_reasoning: sum((m) => m.reasoning),
    tokens_cache_read: tokens.cacheRead,
    tokens_cache_write: tokens.cacheWrite,
    total_tokens: tokens.in + tokens.out + tokens.cacheRead + tokens.cacheWrite,
    cache_hit_ratio: cacheDivisor === 0 ? 0 : tokens.cacheRead / cacheDivisor,
    cost_usd: sum((m) => m.cost_usd),
    messages_user: messages.filter((m) => m.role === 'user').length,
    messages_assistant: messages.filter((m) => m.role === 'assistant').length,
    exchanges: exchangeRounds(family).length,
    tool_calls: calls.length,
    unique_tools: new Set(calls.map((c) => c.tool)).size,
    tool_failure_rate: ended_ === 0 ? 0 : errors / ended_,
    files_read: files.filter((f) => f.reads > 0).length,
    files_written: files.filter((f) => f.writes + f.edits + f.deletes > 0).length,
    risky_files: files.filter((f) => f.risk_rank >= 3).length,
    agents: agentNames(family).size,
    max_delegation_depth: maxDelegationDepth(traces),
    skill_loads: family.reduce((total, d) => total + d.skill_loads.length, 0),
    unknown_model_messages: messages.filter((m) => m.cost_source === 'unknown_model').length,
  };
  return {
    summary,
    period: { start: first, end: last },
    family: family.map((d) => ({
      session_id: d.session_id,
      parent_session_id: d === root ? null : parentOf(d.session_events) || null,
      depth: d.depth,
      tokens: d.messages.reduce(
        (total, m) => total + m.input + m.output + m.cache_read + m.cache_write,
        0,
      ),
      cost_usd: d.messages.reduce((total, m) => total + m.cost_usd, 0),
      messages: d.messages.filter((m) => m.role === 'user' || m.role === 'assistant').length,
    })),
    cost: costBreakdown(family, calls),
  };
}

/** docs/kpis.md "Cost attribution": a message's cost split equally among the calls naming it. */
export function costBreakdown(family: SessionDigest[], calls: ToolCallState[]): CostBreakdown {
  const byAgent: Record<string, number> = {};
  const byModel: Record<string, number> = {};
  const byTool: Record<string, number> = {};
  const unknown = new Set<string>();
  const add = (into: Record<string, number>, key: string, value: number) =>
    (into[key] = (into[key] ?? 0) + value);
  const toolsOf = new Map<string, string[]>();
  for (const call of calls)
    if (call.message_id !== '') {
      const key = `${call.session_id}\u0000${call.message_id}`;
      toolsOf.set(key, [...(toolsOf.get(key) ?? []), call.tool]);
    }
  const messageCost = new Map<string, number>();
  for (const d of family)
    for (const m of d.messages) {
      add(byAgent, m.agent, m.cost_usd);
      add(byModel, m.model, m.cost_usd);
      if (m.cost_source === 'unknown_model') unknown.add(m.model);
      const key = `${d.session_id}\u0000${m.message_id}`;
      messageCost.set(key, (messageCost.get(key) ?? 0) + m.cost_usd);
    }
  for (const [key, cost] of messageCost) {
    const tools = (key.endsWith('\u0000') ? undefined : toolsOf.get(key)) ?? [NO_TOOL];
    for (const tool of tools) add(byTool, tool, cost / tools.length);
  }
  return {
    by_agent: byAgent,
    by_model: byModel,
    by_tool: byTool,
    unknown_models: [...unknown].sort(),
  };
}
