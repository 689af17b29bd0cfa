import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventInput } from '@agentpulse/schema';
import { writeCodexStore, type CodexStore } from '@agentpulse/test-support';
import type { RejectedInput } from '../import-source';
import { codexSource } from './codex-source';
import { RolloutParser } from './rollout-parser';

type Message = Extract<EventInput, { type: 'message' }>;

async function parseFile(file: string, splitAt?: number) {
  const lines = (await readFile(file, 'utf8')).split('\n');
  let parser = codexSource.parser(file, '', undefined);
  const events: EventInput[] = [];
  const rejected: RejectedInput[] = [];
  lines.forEach((text, i) => {
    if (i === splitAt)
      parser = codexSource.parser(file, '', JSON.parse(JSON.stringify(parser.snapshot())));
    const parsed = parser.line(text, i + 1);
    events.push(...parsed.events);
    rejected.push(...parsed.rejected);
  });
  events.push(...parser.settle(true));
  return { events, rejected };
}

function totalsOf(events: EventInput[]) {
  const messages = events.filter((e): e is Message => e.type === 'message');
  const sum = (key: 'input' | 'output' | 'reasoning' | 'cache_read' | 'cache_write') =>
    messages.reduce((acc, m) => acc + (m.tokens?.[key] ?? 0), 0);
  return {
    tokens: {
      input: sum('input'),
      output: sum('output'),
      reasoning: sum('reasoning'),
      cache_read: sum('cache_read'),
      cache_write: sum('cache_write'),
    },
    requests: messages.filter((m) => m.role === 'assistant').length,
    userMessages: messages.filter((m) => m.role === 'user').length,
    toolCalls: new Set(events.filter((e) => e.type === 'tool_call').map((e) => e.call_id)).size,
    failedToolCalls: events.filter((e) => e.type === 'tool_call' && e.status === 'error').length,
  };
}

