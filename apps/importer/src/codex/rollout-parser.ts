import { basename } from 'node:path';
import type { EventInput } from '@agentpulse/schema';
import { deterministicId } from '../event-ids';
import type { LineParser, Parsed } from '../import-source';
import { parseArguments, patchedFiles, readOutput } from './rollout-tools';
import {
  type RawUsage,
  isEmptyUsage,
  readUsage,
  sameUsage,
  subtractUsage,
  toContractTokens,
  usageKey,
  wentBack,
} from './rollout-usage';

/**
 * A forked rollout starts with history copied from its parent, written in one burst when the
 * fork is created (with the fork's timestamp, or the original ones — both no later than the
 * fork's `session_meta`). Lines up to this long after the fork's `session_meta` are taken as
 * that copy; the fork's own first request needs a model round trip and comes later.
 */
export const REPLAY_BURST_MS = 1000;

const SOURCE = 'codex';
const MAX_CONTENT = 4000;
const MAX_SUMMARY = 200;

/** A tool call seen started and not yet ended (kept across lines and restarts). */
interface OpenCall {
  tool: string;
  startedAt: number;
  arguments?: unknown;
}

/** Everything the parser carries between lines; JSON so a checkpoint can hold it. */
export interface RolloutState {
  sessionId: string;
  ownMetaSeen: boolean;
  provider?: string;
  model?: string;
  /** the last cumulative counter reading, replayed or not: the base of the next difference */
  previousTotal?: RawUsage;
  /** set while reading copied parent history: lines up to this time (epoch ms) are replay */
  replayUntil?: number;
  openCalls: Record<string, OpenCall>;
  /** the assistant's latest text, given to the next usage message as its content */
  pendingText?: string;
}

type Line = { timestamp?: unknown; type?: unknown; payload?: unknown };
type Payload = Record<string, unknown>;

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

const cut = (value: string, max: number) =>
  value.length <= max ? value : `${value.slice(0, max - 1)}…`;

/** The session id in a rollout's name (`rollout-<time>-<uuid>.jsonl`), used until its meta line. */
export function sessionIdFromFile(file: string): string {
  const name = basename(file).replace(/\.jsonl$/, '');
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.exec(name);
  return uuid ? uuid[0] : name;
}

/**
 * Reads one Codex rollout (`sessions/YYYY/MM/DD/rollout-*.jsonl`) line by line into events:
 * the session, user prompts, one assistant message per model request (with that request's
 * tokens), tool calls with their outcome and the files `apply_patch` changed.
 */
export class RolloutParser implements LineParser {
  private readonly state: RolloutState;

  constructor(
    private readonly file: string,
    state?: RolloutState,
  ) {
    this.state = state
      ? (JSON.parse(JSON.stringify(state)) as RolloutState)
      : { sessionId: sessionIdFromFile(file), ownMetaSeen: false, openCalls: {} };
  }

