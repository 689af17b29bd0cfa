import type { EventInput, FileOperationEventInput } from '@agentpulse/schema';
import { deterministicId } from '../event-ids';
import { contentText, isRecord, text, truncate, type ContentBlock } from './transcript-line';

/** Where an event sits: its root session, its time and the agent that did the work. */
export interface LineContext {
  sessionId: string;
  timestamp: string;
  agent: string;
  traceId?: string;
}

/** A tool call seen starting and not yet ended; kept in the parser's snapshot. */
export interface OpenToolCall {
  tool: string;
  startedAt: string;
}

const FILE_OPERATIONS: Record<string, FileOperationEventInput['operation']> = {
  Read: 'read',
  Write: 'write',
  Edit: 'edit',
  MultiEdit: 'edit',
  NotebookEdit: 'edit',
};

const SOURCE = 'claude_code';
/** Tool arguments are kept for context, with long strings (file bodies, diffs) cut short. */
const MAX_ARGUMENT_TEXT = 500;
const MAX_RESULT_SUMMARY = 200;

function abbreviate(value: unknown): unknown {
  if (typeof value === 'string') return truncate(value, MAX_ARGUMENT_TEXT);
  if (Array.isArray(value)) return value.map(abbreviate);
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, abbreviate(v)]));
  return value;
}

/** A `tool_use` block: the call, running, and the file it touches for file tools. */
export function toolUseEvents(
  block: ContentBlock,
  messageId: string | undefined,
  ctx: LineContext,
): { events: EventInput[]; open?: [string, OpenToolCall] } {
  const callId = text(block.id);
  const tool = text(block.name);
  if (!callId || !tool) return { events: [] };
  const events: EventInput[] = [
    {
      id: deterministicId('cc', ctx.sessionId, 'tool', callId, 'running'),
      type: 'tool_call',
      source: SOURCE,
      session_id: ctx.sessionId,
      timestamp: ctx.timestamp,
      call_id: callId,
      tool,
      status: 'running',
      agent: ctx.agent,
      ...(ctx.traceId ? { trace_id: ctx.traceId } : {}),
      ...(messageId ? { message_id: messageId } : {}),
      ...(block.input !== undefined ? { arguments: abbreviate(block.input) } : {}),
      started_at: ctx.timestamp,
    },
  ];
  const operation = FILE_OPERATIONS[tool];
  const input = isRecord(block.input) ? block.input : {};
  const path = text(input.file_path) ?? text(input.notebook_path) ?? text(input.path);
  if (operation && path)
    events.push({
      id: deterministicId('cc', ctx.sessionId, 'file', callId),
      type: 'file_operation',
      source: SOURCE,
      session_id: ctx.sessionId,
      timestamp: ctx.timestamp,
      operation,
      path: truncate(path, 4096),
      tool_call_id: callId,
      ...(ctx.traceId ? { trace_id: ctx.traceId } : {}),
    });
  return { events, open: [callId, { tool, startedAt: ctx.timestamp }] };
}

/** A `tool_result` block: its call completed or failed, with how long it took. */
export function toolResultEvent(
  block: ContentBlock,
  open: OpenToolCall | undefined,
  ctx: LineContext,
): EventInput | undefined {
  const callId = text(block.tool_use_id);
  if (!callId) return undefined;
  const failed = block.is_error === true;
  const summary = truncate(contentText(block.content), MAX_RESULT_SUMMARY);
  const duration = open ? Date.parse(ctx.timestamp) - Date.parse(open.startedAt) : NaN;
  return {
    id: deterministicId('cc', ctx.sessionId, 'tool', callId, 'ended'),
    type: 'tool_call',
    source: SOURCE,
    session_id: ctx.sessionId,
    timestamp: ctx.timestamp,
    call_id: callId,
    tool: open?.tool ?? 'unknown',
    status: failed ? 'error' : 'completed',
    agent: ctx.agent,
    ...(ctx.traceId ? { trace_id: ctx.traceId } : {}),
    ...(open ? { started_at: open.startedAt } : {}),
    ended_at: ctx.timestamp,
    ...(Number.isFinite(duration) && duration >= 0 ? { duration_ms: duration } : {}),
    ...(summary ? { result_summary: summary } : {}),
    ...(failed ? { error: { message: summary || 'tool reported an error' } } : {}),
  };
}
