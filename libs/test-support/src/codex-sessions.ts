import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { SeededRandom } from './seeded-random';

/**
 * Writes a realistic Codex CLI store (`<home>/sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl`)
 * and returns what each session really used, from the per-request figures chosen here — not by
 * reading the files back. The store holds what makes Codex hard to count:
 * - cumulative `total_token_usage` with the request's own `last_token_usage`;
 * - the same `token_count` written again with nothing new (Codex does so on rate-limit updates),
 *   and the first `token_count` of a thread with `info: null`;
 * - a resumed session: later turns appended to the same file hours after the first ones;
 * - a forked session whose file starts with the parent's whole history copied in (its meta
 *   line and every `token_count`, re-stamped with the fork's time), then its own turns with
 *   totals continuing from the parent's.
 */

export interface CodexUsageTotals {
  input: number;
  output: number;
  reasoning: number;
  cache_read: number;
  cache_write: number;
}

export interface CodexSessionTruth {
  sessionId: string;
  file: string;
  tokens: CodexUsageTotals;
  /** USD from @pydantic/genai-prices over each request's figures */
  costUsd: number;
  userMessages: number;
  /** model requests, each one assistant message */
  requests: number;
  toolCalls: number;
  failedToolCalls: number;
}

export interface CodexStore {
  /** CODEX_HOME: the directory holding `sessions/` */
  home: string;
  files: string[];
  sessions: CodexSessionTruth[];
  /** Appends one more turn to a session's rollout (as Codex does on resume); its truth grows. */
  appendTurn(sessionId: string): Promise<void>;
}

export interface CodexStoreOptions {
  seed?: number;
  /** independent sessions besides the fork (default 3) */
  sessions?: number;
}

const MODELS = ['gpt-5-codex', 'gpt-5', 'gpt-5-mini'] as const;
const START = Date.UTC(2026, 9, 5, 9, 0, 0);

interface Usage {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
  total_tokens: number;
}

const zeroUsage = (): Usage => ({
  input_tokens: 0,
  cached_input_tokens: 0,
  output_tokens: 0,
  reasoning_output_tokens: 0,
  total_tokens: 0,
});

/** One thread being written: its lines, its running totals and its truth. */
class Thread {
  readonly lines: string[] = [];
  total = zeroUsage();
  model: string = MODELS[0];
  readonly truth: CodexSessionTruth;

  constructor(
    readonly id: string,
    readonly file: string,
    public clock: number,
  ) {
    this.truth = {
      sessionId: id,
      file,
      tokens: { input: 0, output: 0, reasoning: 0, cache_read: 0, cache_write: 0 },
      costUsd: 0,
      userMessages: 0,
      requests: 0,
      toolCalls: 0,
      failedToolCalls: 0,
    };
  }

  write(type: string, payload: unknown, at = this.clock): void {
    this.lines.push(JSON.stringify({ timestamp: new Date(at).toISOString(), type, payload }));
  }
}

