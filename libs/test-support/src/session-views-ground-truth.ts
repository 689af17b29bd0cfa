import {
  byTimeThenId,
  compareIds,
  expectedSessionKpis,
  eventTimeMs,
  latest,
  SentWorld,
  type MessageFacts,
  type SessionFacts,
  type SessionKpis,
} from './kpi-ground-truth';
import type { GeneratedEvent } from './session-generator';

/**
 * The session query endpoints (CONTRACT.md "Queries": tokens, tools, files, agents, exchanges,
 * timeline, compare and the session list) computed from the events a test sent, in plain
 * TypeScript on top of kpi-ground-truth's dedupe, latest-wins, families and pricing. Names are
 * ordered by byte order, like every tie in docs/kpis.md.
 */

export interface SessionViewOptions {
  idleGapMs?: number;
  /** Stored risk of a file operation sent without `risk`; default low with no reason. */
  classifyRisk?: (path: string, operation: string) => { level: string; reason: string };
}

export type SessionViewKind = 'tokens' | 'tools' | 'files' | 'agents' | 'exchanges' | 'timeline';

/** An answer's expected parts; a timeline holds every event (the test walks the pages). */
export interface ExpectedView {
  meta: {
    project: string;
    session_id: string;
    period: { start: string | null; end: string | null };
  };
  summary: Record<string, unknown>;
  details: Record<string, unknown>;
  charts: Record<string, unknown>;
}

/** `GET /v1/sessions` filters; `from`/`to` are days or ISO date-times (their UTC day counts). */
export interface SessionListQuery {
  from?: string;
  to?: string;
  status?: string;
  directory?: string;
  project_name?: string;
  sort?: string;
}

/** One session's own figures (not its family's), as `GET /v1/sessions` lists them. */
export interface SessionListRow {
  session_id: string;
  parent_session_id: string | null;
  title: string;
  directory: string;
  status: string | null;
  first_event_at: string;
  last_event_at: string;
  duration_ms: number;
  messages: number;
  total_tokens: number;
  cost_usd: number;
}

export interface ExpectedSessionList {
  sessions: SessionListRow[];
  summary: { sessions: number; total_tokens: number; cost_usd: number };
}

/** Risk levels from none (`''`) to critical: the index is the rank. */
export const RISK_RANKS = ['', 'low', 'medium', 'high', 'critical'] as const;
export const SESSION_SORT_KEYS = [
  'last_event_at',
  'first_event_at',
  'cost_usd',
  'total_tokens',
  'duration_ms',
  'messages',
] as const;

const DAY_MS = 86_400_000;
const TEXT_LIMIT = 2_000;
const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();
const text = (value: unknown): string => (value === undefined ? '' : String(value));

interface Member {
  facts: SessionFacts;
  /** 0 for the session asked for, 1 for its children, … */
  depth: number;
}

export class SessionViewsGroundTruth {
  private readonly world: SentWorld;
  private readonly kpis: Map<string, SessionKpis>;
  private readonly children = new Map<string, string[]>();

  constructor(
    sent: GeneratedEvent[],
    private readonly options: SessionViewOptions = {},
  ) {
    this.world = new SentWorld(sent);
    const classify = options.classifyRisk;
    this.kpis = expectedSessionKpis(sent, {
      idleGapMs: options.idleGapMs,
      classifyRisk: classify && ((path, operation) => classify(path, operation).level),
    });
    for (const facts of this.world.sessions.values()) {
      if (facts.parentSessionId === '') continue;
      const parentKey = `${facts.project}/${facts.parentSessionId}`;
      this.children.set(parentKey, [...(this.children.get(parentKey) ?? []), facts.key]);
    }
  }

  /** Every session with an event, as `${project}/${session_id}`. */
  sessionKeys(): string[] {
    return [...this.world.sessions.keys()];
  }

  /** `/v1/sessions/:id/summary`'s summary (the family's KPIs). */
  summary(key: string): SessionKpis {
    return this.kpis.get(key) as SessionKpis;
  }

