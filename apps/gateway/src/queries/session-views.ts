import { maxDelegationDepth } from './delegation-depth';
import {
  compareText,
  isLater,
  parentOf,
  type MessageFact,
  type SessionDigest,
} from './session-digest';
import {
  RISK_LEVELS,
  agentTraceStates,
  fileStates,
  toolCallStates,
  type AgentTraceState,
} from './session-entities';
import { agentNames, costBreakdown } from './session-kpis';

/** One category of a session family in depth: the `summary`, `details` and `charts` parts. */
export interface SessionView {
  summary: Record<string, unknown>;
  details: Record<string, unknown>;
  charts: Record<string, unknown>;
}

export const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined || ms < 0 ? null : new Date(ms).toISOString();

interface TokenTotals {
  messages: number;
  tokens_in: number;
  tokens_out: number;
  tokens_reasoning: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  total_tokens: number;
  cost_usd: number;
}

function tokenTotals(messages: MessageFact[]): TokenTotals {
  const totals: TokenTotals = {
    messages: messages.length,
    tokens_in: 0,
    tokens_out: 0,
    tokens_reasoning: 0,
    tokens_cache_read: 0,
    tokens_cache_write: 0,
    total_tokens: 0,
    cost_usd: 0,
  };
  for (const m of messages) {
    totals.tokens_in += m.input;
    totals.tokens_out += m.output;
    totals.tokens_reasoning += m.reasoning;
    totals.tokens_cache_read += m.cache_read;
    totals.tokens_cache_write += m.cache_write;
    totals.total_tokens += m.input + m.output + m.cache_read + m.cache_write;
    totals.cost_usd += m.cost_usd;
  }
  return totals;
}

function groupMessages<K extends string>(
  messages: MessageFact[],
  key: (m: MessageFact) => string,
  name: K,
): Array<Record<K, string> & TokenTotals> {
  const groups = new Map<string, MessageFact[]>();
  for (const m of messages) groups.set(key(m), [...(groups.get(key(m)) ?? []), m]);
  return [...groups]
    .map(
      ([value, group]) =>
        ({ [name]: value, ...tokenTotals(group) }) as Record<K, string> & TokenTotals,
    )
    .sort((a, b) => b.total_tokens - a.total_tokens || compareText(a[name], b[name]));
}

const byTime = <F extends { ts: number; id: string }>(a: F, b: F) => (isLater(a, b) ? 1 : -1);

export function tokensView(family: SessionDigest[]): SessionView {
  const messages = family.flatMap((d) => d.messages);
  const { messages: _, ...totals } = tokenTotals(messages);
  const divisor = totals.tokens_in + totals.tokens_cache_read + totals.tokens_cache_write;
  const byAgent = groupMessages(messages, (m) => m.agent, 'agent');
  const byModel = groupMessages(messages, (m) => m.model, 'model');
  let running = { total_tokens: 0, cost_usd: 0 };
  const cumulative = [...messages].sort(byTime).map((m) => {
    running = {
      total_tokens: running.total_tokens + m.input + m.output + m.cache_read + m.cache_write,
      cost_usd: running.cost_usd + m.cost_usd,
    };
    return { at: iso(m.ts), ...running };
  });
  return {
    summary: { ...totals, cache_hit_ratio: divisor === 0 ? 0 : totals.tokens_cache_read / divisor },
    details: {
      by_agent: byAgent,
      by_model: byModel,
      by_session: family.map((d) => {
        const { messages: __, ...own } = tokenTotals(d.messages);
        return { session_id: d.session_id, depth: d.depth, ...own };
      }),
      unknown_models: [
        ...new Set(messages.filter((m) => m.cost_source === 'unknown_model').map((m) => m.model)),
      ].sort(),
    },
    charts: {
      tokens_by_agent: byAgent.map(({ agent, total_tokens }) => ({ agent, total_tokens })),
      cost_by_model: byModel.map(({ model, cost_usd }) => ({ model, cost_usd })),
      cumulative,
    },
  };
}