function uuid(rng: SeededRandom): string {
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-7${hex(3)}-8${hex(3)}-${hex(12)}`;
}

function rolloutPath(home: string, at: number, id: string): string {
  const iso = new Date(at).toISOString();
  const [y, m, d] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const stamp = iso.slice(0, 19).replace(/:/g, '-');
  return join(home, 'sessions', y, m, d, `rollout-${stamp}-${id}.jsonl`);
}

function meta(thread: Thread, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: thread.id,
    timestamp: new Date(thread.clock).toISOString(),
    cwd: `/home/dev/projects/${thread.id.slice(0, 6)}`,
    originator: 'codex_cli_rs',
    cli_version: '0.46.0',
    instructions: null,
    source: 'cli',
    model_provider: 'openai',
    ...extra,
  };
}

/** One request's usage: prices it and adds it to the thread's totals and truth. */
function request(rng: SeededRandom, thread: Thread, firstOfTurn: boolean): Usage {
  const input = rng.int(2_000, 60_000);
  const cached = firstOfTurn && thread.truth.requests === 0 ? 0 : rng.int(0, input - 500);
  const output = rng.int(20, 4_000);
  const reasoning = rng.int(0, output);
  const last: Usage = {
    input_tokens: input,
    cached_input_tokens: cached,
    output_tokens: output,
    reasoning_output_tokens: reasoning,
    total_tokens: input + output,
  };
  for (const key of Object.keys(last) as (keyof Usage)[]) thread.total[key] += last[key];
  const t = thread.truth.tokens;
  t.input += input - cached;
  t.cache_read += cached;
  t.output += output;
  t.reasoning += reasoning;
  const price = calcPrice(
    { input_tokens: input, cache_read_tokens: cached, output_tokens: output },
    thread.model,
    { providerId: 'openai' },
  );
  thread.truth.costUsd += price?.total_price ?? 0;
  thread.truth.requests += 1;
  return last;
}

function tokenCount(thread: Thread, last: Usage): Record<string, unknown> {
  return {
    type: 'token_count',
    info: {
      total_token_usage: { ...thread.total },
      last_token_usage: last,
      model_context_window: 272_000,
    },
    rate_limits: { primary: { used_percent: 12.5, window_minutes: 300 } },
  };
}

function toolCall(rng: SeededRandom, thread: Thread, n: number): void {
  const callId = `call_${thread.id.slice(0, 8)}_${thread.lines.length}`;
  thread.truth.toolCalls += 1;
  if (n % 3 === 2) {
    const patch = `*** Begin Patch\n*** Update File: src/mod${n}.ts\n@@\n-old\n+new\n*** End Patch\n`;
    thread.write('response_item', {
      type: 'custom_tool_call',
      status: 'completed',
      call_id: callId,
      name: 'apply_patch',
      input: patch,
    });
    thread.clock += rng.int(50, 400);
    thread.write('response_item', {
      type: 'custom_tool_call_output',
      call_id: callId,
      output: JSON.stringify({
        output: 'Success. Updated the following files:\nM src/x.ts\n',
        metadata: { exit_code: 0, duration_seconds: 0.1 },
      }),
    });
    return;
  }
  const fails = rng.chance(0.25);
  if (fails) thread.truth.failedToolCalls += 1;
  thread.write('response_item', {
    type: 'function_call',
    name: 'shell',
    arguments: JSON.stringify({ command: ['bash', '-lc', 'npm test'], workdir: '/home/dev' }),
    call_id: callId,
  });
  thread.clock += rng.int(200, 5_000);
  thread.write('response_item', {
    type: 'function_call_output',
    call_id: callId,
    output: JSON.stringify({
      output: fails ? 'npm ERR! Test failed' : 'All tests passed',
      metadata: { exit_code: fails ? 1 : 0, duration_seconds: 1.2 },
    }),
  });
}

/** One user turn: prompt, then requests (tool calls between them) each with a token_count. */
function turn(rng: SeededRandom, thread: Thread, turnNo: number): void {
  thread.model = rng.pick(MODELS);
  thread.write('turn_context', {
    cwd: '/home/dev',
    approval_policy: 'on-request',
    sandbox_policy: { mode: 'workspace-write' },
    model: thread.model,
    effort: 'medium',
    summary: 'auto',
  });
  const prompt = `Task ${turnNo} for ${thread.id.slice(0, 6)}: fix the failing tests`;
  thread.write('response_item', {
    type: 'message',
    role: 'user',
    content: [{ type: 'input_text', text: prompt }],
  });
  thread.write('event_msg', { type: 'user_message', message: prompt, images: [] });
  thread.truth.userMessages += 1;
  const requests = rng.int(1, 4);
  for (let r = 0; r < requests; r += 1) {
    thread.clock += rng.int(800, 20_000);
    thread.write('response_item', {
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: '**Planning the change**' }],
      encrypted_content: 'gAAAA' + 'x'.repeat(40),
    });
    const last = request(rng, thread, r === 0);
    if (r < requests - 1) toolCall(rng, thread, turnNo + r);
    else {
      const answer = `Done with task ${turnNo}.`;
      thread.write('response_item', {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: answer }],
      });
      thread.write('event_msg', { type: 'agent_message', message: answer });
    }
    thread.write('event_msg', tokenCount(thread, last));
    // Codex writes the same reading again when only the rate limits changed.
    if (rng.chance(0.4)) thread.write('event_msg', tokenCount(thread, last), thread.clock + 40);
  }
}

function startThread(rng: SeededRandom, home: string, at: number, extra = {}): Thread {
  const id = uuid(rng);
  const thread = new Thread(id, rolloutPath(home, at, id), at);
  thread.write('session_meta', meta(thread, extra));
  thread.write('event_msg', { type: 'token_count', info: null, rate_limits: null });
  return thread;
}

/**
 * A fork of `parent`: its meta (with `forked_from_id`), the parent's meta and history copied
 * with the fork's timestamp, then `turns` of its own with totals continuing the parent's.
 */
function fork(rng: SeededRandom, home: string, parent: Thread, turns: number): Thread {
  const at = parent.clock + 60_000;
  const id = uuid(rng);
  const child = new Thread(id, rolloutPath(home, at, id), at);
  child.write('session_meta', meta(child, { forked_from_id: parent.id }));
  for (const line of parent.lines) {
    const copied = JSON.parse(line) as { type: string; payload: unknown };
    child.write(copied.type, copied.payload, at);
  }
  child.total = { ...parent.total };
  child.clock = at + 30_000;
  for (let t = 0; t < turns; t += 1) turn(rng, child, t);
  return child;
}

export async function writeCodexStore(
  home: string,
  options: CodexStoreOptions = {},
): Promise<CodexStore> {
  const rng = new SeededRandom(options.seed ?? 7);
  const threads: Thread[] = [];
  for (let s = 0; s < (options.sessions ?? 3); s += 1) {
    const thread = startThread(rng, home, START + s * 3_600_000);
    for (let t = 0, n = rng.int(2, 4); t < n; t += 1) turn(rng, thread, t);
    threads.push(thread);
  }
  // Resumed: the first session continues in the same file five hours later.
  const resumed = threads[0];
  resumed.clock += 5 * 3_600_000;
  turn(rng, resumed, 99);
  threads.push(fork(rng, home, threads[1], 2));

  for (const thread of threads) {
    await mkdir(join(thread.file, '..'), { recursive: true });
    await writeFile(thread.file, thread.lines.join('\n') + '\n');
  }
  return {
    home,
    files: threads.map((t) => t.file),
    sessions: threads.map((t) => t.truth),
    async appendTurn(sessionId) {
      const thread = threads.find((t) => t.id === sessionId);
      if (!thread) throw new Error(`no session ${sessionId}`);
      const written = thread.lines.length;
      thread.clock += 3_600_000;
      turn(rng, thread, 100 + written);
      await appendFile(thread.file, thread.lines.slice(written).join('\n') + '\n');
    },
  };
}
