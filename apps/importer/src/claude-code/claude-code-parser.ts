import type { EventInput, MessageEventInput } from '@agentpulse/schema';
import { deterministicId } from '../event-ids';
import type { LineParser, Parsed, RejectedInput } from '../import-source';
import { toolResultEvent, toolUseEvents, type LineContext, type OpenToolCall } from './tool-events';
import {
  contentBlocks,
  contentText,
  count,
  isRecord,
  text,
  truncate,
  type AnthropicUsage,
  type TranscriptLine,
  type TranscriptMessage,
} from './transcript-line';

/** The main agent's name; sub-agents are named after their transcript (`agent-<agentId>`). */
export const MAIN_AGENT = 'main';
const SOURCE = 'claude_code';
const MAX_TITLE = 200;
const MAX_CONTENT = 4_000;
const MAX_OPEN_CALLS = 1_000;
/** User "prompts" that are Claude Code's own bookkeeping, not something the user asked. */
const COMMAND_NOISE =
  /^\s*(<command-name>|<command-message>|<local-command-std|\[Request interrupted)/;

/** Everything a parser remembers between lines; `snapshot()` returns it as plain JSON. */
interface ParserState {
  /** sessions whose session event this file has sent */
  started: string[];
  /** a `summary` line's text seen before any timestamped line */
  summary?: string;
  titled: string[];
  lastTimestamp?: string;
  open: Record<string, OpenToolCall>;
  /** held messages by stream (the main agent or one sub-agent), at most one per stream */
  pending: Record<string, MessageEventInput>;
  /** streams whose held message is complete: its latest entry carried a stop_reason */
  complete: string[];
  traces: string[];
}

const freshState = (): ParserState => ({
  started: [],
  titled: [],
  open: {},
  pending: {},
  complete: [],
  traces: [],
});

/**
 * Turns one Claude Code transcript (a session's `.jsonl` or a sub-agent's) into CONTRACT events.
 * Rules that need memory live in {@link ParserState}: a streamed response writes several entries
 * with the same `message.id` + `requestId`, the early ones with partial output counts, so the
 * message is held until its stream moves on and then sent once with the largest usage; a tool
 * call's start is remembered until its result arrives.
 */
export class ClaudeCodeParser implements LineParser {
  private readonly state: ParserState;

  constructor(
    private readonly file: string,
    state?: unknown,
  ) {
    this.state = isRecord(state) ? { ...freshState(), ...state } : freshState();
  }

  line(raw: string, lineNo: number): Parsed {
    const events: EventInput[] = [];
    const rejected: RejectedInput[] = [];
    if (raw.trim() === '') return { events, rejected };
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch (error) {
      rejected.push({
        file: this.file,
        line: lineNo,
        reason: `not JSON: ${(error as Error).message}`,
      });
      return { events, rejected };
    }
    if (!isRecord(entry)) {
      rejected.push({ file: this.file, line: lineNo, reason: 'not a JSON object' });
      return { events, rejected };
    }
    this.entry(entry as TranscriptLine, events);
    return { events, rejected };
  }

  /**
   * A response's last streamed entry carries its `stop_reason` (the earlier ones have null), so
   * a quiet file releases only responses that ended; one still streaming waits for its final
   * entry, or for `force`.
   */
  settle(force: boolean): EventInput[] {
    const released: EventInput[] = [];
    for (const [stream, event] of Object.entries(this.state.pending)) {
      if (!force && !this.state.complete.includes(stream)) continue;
      released.push(event);
      delete this.state.pending[stream];
    }
    this.state.complete = this.state.complete.filter((stream) => stream in this.state.pending);
    return released;
  }

  get holding(): boolean {
    return Object.keys(this.state.pending).length > 0;
  }

  snapshot(): unknown {
    return this.state;
  }

  private entry(entry: TranscriptLine, out: EventInput[]): void {
    if (entry.type === 'summary') return this.summary(entry, out);
    const sessionId = text(entry.sessionId);
    const timestamp = text(entry.timestamp);
    if (!sessionId || !timestamp) return;
    this.state.lastTimestamp = timestamp;
    const sidechain = entry.isSidechain === true || text(entry.agentId) !== undefined;
    if (!sidechain) this.start(entry, sessionId, timestamp, out);
    const ctx = this.context(sessionId, timestamp, text(entry.agentId), sidechain, out);
    if (entry.type === 'assistant') this.assistant(entry, ctx, out);
    else if (entry.type === 'user') this.user(entry, ctx, sidechain, out);
    else if (entry.type === 'progress') this.progress(entry, sessionId, timestamp, out);
  }

  /** The session's first timestamped line names its directory and start. */
  private start(entry: TranscriptLine, sessionId: string, timestamp: string, out: EventInput[]) {
    if (this.state.started.includes(sessionId)) return;
    this.state.started.push(sessionId);
    const summary = this.state.summary;
    if (summary) this.state.titled.push(sessionId);
    out.push({
      id: deterministicId('cc', sessionId, 'session'),
      type: 'session',
      source: SOURCE,
      session_id: sessionId,
      timestamp,
      started_at: timestamp,
      ...(text(entry.cwd) ? { directory: entry.cwd } : {}),
      ...(summary ? { title: truncate(summary, MAX_TITLE) } : {}),
    });
  }

  /**
   * A `summary` line names the conversation better than its first prompt: sent as a title one
   * millisecond after the latest line so that it wins over the prompt's (titles are latest-wins).
   */
  private summary(entry: TranscriptLine, out: EventInput[]): void {
    const summary = text(entry.summary);
    if (!summary) return;
    const sessionId = this.state.started[0];
    const last = this.state.lastTimestamp;
    if (!sessionId || !last) {
      this.state.summary = summary;
      return;
    }
    this.state.titled.push(sessionId);
    out.push({
      id: deterministicId('cc', sessionId, 'summary', summary),
      type: 'session',
      source: SOURCE,
      session_id: sessionId,
      timestamp: new Date(Date.parse(last) + 1).toISOString(),
      title: truncate(summary, MAX_TITLE),
    });
  }

  /** Sub-agent work stays in the root session, named after its agent and traced once. */
  private context(
    sessionId: string,
    timestamp: string,
    agentId: string | undefined,
    sidechain: boolean,
    out: EventInput[],
  ): LineContext {
    if (!sidechain) return { sessionId, timestamp, agent: MAIN_AGENT };
    const agent = agentId ? `agent-${agentId}` : 'sidechain';
    const traceId = deterministicId('cc-trace', sessionId, agent);
    if (!this.state.traces.includes(traceId)) {
      this.state.traces.push(traceId);
      out.push({
        id: traceId,
        type: 'agent_trace',
        source: SOURCE,
        session_id: sessionId,
        timestamp,
        trace_id: traceId,
        agent,
        parent_agent: MAIN_AGENT,
        started_at: timestamp,
      });
    }
    return { sessionId, timestamp, agent, traceId };
  }

  /**
   * A user entry: tool results and, on the main thread, a prompt. `echo` marks a sub-agent's
   * entry relayed by a progress line, whose results count only for calls this file saw start
   * (the sub-agent's own transcript has the rest, with their tool names).
   */
  private user(
    entry: TranscriptLine,
    ctx: LineContext,
    sidechain: boolean,
    out: EventInput[],
    echo = false,
  ) {
    for (const block of contentBlocks(entry.message?.content)) {
      if (block.type !== 'tool_result') continue;
      const callId = text(block.tool_use_id);
      const open = callId ? this.state.open[callId] : undefined;
      if (echo && !open) continue;
      const ended = toolResultEvent(block, open, ctx);
      if (callId) delete this.state.open[callId];
      if (ended) out.push(ended);
    }
    // A sub-agent's "prompt" is its delegation, already counted as the Task call and trace.
    if (sidechain || entry.isMeta === true || !text(entry.uuid)) return;
    const prompt = contentText(entry.message?.content).trim();
    if (prompt === '' || COMMAND_NOISE.test(prompt)) return;
    out.push({
      id: deterministicId('cc', ctx.sessionId, 'user', entry.uuid as string),
      type: 'message',
      source: SOURCE,
      session_id: ctx.sessionId,
      timestamp: ctx.timestamp,
      message_id: entry.uuid as string,
      role: 'user',
      agent: ctx.agent,
      content: truncate(prompt, MAX_CONTENT),
    });
    if (!this.state.titled.includes(ctx.sessionId)) {
      this.state.titled.push(ctx.sessionId);
      out.push({
        id: deterministicId('cc', ctx.sessionId, 'title'),
        type: 'session',
        source: SOURCE,
        session_id: ctx.sessionId,
        timestamp: ctx.timestamp,
        title: truncate(prompt.replace(/\s+/g, ' '), MAX_TITLE),
      });
    }
  }

  /**
   * One streamed entry of an assistant response. `<synthetic>` entries (Claude Code's own
   * placeholders for interrupted or failed requests, always zero usage) are not model output
   * and are skipped.
   */
  private assistant(entry: TranscriptLine, ctx: LineContext, out: EventInput[]) {
    if (!isRecord(entry.message)) return;
    const message = entry.message as TranscriptMessage;
    if (message.model === '<synthetic>') return;
    const messageId = text(message.id) ?? text(entry.uuid);
    if (!messageId) return;
    for (const block of contentBlocks(message.content)) {
      if (block.type !== 'tool_use') continue;
      const { events, open } = toolUseEvents(block, messageId, ctx);
      out.push(...events);
      if (open) this.remember(open[0], open[1]);
    }
    const id = deterministicId('cc', ctx.sessionId, 'assistant', messageId, entry.requestId ?? '');
    const stream = ctx.traceId ?? MAIN_AGENT;
    const held = this.state.pending[stream];
    if (held && held.id !== id) out.push(held);
    const event = held?.id === id ? held : this.newAssistantMessage(id, messageId, ctx, message);
    mergeUsage(event, message.usage, entry.costUSD);
    const reply = contentText(message.content).trim();
    if (reply)
      event.content = truncate(event.content ? `${event.content}\n${reply}` : reply, MAX_CONTENT);
    this.state.pending[stream] = event;
    const ended = typeof message.stop_reason === 'string' && message.stop_reason !== '';
    const complete = this.state.complete.filter((s) => s !== stream);
    this.state.complete = ended ? [...complete, stream] : complete;
  }

  /**
   * Remembers a started call until its result. Some never get one in this file (a progress
   * echo without its result, a replayed Task call), so only the latest calls are kept: the
   * snapshot stays small however long the session.
   */
  private remember(callId: string, call: OpenToolCall): void {
    this.state.open[callId] = call;
    const ids = Object.keys(this.state.open);
    if (ids.length > MAX_OPEN_CALLS) delete this.state.open[ids[0]];
  }

  private newAssistantMessage(
    id: string,
    messageId: string,
    ctx: LineContext,
    message: TranscriptMessage,
  ): MessageEventInput {
    return {
      id,
      type: 'message',
      source: SOURCE,
      session_id: ctx.sessionId,
      timestamp: ctx.timestamp,
      message_id: messageId,
      role: 'assistant',
      agent: ctx.agent,
      ...(ctx.traceId ? { trace_id: ctx.traceId } : {}),
      ...(text(message.model) ? { model: message.model, provider: 'anthropic' } : {}),
      tokens: { input: 0, output: 0, cache_read: 0, cache_write: 0 },
    };
  }

  /**
   * `progress` lines relay a running sub-agent's entries into the parent transcript; some
   * versions write no sub-agent file, so their usage counts from here (the same ids as the
   * sub-agent file's, so both count once).
   */
  private progress(entry: TranscriptLine, sessionId: string, timestamp: string, out: EventInput[]) {
    const data = entry.data;
    const inner = isRecord(data) ? data.message : undefined;
    if (!isRecord(inner) || data?.type !== 'agent_progress') return;
    const agentId = text(data?.agentId) ?? text(inner.agentId);
    const at = text(inner.timestamp) ?? timestamp;
    const ctx = this.context(sessionId, at, agentId, true, out);
    if (inner.type === 'assistant') this.assistant(inner, ctx, out);
    else if (inner.type === 'user') this.user(inner, ctx, true, out, true);
  }
}

/** Streamed entries report growing counts: the largest of each is the message's final usage. */
function mergeUsage(event: MessageEventInput, usage: AnthropicUsage | undefined, cost: unknown) {
  const tokens = event.tokens ?? {};
  if (isRecord(usage)) {
    tokens.input = Math.max(tokens.input ?? 0, count(usage.input_tokens));
    tokens.output = Math.max(tokens.output ?? 0, count(usage.output_tokens));
    tokens.cache_read = Math.max(tokens.cache_read ?? 0, count(usage.cache_read_input_tokens));
    tokens.cache_write = Math.max(
      tokens.cache_write ?? 0,
      count(usage.cache_creation_input_tokens),
    );
  }
  event.tokens = tokens;
  if (typeof cost === 'number' && Number.isFinite(cost) && cost >= 0)
    event.cost_usd = Math.max(event.cost_usd ?? 0, cost);
}
