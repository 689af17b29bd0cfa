import type {
  EventInput,
  MessageEventInput,
  SessionEventInput,
  ToolCallEventInput,
} from '@agentpulse/schema';
import { ClaudeCodeParser } from './claude-code-parser';

const SESSION = '11111111-2222-3333-4444-555555555555';
const base = { sessionId: SESSION, cwd: '/home/dev/app', version: '2.0.37', isSidechain: false };

function at(second: number): string {
  return new Date(Date.UTC(2025, 9, 1, 8, 0, second)).toISOString();
}

function prompt(uuid: string, second: number, content: unknown, extra = {}) {
  return {
    ...base,
    type: 'user',
    uuid,
    timestamp: at(second),
    message: { role: 'user', content },
    ...extra,
  };
}

function reply(
  id: string,
  requestId: string,
  second: number,
  output: number,
  block: unknown,
  extra = {},
) {
  return {
    ...base,
    type: 'assistant',
    uuid: `u-${id}-${second}`,
    timestamp: at(second),
    requestId,
    message: {
      id,
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [block],
      usage: {
        input_tokens: 5,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 2000,
        output_tokens: output,
      },
    },
    ...extra,
  };
}

function toolResult(uuid: string, second: number, toolUseId: string, isError = false) {
  return prompt(uuid, second, [
    {
      type: 'tool_result',
      tool_use_id: toolUseId,
      content: 'done',
      ...(isError ? { is_error: true } : {}),
    },
  ]);
}

/** Feeds lines (objects become compact JSON), then releases everything as a one-shot pass does. */
function parse(lines: unknown[], parser = new ClaudeCodeParser('s.jsonl')) {
  const events: EventInput[] = [];
  const rejected: string[] = [];
  lines.forEach((line, i) => {
    const out = parser.line(typeof line === 'string' ? line : JSON.stringify(line), i + 1);
    events.push(...out.events);
    rejected.push(...out.rejected.map((r) => `${r.file}:${r.line}: ${r.reason}`));
  });
  events.push(...parser.settle(true));
  return { events, rejected, parser };
}

const messages = (events: EventInput[], role: string) =>
  events.filter((e): e is MessageEventInput => e.type === 'message' && e.role === role);