  /**
   * The family in order: the session, then each generation (through the latest
   * `parent_session_id`) in session_id order.
   */
  family(key: string): Member[] {
    const out: Member[] = [];
    const seen = new Set<string>([key]);
    let level = this.world.sessions.has(key) ? [key] : [];
    for (let depth = 0; level.length > 0; depth += 1) {
      const members = level.map((k) => this.world.sessions.get(k) as SessionFacts);
      members.sort((a, b) => compareIds(a.sessionId, b.sessionId));
      for (const facts of members) out.push({ facts, depth });
      level = level.flatMap((k) => this.children.get(k) ?? []).filter((k) => !seen.has(k));
      for (const k of level) seen.add(k);
    }
    return out;
  }

  view(key: string, kind: SessionViewKind): ExpectedView {
    const family = this.family(key);
    if (family.length === 0) throw new Error(`no session ${key}`);
    const times = family.flatMap((m) => m.facts.events.map((ev) => ev.ts));
    const self = family[0].facts;
    const parts =
      kind === 'tokens'
        ? tokensView(family)
        : kind === 'tools'
          ? toolsView(family)
          : kind === 'files'
            ? filesView(family, this.options)
            : kind === 'agents'
              ? agentsView(family, this.summary(key))
              : kind === 'exchanges'
                ? exchangesView(family)
                : timelineView(family);
    return {
      meta: {
        project: self.project,
        session_id: self.sessionId,
        period: { start: iso(Math.min(...times)), end: iso(Math.max(...times)) },
      },
      ...parts,
    };
  }

  /** `GET /v1/sessions` of one project, every page joined, with the filters' totals. */
  list(project: string, query: SessionListQuery = {}): ExpectedSessionList {
    const from = query.from === undefined ? -Infinity : utcDayStart(query.from);
    const to = query.to === undefined ? Infinity : utcDayStart(query.to) + DAY_MS - 1;
    const rows: Array<SessionListRow & { first: number; last: number }> = [];
    for (const s of this.world.sessions.values()) {
      if (s.project !== project) continue;
      const own = s.events.filter((ev) => ev.type === 'session');
      const directory = text(latest(own, 'directory'));
      const first = s.events[0].ts;
      const last = s.events[s.events.length - 1].ts;
      if (last < from || first > to) continue;
      if (query.status !== undefined && s.status !== query.status) continue;
      if (query.directory !== undefined && directory !== query.directory) continue;
      if (query.project_name !== undefined && lastSegment(directory) !== query.project_name)
        continue;
      rows.push({
        session_id: s.sessionId,
        parent_session_id: s.parentSessionId === '' ? null : s.parentSessionId,
        title: text(latest(own, 'title')),
        directory,
        status: s.status,
        first_event_at: iso(first) as string,
        last_event_at: iso(last) as string,
        duration_ms: s.ownDurationMs,
        // user and assistant messages, as the summary's messages_user + messages_assistant
        messages: s.messages.filter((m) => m.role === 'user' || m.role === 'assistant').length,
        ...pick(tokenFigures(s.messages), 'total_tokens', 'cost_usd'),
        first,
        last,
      });
    }
    const sort = query.sort ?? '-last_event_at';
    const descending = sort.startsWith('-') ? -1 : 1;
    const field = sort.replace(/^-/, '');
    const value = (row: (typeof rows)[number]): number =>
      field === 'last_event_at'
        ? row.last
        : field === 'first_event_at'
          ? row.first
          : (row[field as keyof SessionListRow] as number);
    rows.sort(
      (a, b) => descending * (value(a) - value(b) || compareIds(a.session_id, b.session_id)),
    );
    return {
      sessions: rows.map(({ first: _f, last: _l, ...row }) => row),
      summary: {
        sessions: rows.length,
        total_tokens: rows.reduce((sum, r) => sum + r.total_tokens, 0),
        cost_usd: rows.reduce((sum, r) => sum + r.cost_usd, 0),
      },
    };
  }
}

type Parts = Omit<ExpectedView, 'meta'>;

