import { queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';

/** Times are epoch ms; -1 means "not reported" (migration 0006). */
export interface SessionEventFact {
  ts: number;
  id: string;
  title: string;
  directory: string;
  parent_session_id: string;
  status: string;
  started_at: number;
  ended_at: number;
}

export interface MessageFact {
  ts: number;
  id: string;
  message_id: string;
  role: string;
  agent: string;
  model: string;
  provider: string;
  input: number;
  output: number;
  reasoning: number;
  cache_read: number;
  cache_write: number;
  cost_usd: number;
  cost_source: string;
}

export interface ToolCallFact {
  ts: number;
  id: string;
  call_id: string;
  tool: string;
  status: string;
  agent: string;
  message_id: string;
  trace_id: string;
  duration_ms: number;
  started_at: number;
  ended_at: number;
}

export interface FileOperationFact {
  ts: number;
  id: string;
  operation: string;
  path: string;
  risk_rank: number;
  risk_reason: string;
}

export interface SkillLoadFact {
  ts: number;
  id: string;
  skill: string;
  duration_ms: number;
}

export interface AgentTraceFact {
  ts: number;
  id: string;
  trace_id: string;
  agent: string;
  parent_trace_id: string;
  parent_agent: string;
  child_session_id: string;
  status: string;
  started_at: number;
  ended_at: number;
}

/** One session's events, as the session_digest table keeps them. */
export interface SessionDigest {
  session_id: string;
  /** generation below the session asked for (0 for itself) */
  depth: number;
  session_events: SessionEventFact[];
  messages: MessageFact[];
  tool_calls: ToolCallFact[];
  file_operations: FileOperationFact[];
  skill_loads: SkillLoadFact[];
  agent_traces: AgentTraceFact[];
}

interface DigestRow {
  session_id: string;
  facts: string[];
  children: string[];
}

type Layout<T> = ReadonlyArray<readonly [keyof T, 'n' | 's']>;

/** Decodes a fact array (after its kind) by the layouts of migration 0006. */
function decoder<T>(layout: Layout<T>): (fact: unknown[]) => T {
  return (fact) => {
    const decoded = {} as Record<keyof T, unknown>;
    // numbers may arrive quoted (64-bit integers, depending on the server's JSON settings)
    layout.forEach(([name, kind], index) => {
      const value = fact[index + 1];
      decoded[name] = kind === 'n' ? Number(value) : String(value);
    });
    return decoded as T;
  };
}

const ENVELOPE = [
  ['ts', 'n'],
  ['id', 's'],
] as const;
const decoders = {
  s: decoder<SessionEventFact>([
    ...ENVELOPE,
    ['title', 's'],
    ['directory', 's'],
    ['parent_session_id', 's'],
    ['status', 's'],
    ['started_at', 'n'],
    ['ended_at', 'n'],
  ]),
  m: decoder<MessageFact>([
    ...ENVELOPE,
    ['message_id', 's'],
    ['role', 's'],
    ['agent', 's'],
    ['model', 's'],
    ['provider', 's'],
    ['input', 'n'],
    ['output', 'n'],
    ['reasoning', 'n'],
    ['cache_read', 'n'],
    ['cache_write', 'n'],
    ['cost_usd', 'n'],
    ['cost_source', 's'],
  ]),
  c: decoder<ToolCallFact>([
    ...ENVELOPE,
    ['call_id', 's'],
    ['tool', 's'],
    ['status', 's'],
    ['agent', 's'],
    ['message_id', 's'],
    ['trace_id', 's'],
    ['duration_ms', 'n'],
    ['started_at', 'n'],
    ['ended_at', 'n'],
  ]),
  f: decoder<FileOperationFact>([
    ...ENVELOPE,
    ['operation', 's'],
    ['path', 's'],
    ['risk_rank', 'n'],
    ['risk_reason', 's'],
  ]),
  k: decoder<SkillLoadFact>([...ENVELOPE, ['skill', 's'], ['duration_ms', 'n']]),
  t: decoder<AgentTraceFact>([
    ...ENVELOPE,
    ['trace_id', 's'],
    ['agent', 's'],
    ['parent_trace_id', 's'],
    ['parent_agent', 's'],
    ['child_session_id', 's'],
    ['status', 's'],
    ['started_at', 'n'],
    ['ended_at', 'n'],
  ]),
};

/** How many generations below a session are followed; deeper descendants are not counted. */
const MAX_GENERATIONS = 32;

/**
 * Orders texts by UTF-16 code units, as the stored ids and paths compare in sorting keys (not
 * by locale: `README.md` before `docs/`, `tsconfig.json` before `~/.ssh`).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The latest of several facts by (time, id): the order every "latest value" follows. */
export function isLater(a: { ts: number; id: string }, b: { ts: number; id: string }): boolean {
  return a.ts > b.ts || (a.ts === b.ts && a.id > b.id);
}

/** The session's current parent: the latest non-empty parent_session_id of its session events. */
export function parentOf(events: SessionEventFact[]): string {
  let latest: SessionEventFact | undefined;
  for (const event of events)
    if (event.parent_session_id !== '' && (!latest || isLater(event, latest))) latest = event;
  return latest?.parent_session_id ?? '';
}

/**
 * The digests of a session and its descendants through `parent_session_id`, or undefined when
 * the project has no events for that session. Each read fetches a generation together with
 * the next one (its candidate children, through a subquery on the same sorting key), so a
 * session with child sessions costs one engine call, like one without. A candidate child is
 * kept only if its current parent is the session that names it.
 */
export async function readSessionFamily(
  client: ClickHouseClient,
  database: string,
  project: string,
  sessionId: string,
): Promise<SessionDigest[] | undefined> {
  const family: SessionDigest[] = [];
  const fetched = new Map<string, DigestRow>();
  const seen = new Set<string>();
  let frontier = new Map([[sessionId, '']]);
  for (let depth = 0; frontier.size > 0 && depth <= MAX_GENERATIONS; depth++) {
    const missing = [...frontier.keys()].filter((id) => !fetched.has(id));
    if (missing.length > 0)
      for (const row of await readWithChildren(client, database, project, missing))
        fetched.set(row.session_id, row);
    const next = new Map<string, string>();
    // a generation in session id order, so every view lists the family the same way
    const generation = [...frontier].sort(([a], [b]) => compareText(a, b));
    for (const [id, parent] of generation) {
      const row = fetched.get(id);
      if (!row || seen.has(id)) continue;
      const digest = toDigest(row, depth);
      const belongs = depth === 0 || parentOf(digest.session_events) === parent;
      if (eventCount(digest) === 0 || !belongs) continue;
      seen.add(id);
      family.push(digest);
      for (const child of row.children) if (!seen.has(child)) next.set(child, id);
    }
    if (depth === 0 && family.length === 0) return undefined;
    frontier = next;
  }
  return family;
}

/** The rows of `ids` and of the sessions their rows name as children. */
function readWithChildren(
  client: ClickHouseClient,
  database: string,
  project: string,
  ids: string[],
): Promise<DigestRow[]> {
  return queryRows<DigestRow>(
    client,
    `SELECT session_id, groupArrayArray(facts) AS facts,
       groupUniqArrayArray(children) AS children
     FROM ${database}.session_digest
     WHERE project = {project:String} AND session_id IN (
       SELECT arrayJoin(arrayConcat({ids:Array(String)}, groupUniqArrayArray(children)))
       FROM ${database}.session_digest
       WHERE project = {project:String} AND session_id IN {ids:Array(String)})
     GROUP BY session_id`,
    { project, ids },
  );
}

function toDigest(row: DigestRow, depth: number): SessionDigest {
  const digest: SessionDigest = {
    session_id: row.session_id,
    depth,
    session_events: [],
    messages: [],
    tool_calls: [],
    file_operations: [],
    skill_loads: [],
    agent_traces: [],
  };
  for (const text of row.facts) {
    const fact = JSON.parse(text) as unknown[];
    switch (fact[0]) {
      case 's':
        digest.session_events.push(decoders.s(fact));
        break;
      case 'm':
        digest.messages.push(decoders.m(fact));
        break;
      case 'c':
        digest.tool_calls.push(decoders.c(fact));
        break;
      case 'f':
        digest.file_operations.push(decoders.f(fact));
        break;
      case 'k':
        digest.skill_loads.push(decoders.k(fact));
        break;
      case 't':
        digest.agent_traces.push(decoders.t(fact));
        break;
      default:
        throw new Error(`session_digest: unknown fact kind ${JSON.stringify(fact[0])}`);
    }
  }
  return digest;
}

export function eventCount(digest: SessionDigest): number {
  return (
    digest.session_events.length +
    digest.messages.length +
    digest.tool_calls.length +
    digest.file_operations.length +
    digest.skill_loads.length +
    digest.agent_traces.length
  );
}