describe('ClaudeCodeParser', () => {
  it('sends a streamed response once, with the largest (final) usage', () => {
    const { events } = parse([
      prompt('p1', 0, 'Fix the failing test'),
      reply('msg_1', 'req_1', 1, 3, { type: 'thinking', thinking: 'hmm' }),
      reply('msg_1', 'req_1', 2, 40, { type: 'text', text: 'Looking' }),
      reply('msg_1', 'req_1', 3, 812, { type: 'text', text: 'Done' }),
      reply('msg_2', 'req_2', 4, 9, { type: 'text', text: 'More' }),
    ]);
    const assistant = messages(events, 'assistant');
    expect(assistant.map((m) => [m.message_id, m.tokens])).toEqual([
      ['msg_1', { input: 5, output: 812, cache_read: 2000, cache_write: 100 }],
      ['msg_2', { input: 5, output: 9, cache_read: 2000, cache_write: 100 }],
    ]);
    expect(assistant[0]).toMatchObject({ model: 'claude-sonnet-4-5-20250929', agent: 'main' });
    expect(assistant[0].cost_usd).toBeUndefined();
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('holds the last response until settle(), and keeps it in its snapshot', () => {
    const parser = new ClaudeCodeParser('s.jsonl');
    const first = parser.line(
      JSON.stringify(reply('msg_1', 'req_1', 1, 3, { type: 'text', text: 'a' })),
      1,
    );
    expect(messages(first.events, 'assistant')).toEqual([]);
    const resumed = new ClaudeCodeParser('s.jsonl', JSON.parse(JSON.stringify(parser.snapshot())));
    resumed.line(JSON.stringify(reply('msg_1', 'req_1', 2, 50, { type: 'text', text: 'b' })), 2);
    expect(messages(resumed.settle(true), 'assistant')[0].tokens?.output).toBe(50);
    expect(resumed.settle(true)).toEqual([]);
    expect(resumed.holding).toBe(false);
  });

  it('while watching, a quiet file releases a response only once its stop_reason arrived', () => {
    const parser = new ClaudeCodeParser('s.jsonl');
    const streamed = (second: number, output: number, stop: string | null) => {
      const line = reply('msg_1', 'req_1', second, output, { type: 'text', text: 'x' });
      return JSON.stringify({ ...line, message: { ...line.message, stop_reason: stop } });
    };
    parser.line(streamed(1, 3, null), 1);
    expect(parser.settle(false)).toEqual([]);
    expect(parser.holding).toBe(true);
    const resumed = new ClaudeCodeParser('s.jsonl', JSON.parse(JSON.stringify(parser.snapshot())));
    resumed.line(streamed(9, 640, 'end_turn'), 2);
    const released = messages(resumed.settle(false), 'assistant');
    expect(released.map((m) => m.tokens?.output)).toEqual([640]);
    expect(resumed.holding).toBe(false);
  });

  it('reads pretty-spaced lines and other key orders as JSON', () => {
    const line = reply('msg_1', 'req_1', 1, 7, { type: 'text', text: 'x' });
    const spaced = JSON.stringify(line, null, 1).replace(/\n */g, ' ');
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(line).reverse()));
    const { events } = parse([spaced, reordered]);
    expect(messages(events, 'assistant')).toHaveLength(1);
    expect(messages(events, 'assistant')[0].tokens?.output).toBe(7);
  });

  it('takes the reported costUSD, and skips <synthetic> placeholders', () => {
    const synthetic = reply('msg_s', 'req_s', 2, 0, {
      type: 'text',
      text: 'No response requested.',
    });
    synthetic.message.model = '<synthetic>';
    const { events } = parse([
      reply('msg_1', 'req_1', 1, 7, { type: 'text', text: 'x' }, { costUSD: 0.0123 }),
      synthetic,
    ]);
    expect(messages(events, 'assistant').map((m) => [m.message_id, m.cost_usd])).toEqual([
      ['msg_1', 0.0123],
    ]);
  });

  it('counts prompts as user messages, not tool results, meta lines or commands', () => {
    const { events } = parse([
      prompt('p0', 0, 'Caveat: the messages below were generated by the user', { isMeta: true }),
      prompt('p1', 1, '<command-name>/clear</command-name>'),
      prompt('p2', 2, [{ type: 'text', text: 'Add a --watch flag' }]),
      reply('msg_1', 'req_1', 3, 7, {
        type: 'tool_use',
        id: 'toolu_1',
        name: 'Bash',
        input: { command: 'ls' },
      }),
      toolResult('p3', 4, 'toolu_1'),
    ]);
    expect(messages(events, 'user').map((m) => m.content)).toEqual(['Add a --watch flag']);
  });

  it('titles the session with the summary line, else the first prompt', () => {
    const withSummary = parse([
      { type: 'summary', summary: 'Watch mode for the importer', leafUuid: 'x' },
      prompt('p1', 1, 'Add a --watch flag'),
    ]).events.filter((e) => e.type === 'session');
    expect(withSummary).toEqual([
      expect.objectContaining({
        session_id: SESSION,
        title: 'Watch mode for the importer',
        directory: '/home/dev/app',
        started_at: at(1),
      }),
    ]);
    const titles = parse([
      prompt('p1', 1, 'Add a --watch flag'),
      { type: 'summary', summary: 'Later summary' },
    ])
      .events.filter((e): e is SessionEventInput => e.type === 'session' && 'title' in e)
      .map((e) => [e.title, e.timestamp]);
    expect(titles).toEqual([
      ['Add a --watch flag', at(1)],
      ['Later summary', new Date(Date.parse(at(1)) + 1).toISOString()],
    ]);
  });

  it('turns tool_use/tool_result into a running then ended call, and file tools into file operations', () => {
    const { events } = parse([
      prompt('p1', 0, 'Edit it'),
      reply('msg_1', 'req_1', 1, 7, {
        type: 'tool_use',
        id: 'toolu_r',
        name: 'Read',
        input: { file_path: '/app/a.ts' },
      }),
      toolResult('p2', 3, 'toolu_r'),
      reply('msg_2', 'req_2', 4, 7, {
        type: 'tool_use',
        id: 'toolu_e',
        name: 'MultiEdit',
        input: { file_path: '/app/b.ts', edits: [] },
      }),
      toolResult('p3', 9, 'toolu_e', true),
      reply('msg_3', 'req_3', 10, 7, {
        type: 'tool_use',
        id: 'toolu_w',
        name: 'Write',
        input: { file_path: '/app/c.ts', content: 'x'.repeat(5000) },
      }),
    ]);
    const calls = events.filter((e): e is ToolCallEventInput => e.type === 'tool_call');
    expect(calls.map((c) => [c.call_id, c.tool, c.status, c.duration_ms])).toEqual([
      ['toolu_r', 'Read', 'running', undefined],
      ['toolu_r', 'Read', 'completed', 2000],
      ['toolu_e', 'MultiEdit', 'running', undefined],
      ['toolu_e', 'MultiEdit', 'error', 5000],
      ['toolu_w', 'Write', 'running', undefined],
    ]);
    expect(calls[1].result_summary).toBe('done');
    expect(JSON.stringify(calls[4].arguments).length).toBeLessThan(700);
    const files = events
      .filter((e) => e.type === 'file_operation')
      .map((e) => [e.operation, e.path]);
    expect(files).toEqual([
      ['read', '/app/a.ts'],
      ['edit', '/app/b.ts'],
      ['write', '/app/c.ts'],
    ]);
  });

  it('keeps sub-agent work in the root session under the agent, with one trace', () => {
    const sub = { isSidechain: true, agentId: 'a1b2c3d' };
    const { events } = parse(
      [
        prompt('s1', 0, 'Explore the repo', sub),
        reply('msg_9', 'req_9', 1, 3, { type: 'text', text: 'a' }, sub),
        reply(
          'msg_9',
          'req_9',
          2,
          30,
          { type: 'tool_use', id: 'toolu_9', name: 'Grep', input: {} },
          sub,
        ),
      ],
      new ClaudeCodeParser('agent-a1b2c3d.jsonl'),
    );
    expect(messages(events, 'user')).toEqual([]);
    const traces = events.filter((e) => e.type === 'agent_trace');
    expect(traces).toEqual([
      expect.objectContaining({
        session_id: SESSION,
        agent: 'agent-a1b2c3d',
        parent_agent: 'main',
      }),
    ]);
    const [message] = messages(events, 'assistant');
    expect(message).toMatchObject({
      session_id: SESSION,
      agent: 'agent-a1b2c3d',
      trace_id: traces[0].trace_id,
    });
    expect(message.tokens?.output).toBe(30);
    expect(events.every((e) => e.type === 'session' || e.session_id === SESSION)).toBe(true);
    expect(events.some((e) => e.type === 'session')).toBe(false);
  });

  it('gives a sidechain replay and a progress echo the same id as the original', () => {
    const original = reply('msg_1', 'req_1', 1, 70, {
      type: 'tool_use',
      id: 'toolu_t',
      name: 'Task',
      input: { subagent_type: 'Explore' },
    });
    const main = parse([prompt('p1', 0, 'go'), original]).events;
    const replay = parse(
      [{ ...original, isSidechain: true, agentId: 'a1', uuid: 'other' }],
      new ClaudeCodeParser('agent-a1.jsonl'),
    ).events;
    const ids = (events: EventInput[]) => messages(events, 'assistant').map((m) => m.id);
    expect(ids(replay)).toEqual(ids(main));

    const subReply = reply(
      'msg_2',
      'req_2',
      5,
      44,
      { type: 'text', text: 'found it' },
      { isSidechain: true, agentId: 'a1' },
    );
    const fromFile = parse([subReply], new ClaudeCodeParser('agent-a1.jsonl')).events;
    const echo = {
      ...base,
      type: 'progress',
      uuid: 'prog-1',
      timestamp: at(6),
      parentToolUseID: 'toolu_t',
      data: {
        type: 'agent_progress',
        agentId: 'a1',
        message: {
          type: 'assistant',
          message: subReply.message,
          requestId: 'req_2',
          timestamp: at(5),
          uuid: 'x',
        },
      },
    };
    const fromProgress = parse([echo]).events;
    expect(messages(fromProgress, 'assistant')).toEqual(messages(fromFile, 'assistant'));
    expect(fromProgress.find((e) => e.type === 'agent_trace')?.id).toBe(
      fromFile.find((e) => e.type === 'agent_trace')?.id,
    );
  });

  it('reports a malformed line as file:line and goes on', () => {
    const { events, rejected } = parse([
      prompt('p1', 0, 'one'),
      '{"type":"user","message":{"role":"user","content":"cut',
      '[1,2]',
      prompt('p2', 2, 'two'),
    ]);
    expect(rejected).toEqual([
      expect.stringMatching(/^s\.jsonl:2: not JSON/),
      's.jsonl:3: not a JSON object',
    ]);
    expect(messages(events, 'user').map((m) => m.content)).toEqual(['one', 'two']);
  });
});
