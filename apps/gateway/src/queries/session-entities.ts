import {
  isLater,
  type AgentTraceFact,
  type SessionDigest,
  type ToolCallFact,
} from './session-digest';

/** A tool call as its latest reports describe it (docs/kpis.md "latest value"). */
export interface ToolCallState {
  session_id: string;
  call_id: string;
  tool: string;
  status: string;
  agent: string;
  message_id: string;
  trace_id: string;
  first_seen: number;
  last_seen: number;
  /** the latest reported duration, or null */
  duration_ms: number | null;
}

export interface AgentTraceState {
  session_id: string;
  trace_id: string;
  agent: string;
  parent_trace_id: string;
  parent_agent: string;
  child_session_id: string;
  status: string;
  first_seen: number;
  last_seen: number;
  started_at: number | null;
  ended_at: number | null;
}

export interface FileState {
  path: string;
  extension: string;
  reads: number;
  writes: number;
  edits: number;
  deletes: number;
  /** 0 none, 1 low … 4 critical: the highest seen */
  risk_rank: number;
  risk_reason: string;
  first_seen: number;
  last_seen: number;
}

export const RISK_LEVELS = ['', 'low', 'medium', 'high', 'critical'] as const;

type Fact = { ts: number; id: string };

/** Per field, the value of the latest fact that carries a non-empty one. */
class Latest<F extends Fact> {
  private readonly winners = new Map<string, F>();

  offer(field: string, fact: F, present: boolean): void {
    if (!present) return;
    const current = this.winners.get(field);
    if (!current || isLater(fact, current)) this.winners.set(field, fact);
  }

  get(field: string): F | undefined {
    return this.winners.get(field);
  }
}

function groupBy<F>(facts: F[], key: (fact: F) => string): Map<string, F[]> {
  const groups = new Map<string, F[]>();
  for (const fact of facts) {
    const k = key(fact);
    const group = groups.get(k);
    if (group) group.push(fact);
    else groups.set(k, [fact]);
  }
  return groups;
}

export function toolCallStates(family: SessionDigest[]): ToolCallState[] {
  const states: ToolCallState[] = [];
  for (const digest of family)
    for (const [callId, facts] of groupBy(digest.tool_calls, (fact) => fact.call_id)) {
      const latest = new Latest<ToolCallFact>();
      for (const fact of facts) {
        for (const field of ['tool', 'status', 'agent', 'message_id', 'trace_id'] as const)
          latest.offer(field, fact, fact[field] !== '');
        latest.offer('duration_ms', fact, fact.duration_ms >= 0);
      }
      states.push({
        session_id: digest.session_id,
        call_id: callId,
        tool: latest.get('tool')?.tool ?? '',
        status: latest.get('status')?.status ?? '',
        agent: latest.get('agent')?.agent ?? '',
        message_id: latest.get('message_id')?.message_id ?? '',
        trace_id: latest.get('trace_id')?.trace_id ?? '',
        first_seen: Math.min(...facts.map((fact) => fact.ts)),
        last_seen: Math.max(...facts.map((fact) => fact.ts)),
        duration_ms: latest.get('duration_ms')?.duration_ms ?? null,
      });
    }
  return states;
}

export function agentTraceStates(family: SessionDigest[]): AgentTraceState[] {
  const states: AgentTraceState[] = [];
  for (const digest of family)
    for (const [traceId, facts] of groupBy(digest.agent_traces, (fact) => fact.trace_id)) {
      const latest = new Latest<AgentTraceFact>();
      for (const fact of facts)
        for (const field of [
          'agent',
          'parent_trace_id',
          'parent_agent',
          'child_session_id',
          'status',
        ] as const)
          latest.offer(field, fact, fact[field] !== '');
      const started = facts.map((fact) => fact.started_at).filter((t) => t >= 0);
      const ended = facts.map((fact) => fact.ended_at).filter((t) => t >= 0);
      states.push({
        session_id: digest.session_id,
        trace_id: traceId,
        agent: latest.get('agent')?.agent ?? '',
        parent_trace_id: latest.get('parent_trace_id')?.parent_trace_id ?? '',
        parent_agent: latest.get('parent_agent')?.parent_agent ?? '',
        child_session_id: latest.get('child_session_id')?.child_session_id ?? '',
        status: latest.get('status')?.status ?? '',
        first_seen: Math.min(...facts.map((fact) => fact.ts)),
        last_seen: Math.max(...facts.map((fact) => fact.ts)),
        started_at: started.length > 0 ? Math.min(...started) : null,
        ended_at: ended.length > 0 ? Math.max(...ended) : null,
      });
    }
  return states;
}

/** Files of the whole family by path: operation counts and the highest risk seen. */
export function fileStates(family: SessionDigest[]): FileState[] {
  const files = new Map<string, FileState & { riskFact?: Fact }>();
  for (const digest of family)
    for (const fact of digest.file_operations) {
      let file = files.get(fact.path);
      if (!file) {
        file = {
          path: fact.path,
          extension: extensionOf(fact.path),
          reads: 0,
          writes: 0,
          edits: 0,
          deletes: 0,
          risk_rank: 0,
          risk_reason: '',
          first_seen: fact.ts,
          last_seen: fact.ts,
        };
        files.set(fact.path, file);
      }
      if (fact.operation === 'read') file.reads += 1;
      else if (fact.operation === 'write') file.writes += 1;
      else if (fact.operation === 'edit') file.edits += 1;
      else if (fact.operation === 'delete') file.deletes += 1;
      file.first_seen = Math.min(file.first_seen, fact.ts);
      file.last_seen = Math.max(file.last_seen, fact.ts);
      // the highest rank reported, and the latest non-empty reason given at that rank
      if (fact.risk_rank > file.risk_rank) {
        file.risk_rank = fact.risk_rank;
        file.risk_reason = '';
        file.riskFact = undefined;
      }
      const reasonIsLater = !file.riskFact || isLater(fact, file.riskFact);
      if (fact.risk_rank === file.risk_rank && fact.risk_reason !== '' && reasonIsLater) {
        file.risk_reason = fact.risk_reason;
        file.riskFact = fact;
      }
    }
  return [...files.values()].map(({ riskFact: _, ...file }) => file);
}

/** The lower-cased extension without its dot: 1–10 ASCII letters or digits ending the path. */
export function extensionOf(path: string): string {
  return /\.([A-Za-z0-9]{1,10})$/.exec(path)?.[1].toLowerCase() ?? '';
}
