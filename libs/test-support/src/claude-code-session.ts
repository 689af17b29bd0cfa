import type { TranscriptText } from './claude-code-corpus';
import { ToolCalls, type ToolCall } from './claude-code-tools';
import type {
  ClaudeCodeMessageTruth,
  ClaudeCodeSessionTruth,
  ClaudeCodeTokens,
  ClaudeCodeTreeOptions,
} from './claude-code-tree';
import type { SeededRandom } from './seeded-random';
import { expectedMessageCost } from './summary-ground-truth';

/**
 * Writes one Claude Code session (its main transcript, sub-agent transcripts and the progress
 * lines that carry sub-agent work) line by line, and records every choice it makes into the
 * session's truth. Nothing here parses what it wrote.
 */

/** Receives lines by file (relative to `projects/`); returns the line's 1-based number. */
export interface LineSink {
  write(file: string, line: string): number;
}

type Json = Record<string, unknown>;
type Style = 'compact' | 'spaced' | 'reordered';

interface Thread {
  /** transcript file, or null for a sub-agent seen only through parent progress lines */
  file: string | null;
  agentId?: string;
  agentType?: string;
  prompt?: string;
  taskToolUseId?: string;
  lastUuid: string | null;
  context: number;
}

const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805'];
const SUBAGENT_MODEL = 'claude-haiku-4-5-20251001';
const VERSIONS = ['2.0.14', '2.0.37', '2.1.9'];
const BRANCHES = ['main', 'feature/import', 'fix/cursor', 'HEAD'];

export class SessionWriter {
  readonly truth: ClaudeCodeSessionTruth;
  private now: number;
  private readonly main: Thread;
  private readonly version: string;
  private readonly gitBranch: string;
  private readonly model: string;
  private readonly filesRead = new Set<string>();
  private readonly filesWritten = new Set<string>();
  /** messages written as spaced JSON: their replays and progress echoes are spaced too */
  private readonly spacedIds = new Set<string>();
  private readonly tools: ToolCalls;

  constructor(
    private readonly random: SeededRandom,
    private readonly text: TranscriptText,
    private readonly options: Required<ClaudeCodeTreeOptions>,
    private readonly sink: LineSink,
    project: { dir: string; cwd: string },
    start: number,
  ) {
    const sessionId = text.uuid();
    this.now = start;
    this.version = random.pick(VERSIONS);
    this.gitBranch = random.pick(BRANCHES);
    this.model = random.pick(MODELS);
    this.main = { file: `${project.dir}/${sessionId}.jsonl`, lastUuid: null, context: 0 };
    this.tools = new ToolCalls(random, text, project.cwd, options);
    this.truth = {
      sessionId,
      projectDir: project.dir,
      cwd: project.cwd,
      files: [this.main.file as string],
      tokens: zero(),
      spacedTokens: zero(),
      progressOnlyTokens: zero(),
      sidechainFileTokens: zero(),
      cost_usd: 0,
      messages_assistant: 0,
      prompts: 0,
      subagent_prompts: 0,
      tool_calls: 0,
      tool_errors: 0,
      files_read: [],
      files_written: [],
      agents: [],
      models: [],
      first_timestamp: new Date(start).toISOString(),
      last_timestamp: '',
      messages: [],
    };
  }

  /** Writes the whole session; `malformed` adds one truncated line after the first prompt. */
  run(malformed: boolean): ClaudeCodeSessionTruth {
    if (this.random.chance(0.3)) {
      this.line(
        this.main.file,
        { type: 'summary', summary: this.text.sentence(5), leafUuid: this.text.uuid() },
        'compact',
      );
    }
    const [minTurns, maxTurns] = this.options.turns;
    const turns = this.random.int(minTurns, maxTurns);
    for (let turn = 0; turn < turns; turn += 1) {
      const promptLine = this.prompt(this.main, this.text.prompt());
      if (malformed && turn === 0) {
        const at = this.sink.write(
          this.main.file as string,
          promptLine.slice(0, Math.floor(promptLine.length * 0.6)),
        );
        this.truth.malformed = { file: this.main.file as string, line: at };
      }
      if (this.random.chance(0.1)) this.system();
      this.exchange(this.main);
      this.tick(5_000, this.random.chance(0.15) ? 1_200_000 : 90_000);
    }
    this.truth.files_read = [...this.filesRead].sort();
    this.truth.files_written = [...this.filesWritten].sort();
    this.truth.last_timestamp = new Date(this.now).toISOString();
    return this.truth;
  }