function utcDayStart(value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? Date.parse(`${value}T00:00:00Z`)
    : Date.parse(value);
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

function lastSegment(directory: string): string {
  const parts = directory.split('/');
  return parts[parts.length - 1];
}

function pick<T extends object, K extends keyof T>(value: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, value[k]])) as Pick<T, K>;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);
const mean = (values: number[]) => (values.length === 0 ? null : sum(values) / values.length);
const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

function tokenFigures(messages: MessageFacts[]) {
  const t = (field: keyof MessageFacts['tokens']) => sum(messages.map((m) => m.tokens[field]));
  const figures = {
    tokens_in: t('input'),
    tokens_out: t('output'),
    tokens_reasoning: t('reasoning'),
    tokens_cache_read: t('cache_read'),
    tokens_cache_write: t('cache_write'),
    total_tokens: 0,
    cost_usd: sum(messages.map((m) => m.cost)),
  };
  figures.total_tokens =
    figures.tokens_in + figures.tokens_out + figures.tokens_cache_read + figures.tokens_cache_write;
  return figures;
}

function tokensView(family: Member[]): Parts {
  const messages = family.flatMap((m) => m.facts.messages);
  const totals = tokenFigures(messages);
  const rows = (name: 'agent' | 'model') =>
    [...groupBy(messages, (m) => m[name])]
      .map(([value, group]) => ({ value, messages: group.length, ...tokenFigures(group) }))
      .sort((a, b) => b.total_tokens - a.total_tokens || compareIds(a.value, b.value));
  const byAgent = rows('agent').map(({ value, ...r }) => ({ agent: value, ...r }));
  const byModel = rows('model').map(({ value, ...r }) => ({ model: value, ...r }));
  let running = { total_tokens: 0, cost_usd: 0 };
  const cumulative = [...messages]
    .sort((a, b) => byTimeThenId(a.ev, b.ev))
    .map((m) => {
      const one = tokenFigures([m]);
      running = {
        total_tokens: running.total_tokens + one.total_tokens,
        cost_usd: running.cost_usd + one.cost_usd,
      };
      return { at: iso(m.ev.ts), ...running };
    });
  return {
    summary: {
      ...totals,
      cache_hit_ratio: ratio(
        totals.tokens_cache_read,
        totals.tokens_in + totals.tokens_cache_read + totals.tokens_cache_write,
      ),
    },
    details: {
      by_agent: byAgent,
      by_model: byModel,
      by_session: family.map(({ facts, depth }) => ({
        session_id: facts.sessionId,
        depth,
        ...tokenFigures(facts.messages),
      })),
      unknown_models: [...new Set(messages.filter((m) => m.unknownModel).map((m) => m.model))].sort(
        compareIds,
      ),
    },
    charts: {
      tokens_by_agent: byAgent.map((r) => ({ agent: r.agent, total_tokens: r.total_tokens })),
      cost_by_model: byModel.map((r) => ({ model: r.model, cost_usd: r.cost_usd })),
      cumulative,
    },
  };
}

interface Call {
  session_id: string;
  call_id: string;
  tool: string;
  status: string;
  agent: string;
  first: number;
  last: number;
  duration_ms: number | null;
  /** the call's share of the cost of the message it names (docs/kpis.md "Cost attribution") */
  cost: number;
}

/** A session's tool calls with their latest values and cost shares. */
function callsOf(facts: SessionFacts): Call[] {
  const groups = groupBy(
    facts.events.filter((ev) => ev.type === 'tool_call'),
    (ev) => String(ev.e.call_id),
  );
  const calls = [...groups].map(([callId, evs]) => ({
    messageId: text(latest(evs, 'message_id')),
    call: {
      session_id: facts.sessionId,
      call_id: callId,
      tool: text(latest(evs, 'tool')),
      status: text(latest(evs, 'status')),
      agent: text(latest(evs, 'agent')),
      first: evs[0].ts,
      last: evs[evs.length - 1].ts,
      duration_ms: (latest(evs, 'duration_ms') as number | undefined) ?? null,
      cost: 0,
    },
  }));
  const naming = groupBy(
    calls.filter((c) => c.messageId !== ''),
    (c) => c.messageId,
  );
  for (const m of facts.messages) {
    const sharing = naming.get(m.messageId) ?? [];
    for (const { call } of sharing) call.cost += m.cost / sharing.length;
  }
  return calls.map((c) => c.call);
}

