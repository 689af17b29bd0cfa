import type { EventType, NormalisedEvent, NormalisedEventOf } from '@agentpulse/schema';

/** The raw table each event type is stored in. */
export const RAW_TABLES = {
  session: 'session_events',
  message: 'messages',
  tool_call: 'tool_calls',
  file_operation: 'file_operations',
  skill_load: 'skill_loads',
  agent_trace: 'agent_traces',
  pipeline: 'pipelines',
  http_request: 'http_requests',
  log: 'logs',
} as const satisfies Record<EventType, string>;
export type RawTable = (typeof RAW_TABLES)[EventType];

export type Row = Record<string, unknown>;

/** JSON columns hold objects; any other JSON value is kept under `value`. */
function jsonColumn(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  return { value };
}

function common(event: NormalisedEvent): Row {
  return {
    project: event.project,
    id: event.id,
    ts: event.ts,
    source: event.source,
    received_at: event.received_at,
  };
}

type RowMapper<T extends EventType> = (event: NormalisedEventOf<T>) => Row;

const MAPPERS: { [T in EventType]: RowMapper<T> } = {
  session: (e) => ({
    ...common(e),
    session_id: e.session_id,
    title: e.title ?? '',
    directory: e.directory ?? '',
    parent_session_id: e.parent_session_id ?? '',
    started_at: e.started_at ?? null,
    ended_at: e.ended_at ?? null,
    status: e.status ?? '',
  }),
  message: (e) => ({
    ...common(e),
    session_id: e.session_id,
    message_id: e.message_id,
    role: e.role,
    agent: e.agent ?? '',
    model: e.model ?? '',
    provider: e.provider ?? '',
    content: e.content ?? '',
    trace_id: e.trace_id ?? '',
    exchange_id: e.exchange_id ?? '',
    tokens_input: e.tokens.input,
    tokens_output: e.tokens.output,
    tokens_reasoning: e.tokens.reasoning,
    tokens_cache_read: e.tokens.cache_read,
    tokens_cache_write: e.tokens.cache_write,
    cost_usd: e.cost_usd,
    cost_source: e.cost_source,
  }),
  tool_call: (e) => ({
    ...common(e),
    session_id: e.session_id,
    call_id: e.call_id,
    tool: e.tool,
    status: e.status,
    agent: e.agent ?? '',
    trace_id: e.trace_id ?? '',
    message_id: e.message_id ?? '',
    arguments: jsonColumn(e.arguments),
    result_summary: e.result_summary ?? '',
    started_at: e.started_at ?? null,
    ended_at: e.ended_at ?? null,
    duration_ms: e.duration_ms ?? null,
    error: jsonColumn(e.error),
  }),
  file_operation: (e) => ({
    ...common(e),
    session_id: e.session_id,
    operation: e.operation,
    path: e.path,
    trace_id: e.trace_id ?? '',
    tool_call_id: e.tool_call_id ?? '',
    risk_level: e.risk?.level ?? '',
    risk_reason: e.risk?.reason ?? '',
  }),
  skill_load: (e) => ({
    ...common(e),
    session_id: e.session_id,
    skill: e.skill,
    duration_ms: e.duration_ms ?? null,
  }),
  agent_trace: (e) => ({
    ...common(e),
    session_id: e.session_id,
    trace_id: e.trace_id,
    agent: e.agent,
    parent_trace_id: e.parent_trace_id ?? '',
    parent_agent: e.parent_agent ?? '',
    child_session_id: e.child_session_id ?? '',
    status: e.status ?? '',
    started_at: e.started_at ?? null,
    ended_at: e.ended_at ?? null,
  }),
  pipeline: (e) => ({
    ...common(e),
    pipeline_id: e.pipeline_id,
    trigger_type: e.trigger_type ?? '',
    trigger_source: e.trigger_source ?? '',
    git_commit_sha: e.git?.commit_sha ?? '',
    git_commit_message: e.git?.commit_message ?? '',
    git_branch: e.git?.branch ?? '',
    git_author: e.git?.author ?? '',
    git_author_email: e.git?.author_email ?? '',
    git_project: e.git?.project ?? '',
    git_files_changed: e.git?.files_changed ?? [],
    environment: e.environment ?? '',
    status: e.status ?? '',
    steps: (e.steps ?? []).map((step) => ({
      name: step.name,
      status: step.status ?? '',
      started_at: step.started_at ?? null,
      duration_ms: step.duration_ms ?? null,
      error: step.error === undefined ? '' : JSON.stringify(step.error),
    })),
  }),
  http_request: (e) => ({
    ...common(e),
    service: e.service,
    method: e.method,
    route: e.route,
    status_code: e.status_code,
    duration_ms: e.duration_ms,
    trace_id: e.trace_id ?? '',
  }),
  log: (e) => ({
    ...common(e),
    service: e.service,
    level: e.level,
    message: e.message,
    fields: jsonColumn(e.fields),
    trace_id: e.trace_id ?? '',
  }),
};

/** Groups a batch's events into rows per raw table, keeping their order. */
export function rowsByTable(events: NormalisedEvent[]): Map<RawTable, Row[]> {
  const tables = new Map<RawTable, Row[]>();
  for (const event of events) {
    const table = RAW_TABLES[event.type];
    const row = (MAPPERS[event.type] as RowMapper<EventType>)(event as never);
    const rows = tables.get(table);
    if (rows) rows.push(row);
    else tables.set(table, [row]);
  }
  return tables;
}