  /** Assistant steps with tool calls until a step answers with text only. */
  private exchange(thread: Thread): void {
    const steps = this.random.int(1, thread.agentId ? 4 : this.options.maxSteps);
    for (let step = 0; step < steps; step += 1) {
      const last = step === steps - 1;
      const calls: ToolCall[] = [];
      const count = last ? 0 : this.random.int(1, 2);
      for (let c = 0; c < count; c += 1) calls.push(this.tools.call(!thread.agentId));
      const blocks: Json[] = [];
      if (this.random.chance(0.3))
        blocks.push({
          type: 'thinking',
          thinking: this.text.sentence(30),
          signature: this.text.base62(64),
        });
      if (last || this.random.chance(0.6))
        blocks.push({ type: 'text', text: this.text.sentence(this.random.int(8, 60)) });
      for (const call of calls)
        blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input });
      const finalEntry = this.assistant(thread, blocks, last ? 'end_turn' : 'tool_use');
      for (const call of calls) this.toolResult(thread, call, finalEntry);
    }
  }

  /** One API response, streamed: one entry per content block, the last with the final usage. */
  private assistant(thread: Thread, blocks: Json[], stopReason: string): Json {
    const model = thread.agentId ? SUBAGENT_MODEL : this.model;
    const id = this.text.messageId();
    const requestId = this.text.requestId();
    const first = thread.context === 0;
    const cacheWrite = first ? this.random.int(8_000, 20_000) : this.random.int(100, 6_000);
    const tokens: ClaudeCodeTokens = {
      input: first
        ? this.random.int(3, 12)
        : this.random.chance(0.1)
          ? this.random.int(100, 3_000)
          : this.random.int(1, 10),
      output: this.random.int(20, 2_500),
      cache_read: Math.min(thread.context, 150_000),
      cache_write: cacheWrite,
    };
    thread.context =
      thread.context > 150_000 ? 30_000 : thread.context + cacheWrite + tokens.output;
    const origin: ClaudeCodeMessageTruth['origin'] = !thread.agentId
      ? 'main'
      : thread.file
        ? 'subagent-file'
        : 'progress-only';
    const spaced = this.random.chance(this.options.spacedUsageShare);
    if (spaced) this.spacedIds.add(id);
    this.record({ id, requestId, model, tokens, origin, spaced, agentId: thread.agentId });
    const echo = this.echoes(thread);
    let partial = 0;
    let entry: Json = {};
    blocks.forEach((block, index) => {
      const final = index === blocks.length - 1;
      partial = final
        ? tokens.output
        : this.random.int(partial + 1, Math.max(partial + 1, Math.floor(tokens.output / 2)));
      const usage = {
        input_tokens: tokens.input,
        cache_creation_input_tokens: tokens.cache_write,
        cache_read_input_tokens: tokens.cache_read,
        cache_creation: {
          ephemeral_5m_input_tokens: tokens.cache_write,
          ephemeral_1h_input_tokens: 0,
        },
        output_tokens: partial,
        service_tier: 'standard',
      };
      const message = {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [block],
        stop_reason: final ? stopReason : null,
        stop_sequence: null,
        usage,
      };
      entry = this.entry(thread, 'assistant', { message, requestId });
      this.tick(50, 1_500);
      this.emit(thread, entry, spaced ? 'spaced' : this.style(false), echo);
    });
    return entry;
  }

  private toolResult(thread: Thread, call: ToolCall, issuedBy: Json): void {
    this.truth.tool_calls += 1;
    if (call.name === 'Task') return this.subagent(thread, call, issuedBy);
    if (this.random.chance(0.25) && !thread.agentId) this.hook(thread, call);
    const failed = this.random.chance(this.options.toolErrorShare);
    const { content, result, read, written } = this.tools.outcome(call, failed);
    if (failed) this.truth.tool_errors += 1;
    if (read) this.filesRead.add(read);
    if (written) this.filesWritten.add(written);
    const block: Json = { tool_use_id: call.id, type: 'tool_result', content };
    if (failed) block.is_error = true;
    this.tick(100, 8_000);
    this.emit(
      thread,
      this.entry(thread, 'user', {
        message: { role: 'user', content: [block] },
        toolUseResult: result,
      }),
      this.style(true),
    );
  }

  /** A Task call: the sub-agent's own transcript, or its work only inside parent progress lines. */
  private subagent(parent: Thread, call: ToolCall, issuedBy: Json): void {
    const agentId = this.text.hex(7);
    const progressOnly = this.random.chance(this.options.progressOnlyShare);
    const file = progressOnly
      ? null
      : `${this.truth.projectDir}/${this.truth.sessionId}/subagents/agent-${agentId}.jsonl`;
    const agentType = call.input.subagent_type as string;
    const agent: Thread = {
      file,
      agentId,
      agentType,
      prompt: call.input.prompt as string,
      taskToolUseId: call.id,
      lastUuid: null,
      context: 0,
    };
    this.truth.agents.push({
      agentId,
      type: agentType,
      transcript: progressOnly ? 'progress' : 'file',
    });
    if (file) {
      this.truth.files.push(file);
      if (this.random.chance(this.options.sidechainReplayShare)) {
        const replayed = (issuedBy.message as Json).id as string;
        const style = this.spacedIds.has(replayed) ? 'spaced' : 'compact';
        this.line(
          file,
          { ...issuedBy, parentUuid: null, isSidechain: true, agentId, uuid: this.text.uuid() },
          style,
        );
      }
    }
    this.prompt(agent, agent.prompt as string);
    this.exchange(agent);
    const usage = {
      input_tokens: 4,
      output_tokens: 120,
      cache_read_input_tokens: 9_000,
      cache_creation_input_tokens: 300,
    };
    const answer = this.text.sentence(40);
    const result = {
      status: 'completed',
      prompt: agent.prompt,
      agentId,
      content: [{ type: 'text', text: answer }],
      totalDurationMs: 41_000,
      totalTokens: 9_424,
      totalToolUseCount: 3,
      usage,
    };
    const content = [
      { type: 'text', text: answer },
      {
        type: 'text',
        text: `agentId: ${agentId} (for resuming to continue this agent's work if needed)`,
      },
    ];
    this.tick(100, 2_000);
    this.emit(
      parent,
      this.entry(parent, 'user', {
        message: {
          role: 'user',
          content: [{ tool_use_id: call.id, type: 'tool_result', content }],
        },
        toolUseResult: result,
      }),
      this.style(true),
    );
  }

  private prompt(thread: Thread, prompt: string): string {
    if (thread.agentId) this.truth.subagent_prompts += 1;
    else this.truth.prompts += 1;
    if (!thread.agentId && this.random.chance(0.5)) {
      const messageId = this.text.uuid();
      this.line(
        thread.file,
        {
          type: 'file-history-snapshot',
          messageId,
          snapshot: { messageId, trackedFileBackups: {}, timestamp: this.iso() },
          isSnapshotUpdate: false,
        },
        'compact',
      );
    }
    const content = this.random.chance(0.7) ? prompt : [{ type: 'text', text: prompt }];
    this.tick(1_000, 30_000);
    return this.emit(
      thread,
      this.entry(thread, 'user', { message: { role: 'user', content } }),
      this.style(true),
    );
  }

  private system(): void {
    const line = {
      ...this.entry(this.main, 'system', {}),
      subtype: 'informational',
      content: this.text.sentence(8),
      isMeta: false,
      level: 'info',
    };
    this.emit(this.main, line, this.style(true));
  }

  private hook(thread: Thread, call: ToolCall): void {
    const data = {
      type: 'hook_progress',
      hookEvent: 'PostToolUse',
      hookName: `PostToolUse:${call.name}`,
      command: 'npx prettier --write',
    };
    this.emit(
      thread,
      { ...this.entry(thread, 'progress', { data }), toolUseID: call.id, parentToolUseID: call.id },
      'compact',
    );
  }

  /** The common envelope, in Claude Code's key order. */
  private entry(thread: Thread, type: string, body: Json): Json {
    const head: Json = {
      parentUuid: thread.lastUuid,
      isSidechain: thread.agentId !== undefined,
      userType: 'external',
      cwd: this.truth.cwd,
      sessionId: this.truth.sessionId,
      version: this.version,
      gitBranch: this.gitBranch,
    };
    if (thread.agentId) head.agentId = thread.agentId;
    const { toolUseResult, ...rest } = body;
    const out: Json = { ...head, type, ...rest, uuid: this.text.uuid(), timestamp: this.iso() };
    if (toolUseResult !== undefined) out.toolUseResult = toolUseResult;
    return out;
  }

  /**
   * Writes an entry to its thread's transcript; a sub-agent's entries also (`echo`) or, without
   * a transcript, only reach the parent as `agent_progress` lines. Returns the written line.
   */
  private emit(thread: Thread, entry: Json, style: Style, echo = this.echoes(thread)): string {
    thread.lastUuid = entry.uuid as string;
    if (echo) {
      const inner: Json = {
        type: entry.type,
        message: entry.message,
        uuid: entry.uuid,
        timestamp: entry.timestamp,
      };
      if (entry.requestId) inner.requestId = entry.requestId;
      const data = {
        message: inner,
        normalizedMessages: [],
        type: 'agent_progress',
        prompt: thread.prompt,
        agentId: thread.agentId,
      };
      const progress: Json = {
        ...this.entry(this.main, 'progress', { data }),
        toolUseID: `agent_msg_${this.text.base62(24)}`,
        parentToolUseID: thread.taskToolUseId,
      };
      this.main.lastUuid = progress.uuid as string;
      this.line(
        this.main.file,
        progress,
        entry.type === 'assistant' && style === 'spaced' ? 'spaced' : 'compact',
      );
    }
    return thread.file ? this.line(thread.file, entry, style) : '';
  }

  /** Whether the parent echoes an entry of `thread` (all entries of one response alike). */
  private echoes(thread: Thread): boolean {
    if (!thread.agentId) return false;
    return !thread.file || this.random.chance(this.options.progressEchoShare);
  }

  private line(file: string | null, value: Json, style: Style): string {
    if (!file) return '';
    let text: string;
    if (style === 'spaced') text = JSON.stringify(value, null, 1).replace(/\n */g, ' ');
    else if (style === 'reordered')
      text = JSON.stringify(Object.fromEntries(Object.entries(value).reverse()));
    else text = JSON.stringify(value);
    this.sink.write(file, text);
    return text;
  }

  /** Lines without usage: mostly compact, some spaced, some with other key orders. */
  private style(anyLine: boolean): Style {
    const roll = this.random.int(0, 999) / 1000;
    if (anyLine && roll < this.options.spacedLineShare) return 'spaced';
    return roll > 0.9 ? 'reordered' : 'compact';
  }

  private record(message: ClaudeCodeMessageTruth): void {
    const t = this.truth;
    t.messages_assistant += 1;
    add(t.tokens, message.tokens);
    if (message.origin === 'progress-only') add(t.progressOnlyTokens, message.tokens);
    else if (message.spaced) add(t.spacedTokens, message.tokens);
    if (message.origin === 'subagent-file') add(t.sidechainFileTokens, message.tokens);
    t.cost_usd += expectedMessageCost(message.model, message.tokens);
    if (!t.models.includes(message.model)) t.models.push(message.model);
    if (this.options.recordMessages) t.messages.push(message);
  }

  private tick(min: number, max: number): void {
    this.now += this.random.int(min, max);
  }

  private iso(): string {
    return new Date(this.now).toISOString();
  }
}

export function zero(): ClaudeCodeTokens {
  return { input: 0, output: 0, cache_read: 0, cache_write: 0 };
}

export function add(into: ClaudeCodeTokens, tokens: ClaudeCodeTokens): void {
  into.input += tokens.input;
  into.output += tokens.output;
  into.cache_read += tokens.cache_read;
  into.cache_write += tokens.cache_write;
}