describe('codex rollouts', () => {
  let dir: string;
  let store: CodexStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'codex-'));
    store = await writeCodexStore(dir, { seed: 11 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds every rollout under CODEX_HOME or its sessions/ directory, in name order', async () => {
    const fromHome = await codexSource.discover(dir);
    expect(fromHome).toEqual([...store.files].sort());
    expect(await codexSource.discover(join(dir, 'sessions'))).toEqual(fromHome);
  });

  it('counts each request once: repeats, the fork replay and the resumed turns as the generator chose them', async () => {
    for (const truth of store.sessions) {
      const { events, rejected } = await parseFile(truth.file);
      expect(rejected).toEqual([]);
      expect(new Set(events.map((e) => e.session_id))).toEqual(new Set([truth.sessionId]));
      expect(totalsOf(events)).toEqual({
        tokens: truth.tokens,
        requests: truth.requests,
        userMessages: truth.userMessages,
        toolCalls: truth.toolCalls,
        failedToolCalls: truth.failedToolCalls,
      });
    }
  });

  it('resumes from a snapshot taken mid-file with the same events as one pass', async () => {
    const fork = store.sessions[store.sessions.length - 1];
    const whole = await parseFile(fork.file);
    for (const split of [3, 10, 25]) {
      expect((await parseFile(fork.file, split)).events).toEqual(whole.events);
    }
  });

  it('gives the same ids on a second read, so a re-import counts nothing twice', async () => {
    const file = store.sessions[0].file;
    const ids = (await parseFile(file)).events.map((e) => e.id);
    expect((await parseFile(file)).events.map((e) => e.id)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('RolloutParser', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const usage = (input: number, cached: number, output: number, reasoning: number) => ({
    input_tokens: input,
    cached_input_tokens: cached,
    output_tokens: output,
    reasoning_output_tokens: reasoning,
    total_tokens: input + output,
  });
  const count = (s: number, total: object, last: object) =>
    JSON.stringify({
      timestamp: at(s),
      type: 'event_msg',
      payload: { type: 'token_count', info: { total_token_usage: total, last_token_usage: last } },
    });

  it('reports a malformed line as rejected with file and line, and reads on', () => {
    const parser = new RolloutParser('/x/rollout-a.jsonl');
    const bad = parser.line('{"timestamp": "2026-01-01T00:00:00Z", "type": "event_msg", ', 1);
    expect(bad.rejected).toEqual([
      { file: '/x/rollout-a.jsonl', line: 1, reason: expect.stringContaining('not JSON') },
    ]);
    expect(parser.line('[1,2]', 2).rejected[0]).toMatchObject({
      line: 2,
      reason: 'not a JSON object',
    });
    expect(parser.line('{"type":"event_msg","payload":{}}', 3).rejected[0]).toMatchObject({
      line: 3,
      reason: 'no valid timestamp',
    });
    const ok = parser.line(count(4, usage(100, 40, 10, 3), usage(100, 40, 10, 3)), 4);
    expect(ok.events).toHaveLength(1);
  });

  it('splits the cached share out of input and keeps reasoning inside output', () => {
    const parser = new RolloutParser('/x/rollout-a.jsonl');
    const [message] = parser.line(
      count(1, usage(1000, 600, 300, 120), usage(1000, 600, 300, 120)),
      1,
    ).events as Message[];
    expect(message.tokens).toEqual({
      input: 400,
      cache_read: 600,
      output: 300,
      reasoning: 120,
      cache_write: 0,
    });
  });

  it('counts a restarted total as new usage and a repeated one as nothing', () => {
    const parser = new RolloutParser('/x/rollout-a.jsonl');
    const lines = [
      count(1, usage(1000, 0, 100, 0), usage(1000, 0, 100, 0)),
      count(2, usage(1000, 0, 100, 0), usage(1000, 0, 100, 0)),
      count(3, usage(300, 0, 30, 0), usage(300, 0, 30, 0)),
    ];
    const outputs = lines
      .flatMap((l, i) => parser.line(l, i + 1).events as Message[])
      .map((m) => m.tokens?.output);
    expect(outputs).toEqual([100, 30]);
  });

  it('uses the difference of totals when a reading has no last_token_usage', () => {
    const parser = new RolloutParser('/x/rollout-a.jsonl');
    const only = (s: number, total: object) =>
      JSON.stringify({
        timestamp: at(s),
        type: 'event_msg',
        payload: { type: 'token_count', info: { total_token_usage: total } },
      });
    parser.line(only(1, usage(1000, 200, 100, 10)), 1);
    const [second] = parser.line(only(2, usage(1500, 300, 180, 10)), 2).events as Message[];
    expect(second.tokens).toEqual({
      input: 400,
      cache_read: 100,
      output: 80,
      reasoning: 0,
      cache_write: 0,
    });
  });

  it('links a sub-agent thread to the thread that spawned it and skips the history it copied', () => {
    const parser = new RolloutParser('/x/rollout-child.jsonl');
    const meta = (id: string, extra: object) =>
      JSON.stringify({
        timestamp: at(10),
        type: 'session_meta',
        payload: { id, timestamp: at(10), ...extra },
      });
    const spawned = parser.line(
      meta('child', {
        forked_from_id: 'parent',
        agent_role: 'worker',
        source: { subagent: { thread_spawn: { parent_thread_id: 'parent', depth: 1 } } },
      }),
      1,
    ).events;
    expect(spawned).toEqual([
      expect.objectContaining({
        type: 'session',
        session_id: 'child',
        parent_session_id: 'parent',
      }),
      expect.objectContaining({
        type: 'agent_trace',
        session_id: 'parent',
        child_session_id: 'child',
        agent: 'worker',
      }),
    ]);
    expect(parser.line(meta('parent', {}), 2).events).toEqual([]);
    expect(
      parser.line(count(10, usage(5000, 0, 500, 0), usage(5000, 0, 500, 0)), 3).events,
    ).toEqual([]);
    const [own] = parser.line(count(14, usage(5400, 4000, 560, 0), usage(400, 0, 60, 0)), 4)
      .events as Message[];
    expect(own).toMatchObject({ session_id: 'child', tokens: { input: 400, output: 60 } });
  });
});