const mean = (values: number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
const isEnded = (status: string) => status === 'completed' || status === 'error';

export function toolsView(family: SessionDigest[]): SessionView {
  const calls = toolCallStates(family).sort(
    (a, b) => a.first_seen - b.first_seen || compareText(a.call_id, b.call_id),
  );
  const byTool = costBreakdown(family, calls).by_tool;
  const tools = new Map<string, typeof calls>();
  for (const c of calls) tools.set(c.tool, [...(tools.get(c.tool) ?? []), c]);
  const durations = (list: typeof calls) =>
    list.map((c) => c.duration_ms).filter((d): d is number => d !== null);
  const stats = (list: typeof calls) => {
    const errors = list.filter((c) => c.status === 'error').length;
    const ended = list.filter((c) => isEnded(c.status)).length;
    return {
      calls: list.length,
      errors,
      ended,
      failure_rate: ended === 0 ? 0 : errors / ended,
      avg_duration_ms: mean(durations(list)),
    };
  };
  const rows = [...tools]
    .map(([tool, list]) => ({ tool, ...stats(list), cost_usd: byTool[tool] ?? 0 }))
    .sort((a, b) => b.calls - a.calls || compareText(a.tool, b.tool));
  const all = stats(calls);
  return {
    summary: {
      tool_calls: all.calls,
      unique_tools: tools.size,
      errors: all.errors,
      ended: all.ended,
      tool_failure_rate: all.failure_rate,
      avg_duration_ms: all.avg_duration_ms,
    },
    details: {
      tools: rows,
      calls: calls.map((c) => ({
        session_id: c.session_id,
        call_id: c.call_id,
        tool: c.tool,
        status: c.status,
        agent: c.agent,
        first_seen: iso(c.first_seen),
        last_seen: iso(c.last_seen),
        duration_ms: c.duration_ms,
      })),
    },
    charts: {
      calls_by_tool: rows.map(({ tool }) => {
        const list = tools.get(tool) ?? [];
        const completed = list.filter((c) => c.status === 'completed').length;
        const error = list.filter((c) => c.status === 'error').length;
        return { tool, completed, error, other: list.length - completed - error };
      }),
      timeline: calls.map((c) => ({
        call_id: c.call_id,
        tool: c.tool,
        status: c.status,
        start: iso(c.first_seen),
        end: iso(c.last_seen),
      })),
    },
  };
}

export function filesView(family: SessionDigest[]): SessionView {
  const files = fileStates(family).sort(
    (a, b) => b.risk_rank - a.risk_rank || compareText(a.path, b.path),
  );
  const extensions = new Map<
    string,
    {
      extension: string;
      files: number;
      reads: number;
      writes: number;
      edits: number;
      deletes: number;
    }
  >();
  for (const f of files) {
    const row = extensions.get(f.extension) ?? {
      extension: f.extension,
      files: 0,
      reads: 0,
      writes: 0,
      edits: 0,
      deletes: 0,
    };
    row.files += 1;
    row.reads += f.reads;
    row.writes += f.writes;
    row.edits += f.edits;
    row.deletes += f.deletes;
    extensions.set(f.extension, row);
  }
  const byExtension = [...extensions.values()].sort(
    (a, b) => b.files - a.files || compareText(a.extension, b.extension),
  );
  return {
    summary: {
      files: files.length,
      files_read: files.filter((f) => f.reads > 0).length,
      files_written: files.filter((f) => f.writes + f.edits + f.deletes > 0).length,
      risky_files: files.filter((f) => f.risk_rank >= 3).length,
    },
    details: {
      files: files.map(({ risk_rank, first_seen, last_seen, ...f }) => ({
        ...f,
        risk_level: RISK_LEVELS[risk_rank] ?? '',
        first_seen: iso(first_seen),
        last_seen: iso(last_seen),
      })),
      by_extension: byExtension,
    },
    charts: {
      files_by_type: byExtension.map(({ extension, files: count }) => ({
        extension,
        files: count,
      })),
      files_by_risk: RISK_LEVELS.map((level, rank) => ({
        risk_level: level,
        files: files.filter((f) => f.risk_rank === rank).length,
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

/**
 * Traces nested under their parents. A parent trace id resolves in the trace's own session,
 * else in the nearest ancestor session of the family (a sub-agent session's first trace names
 * the delegating trace of its parent); unresolved, empty or itself makes a root.
 */
function delegationTree(family: SessionDigest[], traces: AgentTraceState[]): TraceNode[] {
  const parentSession = new Map(family.map((d) => [d.session_id, parentOf(d.session_events)]));
  const key = (session: string, trace: string) => `${session}\u0000${trace}`;
  const ordered = [...traces].sort(
    (a, b) =>
      a.first_seen - b.first_seen ||
      compareText(a.trace_id, b.trace_id) ||
      compareText(a.session_id, b.session_id),
  );
  const nodes = new Map(
    ordered.map((t) => [
      key(t.session_id, t.trace_id),
      {
        trace_id: t.trace_id,
        session_id: t.session_id,
        agent: t.agent,
        parent_trace_id: t.parent_trace_id,
        status: t.status,
        started_at: iso(t.started_at),
        ended_at: iso(t.ended_at),
        children: [] as TraceNode[],
      },
    ]),
  );
  const roots: TraceNode[] = [];
  for (const node of nodes.values()) {
    let parent: TraceNode | undefined;
    let session: string | undefined = node.session_id;
    for (let step = 0; node.parent_trace_id !== '' && !parent && session !== undefined; step++) {
      if (step > family.length) break; // a parent_session_id cycle
      parent = nodes.get(key(session, node.parent_trace_id));
      session = parentSession.get(session);
    }
    (parent && parent !== node ? parent.children : roots).push(node);
  }
  return roots;
}

export function agentsView(family: SessionDigest[]): SessionView {
  const messages = family.flatMap((d) => d.messages);
  const calls = toolCallStates(family);
  const traces = agentTraceStates(family);
  const names = agentNames(family);
  const agents = [...names]
    .map((agent) => {
      const own = tokenTotals(messages.filter((m) => m.agent === agent));
      const ownTraces = traces.filter((t) => t.agent === agent);
      return {
        agent,
        messages: own.messages,
        tool_calls: calls.filter((c) => c.agent === agent).length,
        traces: ownTraces.length,
        total_tokens: own.total_tokens,
        cost_usd: own.cost_usd,
        time_ms: ownTraces.reduce(
          (total, t) =>
            total +
            (t.started_at !== null && t.ended_at !== null
              ? t.ended_at - t.started_at
              : t.last_seen - t.first_seen),
          0,
        ),
      };
    })
    .sort((a, b) => b.cost_usd - a.cost_usd || compareText(a.agent, b.agent));
  return {
    summary: {
      agents: names.size,
      traces: traces.length,
      max_delegation_depth: maxDelegationDepth(traces),
    },
    details: { agents, tree: delegationTree(family, traces) },
    charts: {
      cost_by_agent: agents.map(({ agent, cost_usd }) => ({ agent, cost_usd })),
      tokens_by_agent: agents.map(({ agent, total_tokens }) => ({ agent, total_tokens })),
    },
  };
}