  line(text: string, lineNo: number): Parsed {
    if (text.trim() === '') return { events: [], rejected: [] };
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch (error) {
      return this.reject(lineNo, `not JSON: ${(error as Error).message}`);
    }
    if (typeof line !== 'object' || line === null || Array.isArray(line)) {
      return this.reject(lineNo, 'not a JSON object');
    }
    const payload = line.payload;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return this.reject(lineNo, `${String(line.type)} line without a payload object`);
    }
    const ts = typeof line.timestamp === 'string' ? Date.parse(line.timestamp) : NaN;
    if (Number.isNaN(ts)) return this.reject(lineNo, 'no valid timestamp');
    return { events: this.read(String(line.type), payload as Payload, ts), rejected: [] };
  }

  /** Every event is released as soon as its line is read: nothing is held back. */
  settle(): EventInput[] {
    return [];
  }

  readonly holding = false;

  snapshot(): RolloutState {
    return JSON.parse(JSON.stringify(this.state)) as RolloutState;
  }

  private reject(line: number, reason: string): Parsed {
    return { events: [], rejected: [{ file: this.file, line, reason }] };
  }

  private read(type: string, payload: Payload, ts: number): EventInput[] {
    if (type === 'session_meta') return this.sessionMeta(payload, ts);
    if (this.inReplay(ts)) {
      if (type === 'event_msg' && payload.type === 'token_count') this.countTokens(payload);
      return [];
    }
    if (type === 'turn_context') {
      this.state.model = str(payload.model) ?? this.state.model;
      return [];
    }
    if (type === 'event_msg') return this.eventMsg(payload, ts);
    if (type === 'response_item') return this.responseItem(payload, ts);
    return [];
  }

  private inReplay(ts: number): boolean {
    const until = this.state.replayUntil;
    if (until === undefined) return false;
    if (ts <= until) return true;
    this.state.replayUntil = undefined;
    return false;
  }

  private sessionMeta(payload: Payload, ts: number): EventInput[] {
    const id = str(payload.id);
    if (this.state.ownMetaSeen) {
      // A second meta line of another thread: the parent's history copied into this fork.
      if (id && id !== this.state.sessionId) this.state.replayUntil ??= ts + REPLAY_BURST_MS;
      return [];
    }
    this.state.ownMetaSeen = true;
    if (id) this.state.sessionId = id;
    this.state.provider = str(payload.model_provider);
    if (str(payload.forked_from_id)) this.state.replayUntil = ts + REPLAY_BURST_MS;
    const startedAt = str(payload.timestamp) ?? new Date(ts).toISOString();
    const spawn = subagentSpawn(payload.source);
    const parent = str(spawn?.parent_thread_id);
    const events: EventInput[] = [
      {
        id: deterministicId('codex-session', this.state.sessionId),
        type: 'session',
        source: SOURCE,
        session_id: this.state.sessionId,
        timestamp: ts,
        started_at: startedAt,
        ...(str(payload.cwd) ? { directory: str(payload.cwd) } : {}),
        ...(parent ? { parent_session_id: parent } : {}),
      },
    ];
    if (parent) {
      // A sub-agent thread: the delegation is recorded in the thread that spawned it.
      events.push({
        id: deterministicId('codex-delegation', this.state.sessionId),
        type: 'agent_trace',
        source: SOURCE,
        session_id: parent,
        timestamp: ts,
        trace_id: deterministicId('codex-trace', this.state.sessionId),
        agent:
          str(payload.agent_role) ??
          str(spawn?.agent_role) ??
          str(payload.agent_nickname) ??
          str(spawn?.agent_nickname) ??
          'subagent',
        child_session_id: this.state.sessionId,
        started_at: startedAt,
      });
    }
    return events;
  }

  private eventMsg(payload: Payload, ts: number): EventInput[] {
    const sessionId = this.state.sessionId;
    switch (payload.type) {
      case 'user_message': {
        const message = typeof payload.message === 'string' ? payload.message : '';
        return [
          {
            id: deterministicId('codex-user', sessionId, ts, message),
            type: 'message',
            source: SOURCE,
            session_id: sessionId,
            timestamp: ts,
            message_id: deterministicId('codex-user-msg', sessionId, ts, message),
            role: 'user',
            content: cut(message, MAX_CONTENT),
          },
        ];
      }
      case 'agent_message':
        this.state.pendingText = str(payload.message) ?? this.state.pendingText;
        return [];
      case 'token_count':
        return this.usageMessage(payload, ts);
      default:
        return [];
    }
  }

  /**
   * The usage of one model request, or nothing when the reading is a repeat or a replay.
   * Returns the request's usage: `last_token_usage` when the cumulative total moved (or
   * restarted), else the difference of totals.
   */
  private countTokens(payload: Payload): { usage: RawUsage; key: string } | undefined {
    const info = payload.info as { total_token_usage?: unknown; last_token_usage?: unknown };
    if (typeof info !== 'object' || info === null) return undefined;
    const total = readUsage(info.total_token_usage);
    const last = readUsage(info.last_token_usage);
    const previous = this.state.previousTotal;
    if (!total) return last ? { usage: last, key: `last:${usageKey(last)}` } : undefined;
    this.state.previousTotal = total;
    if (previous && sameUsage(total, previous)) return undefined;
    const restarted = previous !== undefined && wentBack(total, previous);
    const usage = last ?? (previous && !restarted ? subtractUsage(total, previous) : total);
    return { usage, key: usageKey(total) };
  }

  private usageMessage(payload: Payload, ts: number): EventInput[] {
    const counted = this.countTokens(payload);
    if (!counted || isEmptyUsage(counted.usage)) return [];
    const sessionId = this.state.sessionId;
    const content = this.state.pendingText;
    this.state.pendingText = undefined;
    const id = deterministicId('codex-usage', sessionId, counted.key);
    return [
      {
        id,
        type: 'message',
        source: SOURCE,
        session_id: sessionId,
        timestamp: ts,
        message_id: id,
        role: 'assistant',
        ...(this.state.model ? { model: this.state.model } : {}),
        ...(this.state.provider ? { provider: this.state.provider } : {}),
        ...(content ? { content: cut(content, MAX_CONTENT) } : {}),
        tokens: toContractTokens(counted.usage),
      },
    ];
  }

  private responseItem(payload: Payload, ts: number): EventInput[] {
    const callId = str(payload.call_id);
    if (!callId) return [];
    switch (payload.type) {
      case 'function_call':
      case 'custom_tool_call':
      case 'local_shell_call':
        return this.callStarted(callId, payload, ts);
      case 'function_call_output':
      case 'custom_tool_call_output':
        return this.callEnded(callId, payload.output, ts);
      default:
        return [];
    }
  }

  private callStarted(callId: string, payload: Payload, ts: number): EventInput[] {
    const tool = str(payload.name) ?? (payload.type === 'local_shell_call' ? 'shell' : 'unknown');
    const args = parseArguments(payload.arguments ?? payload.input ?? payload.action);
    this.state.openCalls[callId] = { tool, startedAt: ts, arguments: args };
    return [this.toolCall(callId, tool, 'running', ts, { arguments: args, started_at: ts })];
  }

  private callEnded(callId: string, output: unknown, ts: number): EventInput[] {
    const call = this.state.openCalls[callId];
    if (!call) return [];
    delete this.state.openCalls[callId];
    const { text, failed } = readOutput(output);
    const status = failed ? 'error' : 'completed';
    const events: EventInput[] = [
      this.toolCall(callId, call.tool, status, ts, {
        arguments: call.arguments,
        started_at: call.startedAt,
        ended_at: ts,
        duration_ms: Math.max(0, ts - call.startedAt),
        ...(text ? { result_summary: cut(text, MAX_SUMMARY) } : {}),
        ...(failed ? { error: { message: cut(text, MAX_SUMMARY) } } : {}),
      }),
    ];
    if (failed) return events;
    for (const file of patchedFiles(call.tool, call.arguments)) {
      events.push({
        id: deterministicId('codex-file', this.state.sessionId, callId, file.operation, file.path),
        type: 'file_operation',
        source: SOURCE,
        session_id: this.state.sessionId,
        timestamp: ts,
        operation: file.operation,
        path: file.path,
        tool_call_id: callId,
      });
    }
    return events;
  }

  private toolCall(
    callId: string,
    tool: string,
    status: 'running' | 'completed' | 'error',
    ts: number,
    fields: Partial<Extract<EventInput, { type: 'tool_call' }>>,
  ): EventInput {
    return {
      id: deterministicId('codex-tool', this.state.sessionId, callId, status),
      type: 'tool_call',
      source: SOURCE,
      session_id: this.state.sessionId,
      timestamp: ts,
      call_id: callId,
      tool,
      status,
      ...fields,
    };
  }
}

/** How a sub-agent rollout was spawned (`source.subagent.thread_spawn`), if it was. */
function subagentSpawn(source: unknown): Record<string, unknown> | undefined {
  const spawn = (source as { subagent?: { thread_spawn?: unknown } } | undefined)?.subagent
    ?.thread_spawn;
  return typeof spawn === 'object' && spawn !== null
    ? (spawn as Record<string, unknown>)
    : undefined;
}