const ended = (c: Call) => c.status === 'completed' || c.status === 'error';
const failed = (c: Call) => c.status === 'error';
const durations = (calls: Call[]) =>
  calls.map((c) => c.duration_ms).filter((d): d is number => d !== null);

function toolsView(family: Member[]): Parts {
  const calls = family
    .flatMap((m) => callsOf(m.facts))
    .sort(
      (a, b) =>
        a.first - b.first ||
        compareIds(a.call_id, b.call_id) ||
        compareIds(a.session_id, b.session_id),
    );
  const tools = [...groupBy(calls, (c) => c.tool)]
    .map(([tool, group]) => ({
      tool,
      calls: group.length,
      errors: group.filter(failed).length,
      ended: group.filter(ended).length,
      failure_rate: ratio(group.filter(failed).length, group.filter(ended).length),
      avg_duration_ms: mean(durations(group)),
      cost_usd: sum(group.map((c) => c.cost)),
      completed: group.filter((c) => c.status === 'completed').length,
    }))
    .sort((a, b) => b.calls - a.calls || compareIds(a.tool, b.tool));
  return {
    summary: {
      tool_calls: calls.length,
      unique_tools: tools.length,
      errors: calls.filter(failed).length,
      ended: calls.filter(ended).length,
      tool_failure_rate: ratio(calls.filter(failed).length, calls.filter(ended).length),
      avg_duration_ms: mean(durations(calls)),
    },
    details: {
      tools: tools.map(({ completed: _, ...row }) => row),
      calls: calls.map(({ first, last, cost: _, ...c }) => ({
        ...c,
        first_seen: iso(first),
        last_seen: iso(last),
      })),
    },
    charts: {
      calls_by_tool: tools.map((t) => ({
        tool: t.tool,
        completed: t.completed,
        error: t.errors,
        other: t.calls - t.completed - t.errors,
      })),
      timeline: calls.map((c) => ({
        call_id: c.call_id,
        tool: c.tool,
        status: c.status,
        start: iso(c.first),
        end: iso(c.last),
      })),
    },
  };
}

/** Lower-cased text after the last dot when it is 1–10 ASCII letters/digits ending the path. */
export function fileExtension(path: string): string {
  return /\.([A-Za-z0-9]{1,10})$/.exec(path)?.[1].toLowerCase() ?? '';
}

function filesView(family: Member[], options: SessionViewOptions): Parts {
  const ops = family
    .flatMap((m) => m.facts.events)
    .filter((ev) => ev.type === 'file_operation')
    .sort(byTimeThenId)
    .map((ev) => {
      const given = ev.e.risk as { level?: string; reason?: string } | undefined;
      const risk = given?.level
        ? { level: given.level, reason: given.reason ?? '' }
        : (options.classifyRisk?.(String(ev.e.path), String(ev.e.operation)) ?? {
            level: 'low',
            reason: '',
          });
      const rank = RISK_RANKS.indexOf(risk.level as (typeof RISK_RANKS)[number]);
      return { ev, operation: String(ev.e.operation), rank, reason: risk.reason };
    });
  const files = [...groupBy(ops, (op) => String(op.ev.e.path))]
    .map(([path, group]) => {
      const rank = Math.max(0, ...group.map((op) => op.rank));
      const reasons = group.filter((op) => op.rank === rank && op.reason !== '');
      const count = (operation: string) => group.filter((op) => op.operation === operation).length;
      return {
        path,
        extension: fileExtension(path),
        reads: count('read'),
        writes: count('write'),
        edits: count('edit'),
        deletes: count('delete'),
        risk_level: RISK_RANKS[rank] as string,
        risk_reason: reasons.length === 0 ? '' : reasons[reasons.length - 1].reason,
        first_seen: iso(group[0].ev.ts),
        last_seen: iso(group[group.length - 1].ev.ts),
        rank,
      };
    })
    .sort((a, b) => b.rank - a.rank || compareIds(a.path, b.path));
  const byExtension = [...groupBy(files, (f) => f.extension)]
    .map(([extension, group]) => ({
      extension,
      files: group.length,
      reads: sum(group.map((f) => f.reads)),
      writes: sum(group.map((f) => f.writes)),
      edits: sum(group.map((f) => f.edits)),
      deletes: sum(group.map((f) => f.deletes)),
    }))
    .sort((a, b) => b.files - a.files || compareIds(a.extension, b.extension));
  return {
    summary: {
      files: files.length,
      files_read: files.filter((f) => f.reads > 0).length,
      files_written: files.filter((f) => f.writes + f.edits + f.deletes > 0).length,
      risky_files: files.filter((f) => f.rank >= 3).length,
    },
    details: { files: files.map(({ rank: _, ...f }) => f), by_extension: byExtension },
    charts: {
      files_by_type: byExtension.map((e) => ({ extension: e.extension, files: e.files })),
      files_by_risk: RISK_RANKS.map((level, rank) => ({
        risk_level: level,
        files: files.filter((f) => f.rank === rank).length,
      })),
    },
  };
}

