import type { EventInput } from '@agentpulse/schema';
import { deterministicId } from '../event-ids';
import type { MessageRecord, PartRecord, SessionRecord } from './opencode-records';

const SOURCE = 'opencode';
const MAX_CONTENT = 4000;
const MAX_SUMMARY = 200;

/** OpenCode's file tools and what they do to the file named by `input.filePath`. */
const FILE_TOOLS: Record<string, 'read' | 'write' | 'edit'> = {
  read: 'read',
  write: 'write',
  edit: 'edit',
  multiedit: 'edit',
};

const cut = (value: string, max: number) =>
  value.length <= max ? value : `${value.slice(0, max - 1)}…`;

/** A sub-agent session's agent: its own field, else the `(@name subagent)` OpenCode titles it with. */
function subagentName(session: SessionRecord): string {
  return session.agent ?? /\(@([^\s)]+) subagent\)/.exec(session.title ?? '')?.[1] ?? 'subagent';
}

/**
 * The session, and for a child session (`parentID`) the delegation in its parent. The session
 * event's id includes `time.updated`, so a later title or directory reaches ingest as an update.
 */
export function sessionEvents(session: SessionRecord): EventInput[] {
  const at = session.updated ?? session.created;
  if (at === undefined) return [];
  const events: EventInput[] = [
    {
      id: deterministicId('opencode-session', session.id, at),
      type: 'session',
      source: SOURCE,
      session_id: session.id,
      timestamp: at,
      ...(session.title ? { title: session.title } : {}),
      ...(session.directory ? { directory: session.directory } : {}),
      ...(session.parentID ? { parent_session_id: session.parentID } : {}),
      ...(session.created !== undefined ? { started_at: session.created } : {}),
    },
  ];
  if (session.parentID && session.created !== undefined) {
    events.push({
      id: deterministicId('opencode-delegation', session.id),
      type: 'agent_trace',
      source: SOURCE,
      session_id: session.parentID,
      timestamp: session.created,
      trace_id: deterministicId('opencode-trace', session.id),
      agent: subagentName(session),
      child_session_id: session.id,
      started_at: session.created,
    });
  }
  return events;
}

/**
 * A user message, or an assistant message once it is complete. OpenCode rewrites an
 * assistant message while it streams and ids count first-wins, so one read mid-stream would
 * store partial tokens for good: until `time.completed` (or an error) it yields nothing.
 *
 * Tokens: OpenCode stores `reasoning` apart from `output` (current versions save output minus
 * reasoning, and its own cost charges reasoning at the output price on top of output). Both are
 * billed as output, so `output` here is output + reasoning, with `reasoning` reported as the
 * share of it (CONTRACT.md: reasoning is part of output).
 */
export function messageEvents(message: MessageRecord, content?: string): EventInput[] {
  if (message.created === undefined) return [];
  const complete = message.completed !== undefined || message.failed;
  if (message.role === 'assistant' && !complete) return [];
  const tokens = message.tokens;
  return [
    {
      id: deterministicId('opencode-message', message.id),
      type: 'message',
      source: SOURCE,
      session_id: message.sessionID,
      timestamp: message.created,
      message_id: message.id,
      role: message.role,
      ...(message.agent ? { agent: message.agent } : {}),
      ...(message.modelID ? { model: message.modelID } : {}),
      ...(message.providerID ? { provider: message.providerID } : {}),
      ...(content ? { content: cut(content, MAX_CONTENT) } : {}),
      ...(message.role === 'assistant' && tokens
        ? {
            tokens: {
              input: tokens.input,
              output: tokens.output + tokens.reasoning,
              reasoning: tokens.reasoning,
              cache_read: tokens.cacheRead,
              cache_write: tokens.cacheWrite,
            },
          }
        : {}),
      ...(message.role === 'assistant' && message.cost !== undefined && message.cost >= 0
        ? { cost_usd: message.cost }
        : {}),
    },
  ];
}

/**
 * A tool part as a tool call in the state it was read in (one event per state: a part read
 * running and later completed gives both), and, once a file tool completed, its file operation.
 */
export function partEvents(part: PartRecord): EventInput[] {
  const state = part.state;
  if (part.type !== 'tool' || !state || !part.tool) return [];
  const at = state.end ?? state.start;
  if (at === undefined) return [];
  const callId = part.callID ?? part.id;
  const ended = state.status === 'completed' || state.status === 'error';
  const events: EventInput[] = [
    {
      id: deterministicId('opencode-tool', part.id, state.status),
      type: 'tool_call',
      source: SOURCE,
      session_id: part.sessionID,
      timestamp: at,
      call_id: callId,
      tool: part.tool,
      status: state.status,
      message_id: part.messageID,
      ...(state.input !== undefined ? { arguments: state.input } : {}),
      ...(state.start !== undefined ? { started_at: state.start } : {}),
      ...(ended && state.end !== undefined ? { ended_at: state.end } : {}),
      ...(ended && state.start !== undefined && state.end !== undefined
        ? { duration_ms: Math.max(0, state.end - state.start) }
        : {}),
      ...(state.status === 'completed' && state.title
        ? { result_summary: cut(state.title, MAX_SUMMARY) }
        : {}),
      ...(state.status === 'error' ? { error: { message: state.error ?? 'error' } } : {}),
    },
  ];
  const operation = FILE_TOOLS[part.tool];
  const path = (state.input as { filePath?: unknown } | undefined)?.filePath;
  if (state.status === 'completed' && operation && typeof path === 'string' && path !== '') {
    events.push({
      id: deterministicId('opencode-file', part.id),
      type: 'file_operation',
      source: SOURCE,
      session_id: part.sessionID,
      timestamp: at,
      operation,
      path,
      tool_call_id: callId,
    });
  }
  return events;
}

/** The visible text of a message: its text parts that OpenCode did not add itself, in order. */
export function messageText(parts: PartRecord[]): string | undefined {
  const text = parts
    .filter((p) => p.type === 'text' && !p.synthetic && p.text)
    .map((p) => p.text)
    .join('\n');
  return text === '' ? undefined : text;
}
