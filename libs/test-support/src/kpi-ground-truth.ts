import { calcPrice } from '@pydantic/genai-prices';
import type { GeneratedEvent } from './session-generator';
import { expectedMessageCost } from './summary-ground-truth';

/**
 * An independent implementation of docs/kpis.md over the events a test sent: plain
 * TypeScript, no ClickHouse, nothing shared with the services but the price table.
 */

/** docs/kpis.md: gaps longer than this (ms) are idle time. */
export const DEFAULT_IDLE_GAP_MS = 300_000;

export interface KpiOptions {
  /** idle threshold in ms; default {@link DEFAULT_IDLE_GAP_MS} */
  idleGapMs?: number;
  /**
   * Risk level (`low|medium|high|critical`) of a file operation that carries no `risk`;
   * without it such operations count as `low`.
   */
  classifyRisk?: (path: string, operation: string) => string;
}

/** The session summary KPIs (CONTRACT.md keys) computed over the session's family. */
export interface SessionKpis {
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
  /** messages without a reported cost whose (non-empty) model the price table does not know */
  unknown_model_messages: number;
}

/** Daily project stats (UTC days) of docs/kpis.md. */
export interface DailyStats {
  sessions: number;
  messages: number;
  tokens_in: number;
  tokens_out: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  total_tokens: number;
  cost_usd: number;
  tool_calls: number;
  tool_errors: number;
  error_rate: number;
  traces: number;
  avg_session_duration_ms: number;
}

/** A session family's cost by agent, by model and by tool (docs/kpis.md "Cost attribution"). */
export interface CostBreakdown {
  by_agent: Record<string, number>;
  by_model: Record<string, number>;
  by_tool: Record<string, number>;
}

/** The `by_tool` key for the cost of messages that issued no tool call. */
export const NO_TOOL = '(no tool)';

const knownModels = new Map<string, boolean>();

/** Whether the price table knows `model` (trying `provider` first when given). */
export function isKnownModel(model: string, provider?: string): boolean {
  if (model === '') return false;
  const key = `${provider ?? ''}\u0000${model}`;
  let known = knownModels.get(key);
  if (known === undefined) {
    const probe = (providerId?: string) => {
      try {
        return calcPrice({ input_tokens: 1 }, model, providerId ? { providerId } : undefined);
      } catch {
        return null; // an unknown provider id throws
      }
    };
    known = Boolean((provider ? probe(provider) : null) ?? probe());
    knownModels.set(key, known);
  }
  return known;
}

type Fields = Record<string, unknown>;

/** One counted event: deduplicated, its time in epoch ms. */
export interface Ev {
  project: string;
  id: string;
  type: string;
  sessionId: string;
  ts: number;
  e: Fields;
}

interface Tokens {
  input: number;
  output: number;
  reasoning: number;
  cache_read: number;
  cache_write: number;
}

export interface MessageFacts {
  ev: Ev;
  role: string;
  agent: string;
  model: string;
  messageId: string;
  tokens: Tokens;
  cost: number;
  unknownModel: boolean;
}

interface CallFacts {
  callId: string;
  tool: string;
  firstTs: number;
  latestStatus: string;
  messageId: string;
  toolNames: Set<string>;
}

interface TraceFacts {
  traceId: string;
  firstTs: number;
  parentTraceId: string;
}

/** Everything about one session's own events. */
export interface SessionFacts {
  key: string;
  project: string;
  sessionId: string;
  /** own events ordered by (time, id) */
  events: Ev[];
  status: string | null;
  startedAt?: number;
  endedAt?: number;
  parentSessionId: string;
  messages: MessageFacts[];
  calls: Map<string, CallFacts>;
  traces: Map<string, TraceFacts>;
  ownDurationMs: number;
}

/** Epoch ms of a wire timestamp: numbers are epoch ms, strings go through Date.parse. */
export function eventTimeMs(value: unknown): number {
  return typeof value === 'number' ? value : Date.parse(String(value));
}