interface TraceNode {
  trace_id: string;
  session_id: string;
  agent: string;
  parent_trace_id: string;
  status: string;
  started_at: string | null;
  ended_at: string | null;
  children: TraceNode[];
}

interface Trace {
  node: TraceNode;
  first: number;
  timeMs: number;
}

function tracesOf(facts: SessionFacts): Trace[] {
  const groups = groupBy(
    facts.events.filter((ev) => ev.type === 'agent_trace'),
    (ev) => String(ev.e.trace_id),
  );
  return [...groups].map(([traceId, evs]) => {
    const times = (field: string) =>
      evs
        .filter((ev) => ev.e[field] !== undefined && ev.e[field] !== '')
        .map((ev) => eventTimeMs(ev.e[field]));
    const started = times('started_at');
    const endedAt = times('ended_at');
    const start = started.length === 0 ? undefined : Math.min(...started);
    const end = endedAt.length === 0 ? undefined : Math.max(...endedAt);
    return {
      node: {
        trace_id: traceId,
        session_id: facts.sessionId,
        agent: text(latest(evs, 'agent')),
        parent_trace_id: text(latest(evs, 'parent_trace_id')),
        status: text(latest(evs, 'status')),
        started_at: iso(start),
        ended_at: iso(end),
        children: [],
      },
      first: evs[0].ts,
      timeMs:
        start !== undefined && end !== undefined ? end - start : evs[evs.length - 1].ts - evs[0].ts,
    };
  });
}

/**
 * Delegation tree over the family: a parent trace id resolves in the trace's own session, else
 * in its nearest ancestor session of the family; unresolved (or `''`) makes a root.
 */
function traceTree(family: Member[], traces: Map<string, Trace[]>): TraceNode[] {
  const parentOf = new Map(family.map((m) => [m.facts.sessionId, m.facts.parentSessionId]));
  const find = (sessionId: string, traceId: string) =>
    traces.get(sessionId)?.find((t) => t.node.trace_id === traceId);
  const roots: Trace[] = [];
  const kids = new Map<Trace, Trace[]>();
  for (const list of traces.values()) {
    for (const trace of list) {
      const wanted = trace.node.parent_trace_id;
      let parent: Trace | undefined;
      let session = trace.node.session_id;
      for (let step = 0; wanted !== '' && !parent && parentOf.has(session); step += 1) {
        if (step > family.length) break; // a parent_session_id cycle
        parent = find(session, wanted);
        session = parentOf.get(session) as string;
      }
      if (parent && parent !== trace) kids.set(parent, [...(kids.get(parent) ?? []), trace]);
      else roots.push(trace);
    }
  }
  const order = (a: Trace, b: Trace) =>
    a.first - b.first ||
    compareIds(a.node.trace_id, b.node.trace_id) ||
    compareIds(a.node.session_id, b.node.session_id);
  const build = (trace: Trace): TraceNode => ({
    ...trace.node,
    children: (kids.get(trace) ?? []).sort(order).map(build),
  });
  return roots.sort(order).map(build);
}