/** Byte order of two ids (UTF-8), the tie rule of docs/kpis.md. */
export function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Event order: time, then id; the last one is the "latest". */
export function byTimeThenId(a: Ev, b: Ev): number {
  return a.ts - b.ts || compareIds(a.id, b.id);
}

const isGiven = (value: unknown) => value !== undefined && value !== null && value !== '';

/** The latest given value of `field` among `events` (already ordered by time, then id). */
export function latest(events: Ev[], field: string): unknown {
  let value: unknown;
  for (const ev of events) if (isGiven(ev.e[field])) value = ev.e[field];
  return value;
}

/** The counted events: first copy of each `(project, id)`, only types that have a session. */
function countedEvents(sent: GeneratedEvent[]): Ev[] {
  const seen = new Set<string>();
  const out: Ev[] = [];
  for (const { project, event } of sent) {
    const key = `${project}\u0000${event.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (typeof event.session_id !== 'string' || event.session_id === '') continue;
    out.push({
      project,
      id: event.id,
      type: event.type,
      sessionId: event.session_id,
      ts: eventTimeMs(event.timestamp),
      e: event,
    });
  }
  return out;
}

function tokensOf(e: Fields): Tokens {
  const t = (e.tokens ?? {}) as Partial<Tokens>;
  return {
    input: t.input ?? 0,
    output: t.output ?? 0,
    reasoning: t.reasoning ?? 0,
    cache_read: t.cache_read ?? 0,
    cache_write: t.cache_write ?? 0,
  };
}

function messageFacts(ev: Ev): MessageFacts {
  const model = typeof ev.e.model === 'string' ? ev.e.model : '';
  const provider = typeof ev.e.provider === 'string' ? ev.e.provider : undefined;
  const reported = typeof ev.e.cost_usd === 'number' ? ev.e.cost_usd : undefined;
  const tokens = tokensOf(ev.e);
  const known = isKnownModel(model, provider);
  return {
    ev,
    role: String(ev.e.role ?? ''),
    agent: typeof ev.e.agent === 'string' ? ev.e.agent : '',
    model,
    messageId: String(ev.e.message_id ?? ''),
    tokens,
    cost: expectedMessageCost(model, tokens, reported),
    unknownModel: reported === undefined && model !== '' && !known,
  };
}

function sessionFacts(key: string, events: Ev[]): SessionFacts {
  events.sort(byTimeThenId);
  const own = events.filter((ev) => ev.type === 'session');
  const startedAt = latest(own, 'started_at');
  const endedAt = latest(own, 'ended_at');
  const calls = new Map<string, CallFacts>();
  const callEvents = new Map<string, Ev[]>();
  const traceEvents = new Map<string, Ev[]>();
  for (const ev of events) {
    if (ev.type === 'tool_call') {
      const id = String(ev.e.call_id);
      callEvents.set(id, [...(callEvents.get(id) ?? []), ev]);
    } else if (ev.type === 'agent_trace') {
      const id = String(ev.e.trace_id);
      traceEvents.set(id, [...(traceEvents.get(id) ?? []), ev]);
    }
  }
  for (const [callId, evs] of callEvents) {
    calls.set(callId, {
      callId,
      tool: String(latest(evs, 'tool') ?? ''),
      firstTs: evs[0].ts,
      latestStatus: String(latest(evs, 'status') ?? ''),
      messageId: String(latest(evs, 'message_id') ?? ''),
      toolNames: new Set(evs.map((ev) => String(ev.e.tool ?? '')).filter((t) => t !== '')),
    });
  }
  const traces = new Map<string, TraceFacts>();
  for (const [traceId, evs] of traceEvents) {
    traces.set(traceId, {
      traceId,
      firstTs: evs[0].ts,
      parentTraceId: String(latest(evs, 'parent_trace_id') ?? ''),
    });
  }
  const started = isGiven(startedAt) ? eventTimeMs(startedAt) : undefined;
  const ended = isGiven(endedAt) ? eventTimeMs(endedAt) : undefined;
  return {
    key,
    project: events[0].project,
    sessionId: events[0].sessionId,
    events,
    status: (latest(own, 'status') as string | undefined) ?? null,
    startedAt: started,
    endedAt: ended,
    parentSessionId: String(latest(own, 'parent_session_id') ?? ''),
    messages: events.filter((ev) => ev.type === 'message').map(messageFacts),
    calls,
    traces,
    ownDurationMs:
      started !== undefined && ended !== undefined
        ? ended - started
        : events[events.length - 1].ts - events[0].ts,
  };
}

/** Every session with an event, keyed `${project}/${session_id}`, and each one's family. */
export class SentWorld {
  readonly sessions = new Map<string, SessionFacts>();
  private readonly children = new Map<string, string[]>();

  constructor(sent: GeneratedEvent[]) {
    const grouped = new Map<string, Ev[]>();
    for (const ev of countedEvents(sent)) {
      const key = `${ev.project}/${ev.sessionId}`;
      let list = grouped.get(key);
      if (!list) grouped.set(key, (list = []));
      list.push(ev);
    }
    for (const [key, events] of grouped) this.sessions.set(key, sessionFacts(key, events));
    for (const facts of this.sessions.values()) {
      if (facts.parentSessionId === '') continue;
      const parentKey = `${facts.project}/${facts.parentSessionId}`;
      this.children.set(parentKey, [...(this.children.get(parentKey) ?? []), facts.key]);
    }
  }

  /** The session and all its descendants that have events (a cycle is walked once). */
  family(key: string): SessionFacts[] {
    const seen = new Set<string>();
    const out: SessionFacts[] = [];
    const stack = [key];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      const facts = this.sessions.get(next);
      if (facts) out.push(facts);
      stack.push(...(this.children.get(next) ?? []));
    }
    return out;
  }
}

function sumTokens(messages: MessageFacts[]): Tokens {
  const total: Tokens = { input: 0, output: 0, reasoning: 0, cache_read: 0, cache_write: 0 };
  for (const m of messages) {
    total.input += m.tokens.input;
    total.output += m.tokens.output;
    total.reasoning += m.tokens.reasoning;
    total.cache_read += m.tokens.cache_read;
    total.cache_write += m.tokens.cache_write;
  }
  return total;
}

/** Sum of the gaps between consecutive times that are longer than `threshold`. */
function idleMs(times: number[], threshold: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let idle = 0;
  for (let i = 1; i < sorted.length; i += 1) {
    const gap = sorted[i] - sorted[i - 1];
    if (gap > threshold) idle += gap;
  }
  return idle;
}

/** User messages not directly preceded (in (time, id) order) by another user message. */
function exchanges(session: SessionFacts): number {
  let count = 0;
  let previous = '';
  for (const m of session.messages) {
    if (m.role === 'user' && previous !== 'user') count += 1;
    previous = m.role;
  }
  return count;
}

/** Longest parent chain among one session's traces, parents resolved in that session only. */
function maxDepth(traces: Map<string, TraceFacts>): number {
  const depth = new Map<string, number>();
  const depthOf = (traceId: string, visiting: Set<string>): number => {
    const known = depth.get(traceId);
    if (known !== undefined) return known;
    const parent = (traces.get(traceId) as TraceFacts).parentTraceId;
    let d = 1;
    if (parent !== '' && traces.has(parent) && !visiting.has(parent)) {
      visiting.add(traceId);
      d = 1 + depthOf(parent, visiting);
      visiting.delete(traceId);
    }
    depth.set(traceId, d);
    return d;
  };
  let max = 0;
  for (const traceId of traces.keys()) max = Math.max(max, depthOf(traceId, new Set()));
  return max;
}

function riskLevel(ev: Ev, classify: KpiOptions['classifyRisk']): string {
  const given = (ev.e.risk as { level?: unknown } | undefined)?.level;
  if (typeof given === 'string' && given !== '') return given;
  return classify ? classify(String(ev.e.path), String(ev.e.operation)) : 'low';
}

/** Session KPIs of docs/kpis.md per `${project}/${session_id}`, each over its family. */
export function expectedSessionKpis(
  sent: GeneratedEvent[],
  options: KpiOptions = {},
): Map<string, SessionKpis> {
  const world = new SentWorld(sent);
  const threshold = options.idleGapMs ?? DEFAULT_IDLE_GAP_MS;
  const result = new Map<string, SessionKpis>();
  for (const [key, self] of world.sessions) {
    const family = world.family(key);
    const events = family.flatMap((s) => s.events);
    const messages = family.flatMap((s) => s.messages);
    const times = events.map((ev) => ev.ts);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const duration =
      self.startedAt !== undefined && self.endedAt !== undefined
        ? self.endedAt - self.startedAt
        : last - first;
    const idle = idleMs(times, threshold);
    const earliest = (role: string) => {
      const ts = messages.filter((m) => m.role === role).map((m) => m.ev.ts);
      return ts.length === 0 ? undefined : Math.min(...ts);
    };
    const firstUser = earliest('user');
    const firstAssistant = earliest('assistant');
    const tokens = sumTokens(messages);
    const divisor = tokens.input + tokens.cache_read + tokens.cache_write;
    const calls = family.flatMap((s) => [...s.calls.values()]);
    const toolNames = new Set(calls.flatMap((c) => [...c.toolNames]));
    const endedCalls = calls.filter(
      (c) => c.latestStatus === 'completed' || c.latestStatus === 'error',
    );
    const failedCalls = endedCalls.filter((c) => c.latestStatus === 'error');
    const fileOps = events.filter((ev) => ev.type === 'file_operation');
    const paths = (filter: (ev: Ev) => boolean) =>
      new Set(fileOps.filter(filter).map((ev) => String(ev.e.path))).size;
    const agents = new Set<string>();
    for (const ev of events) {
      const names =
        ev.type === 'message' || ev.type === 'tool_call'
          ? [ev.e.agent]
          : ev.type === 'agent_trace'
            ? [ev.e.agent, ev.e.parent_agent]
            : [];
      for (const name of names) if (typeof name === 'string' && name !== '') agents.add(name);
    }
    result.set(key, {
      status: self.status,
      duration_ms: duration,
      active_ms: Math.max(0, duration - idle),
      idle_ms: idle,
      first_response_latency_ms:
        firstUser === undefined || firstAssistant === undefined ? null : firstAssistant - firstUser,
      tokens_in: tokens.input,
      tokens_out: tokens.output,
      tokens_reasoning: tokens.reasoning,
      tokens_cache_read: tokens.cache_read,
      tokens_cache_write: tokens.cache_write,
      total_tokens: tokens.input + tokens.output + tokens.cache_read + tokens.cache_write,
      cache_hit_ratio: divisor === 0 ? 0 : tokens.cache_read / divisor,
      cost_usd: messages.reduce((sum, m) => sum + m.cost, 0),
      messages_user: messages.filter((m) => m.role === 'user').length,
      messages_assistant: messages.filter((m) => m.role === 'assistant').length,
      exchanges: family.reduce((sum, s) => sum + exchanges(s), 0),
      tool_calls: calls.length,
      unique_tools: toolNames.size,
      tool_failure_rate: endedCalls.length === 0 ? 0 : failedCalls.length / endedCalls.length,
      files_read: paths((ev) => ev.e.operation === 'read'),
      files_written: paths((ev) => ['write', 'edit', 'delete'].includes(String(ev.e.operation))),
      risky_files: paths((ev) =>
        ['high', 'critical'].includes(riskLevel(ev, options.classifyRisk)),
      ),
      agents: agents.size,
      max_delegation_depth: Math.max(0, ...family.map((s) => maxDepth(s.traces))),
      skill_loads: events.filter((ev) => ev.type === 'skill_load').length,
      unknown_model_messages: messages.filter((m) => m.unknownModel).length,
    });
  }
  return result;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function emptyDay(): DailyStats {
  return {
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
    error_rate: 0,
    traces: 0,
    avg_session_duration_ms: 0,
  };
}

/**
 * Daily project stats per `${project}/${YYYY-MM-DD}` (UTC), for every day on which the
 * project has an event with a session.
 */
export function expectedDailyStats(
  sent: GeneratedEvent[],
  _options: KpiOptions = {},
): Map<string, DailyStats> {
  const world = new SentWorld(sent);
  const days = new Map<string, DailyStats>();
  const ended = new Map<string, number>();
  const durations = new Map<string, number[]>();
  const day = (project: string, ms: number) => {
    const key = `${project}/${utcDay(ms)}`;
    let stats = days.get(key);
    if (!stats) days.set(key, (stats = emptyDay()));
    return { key, stats };
  };
  for (const s of world.sessions.values()) {
    for (const key of new Set(s.events.map((ev) => day(s.project, ev.ts).key))) {
      (days.get(key) as DailyStats).sessions += 1;
    }
    for (const m of s.messages) {
      const { stats } = day(s.project, m.ev.ts);
      stats.messages += 1;
      stats.tokens_in += m.tokens.input;
      stats.tokens_out += m.tokens.output;
      stats.tokens_cache_read += m.tokens.cache_read;
      stats.tokens_cache_write += m.tokens.cache_write;
      stats.total_tokens +=
        m.tokens.input + m.tokens.output + m.tokens.cache_read + m.tokens.cache_write;
      stats.cost_usd += m.cost;
    }
    for (const call of s.calls.values()) {
      const { key, stats } = day(s.project, call.firstTs);
      stats.tool_calls += 1;
      if (call.latestStatus === 'error') stats.tool_errors += 1;
      if (call.latestStatus === 'error' || call.latestStatus === 'completed') {
        ended.set(key, (ended.get(key) ?? 0) + 1);
      }
    }
    for (const trace of s.traces.values()) day(s.project, trace.firstTs).stats.traces += 1;
    const { key } = day(s.project, s.events[0].ts);
    durations.set(key, [...(durations.get(key) ?? []), s.ownDurationMs]);
  }
  for (const [key, stats] of days) {
    const endedCalls = ended.get(key) ?? 0;
    stats.error_rate = endedCalls === 0 ? 0 : stats.tool_errors / endedCalls;
    const list = durations.get(key) ?? [];
    stats.avg_session_duration_ms =
      list.length === 0 ? 0 : list.reduce((sum, d) => sum + d, 0) / list.length;
  }
  return days;
}

/**
 * Cost per session family (`${project}/${session_id}`) by agent, by model and by tool. A key
 * is present for every agent / model among the family's messages (with 0 when they cost
 * nothing), every tool that names a message, and `(no tool)` when a message named by no tool
 * call exists.
 */
export function expectedCostBreakdown(
  sent: GeneratedEvent[],
  _options: KpiOptions = {},
): Map<string, CostBreakdown> {
  const world = new SentWorld(sent);
  const own = new Map<string, CostBreakdown>();
  for (const [key, s] of world.sessions) {
    const breakdown: CostBreakdown = { by_agent: {}, by_model: {}, by_tool: {} };
    const callsByMessage = new Map<string, CallFacts[]>();
    for (const call of s.calls.values()) {
      if (call.messageId === '') continue;
      callsByMessage.set(call.messageId, [...(callsByMessage.get(call.messageId) ?? []), call]);
    }
    for (const m of s.messages) {
      add(breakdown.by_agent, m.agent, m.cost);
      add(breakdown.by_model, m.model, m.cost);
      const calls = callsByMessage.get(m.messageId) ?? [];
      if (calls.length === 0) add(breakdown.by_tool, NO_TOOL, m.cost);
      for (const call of calls) add(breakdown.by_tool, call.tool, m.cost / calls.length);
    }
    own.set(key, breakdown);
  }
  const result = new Map<string, CostBreakdown>();
  for (const key of world.sessions.keys()) {
    const total: CostBreakdown = { by_agent: {}, by_model: {}, by_tool: {} };
    for (const member of world.family(key)) {
      const part = own.get(member.key) as CostBreakdown;
      for (const kind of ['by_agent', 'by_model', 'by_tool'] as const) {
        for (const [name, cost] of Object.entries(part[kind])) add(total[kind], name, cost);
      }
    }
    result.set(key, total);
  }
  return result;
}

function add(record: Record<string, number>, key: string, value: number): void {
  record[key] = (record[key] ?? 0) + value;
}