function agentsView(family: Member[], kpis: SessionKpis): Parts {
  const messages = family.flatMap((m) => m.facts.messages);
  const calls = family.flatMap((m) => callsOf(m.facts));
  const traces = new Map(family.map((m) => [m.facts.sessionId, tracesOf(m.facts)]));
  const allTraces = [...traces.values()].flat();
  const names = new Set<string>();
  for (const ev of family.flatMap((m) => m.facts.events)) {
    const fields =
      ev.type === 'message' || ev.type === 'tool_call'
        ? ['agent']
        : ev.type === 'agent_trace'
          ? ['agent', 'parent_agent']
          : [];
    for (const field of fields)
      if (typeof ev.e[field] === 'string' && ev.e[field] !== '') names.add(ev.e[field] as string);
  }
  const agents = [...names]
    .map((agent) => {
      const own = messages.filter((m) => m.agent === agent);
      const ownTraces = allTraces.filter((t) => t.node.agent === agent);
      return {
        agent,
        messages: own.length,
        tool_calls: calls.filter((c) => c.agent === agent).length,
        traces: ownTraces.length,
        ...pick(tokenFigures(own), 'total_tokens', 'cost_usd'),
        time_ms: sum(ownTraces.map((t) => t.timeMs)),
      };
    })
    .sort((a, b) => b.cost_usd - a.cost_usd || compareIds(a.agent, b.agent));
  return {
    summary: {
      agents: kpis.agents,
      traces: allTraces.length,
      max_delegation_depth: kpis.max_delegation_depth,
    },
    details: { agents, tree: traceTree(family, traces) },
    charts: {
      cost_by_agent: agents.map((a) => ({ agent: a.agent, cost_usd: a.cost_usd })),
      tokens_by_agent: agents.map((a) => ({ agent: a.agent, total_tokens: a.total_tokens })),
    },
  };
}

function exchangesView(family: Member[]): Parts {
  const exchanges: Array<Record<string, unknown>> = [];
  for (const { facts } of family) {
    const rounds: MessageFacts[][] = [];
    let previous = '';
    for (const m of facts.messages) {
      if (m.role === 'user' && previous !== 'user') rounds.push([m]);
      else if (rounds.length > 0) rounds[rounds.length - 1].push(m);
      previous = m.role;
    }
    for (const round of rounds) {
      const replies = round.filter((m) => m.role === 'assistant');
      const content = (m: MessageFacts | undefined) => text(m?.ev.e.content).slice(0, TEXT_LIMIT);
      exchanges.push({
        index: exchanges.length + 1,
        session_id: facts.sessionId,
        started_at: iso(round[0].ev.ts),
        ended_at: iso(round[round.length - 1].ev.ts),
        user_messages: round.filter((m) => m.role === 'user').length,
        assistant_messages: replies.length,
        first_prompt: content(round[0]),
        last_output: content(replies[replies.length - 1]),
        ...pick(tokenFigures(round), 'total_tokens', 'cost_usd'),
      });
    }
  }
  const messages = family.flatMap((m) => m.facts.messages);
  return {
    summary: {
      exchanges: exchanges.length,
      messages_user: messages.filter((m) => m.role === 'user').length,
      messages_assistant: messages.filter((m) => m.role === 'assistant').length,
    },
    details: { exchanges },
    charts: {},
  };
}

function timelineView(family: Member[]): Parts {
  const events = family.flatMap((m) => m.facts.events).sort(byTimeThenId);
  return {
    summary: {
      events: events.length,
      first_at: iso(events[0]?.ts),
      last_at: iso(events[events.length - 1]?.ts),
    },
    details: {
      events: events.map((ev) => ({
        at: iso(ev.ts),
        session_id: ev.sessionId,
        type: ev.type,
        id: ev.id,
      })),
    },
    charts: {},
  };
}
