import { mapGenAiSpans, nonCachedInput } from './genai-span.mapper';
import { readTraceExport } from './otlp-object-reader';
import { traceExport, type SpanFixture } from './testdata/otlp-fixtures';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const TRACE = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

function spans(list: SpanFixture[], resource?: Record<string, string>) {
  return readTraceExport(traceExport(list, { resource }));
}

const root: SpanFixture = {
  traceId: TRACE,
  spanId: '0000000000000001',
  name: 'invoke_agent planner',
  startMs: T0,
  endMs: T0 + 60_000,
  attributes: {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'planner',
    'gen_ai.conversation.id': 'conv-1',
  },
};
const child: SpanFixture = {
  traceId: TRACE,
  spanId: '0000000000000002',
  parentSpanId: '0000000000000001',
  name: 'invoke_agent coder',
  startMs: T0 + 1000,
  endMs: T0 + 50_000,
  attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'coder' },
};
const chat: SpanFixture = {
  traceId: TRACE,
  spanId: '0000000000000003',
  parentSpanId: '0000000000000002',
  name: 'chat claude-sonnet-4',
  startMs: T0 + 2000,
  endMs: T0 + 5000,
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': 'claude-sonnet-4',
    'gen_ai.response.model': 'claude-sonnet-4-20250514',
    'gen_ai.usage.input_tokens': 10_000,
    'gen_ai.usage.output_tokens': 700,
    'gen_ai.usage.cache_read.input_tokens': 8_000,
    'gen_ai.usage.cache_creation.input_tokens': 1_500,
    'gen_ai.usage.reasoning.output_tokens': 120,
  },
};
const tool: SpanFixture = {
  traceId: TRACE,
  spanId: '0000000000000004',
  parentSpanId: '0000000000000003',
  name: 'execute_tool Bash',
  startMs: T0 + 5100,
  endMs: T0 + 5350.5,
  attributes: {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.call.id': 'toolu_01',
    'gen_ai.tool.call.arguments': '{"command":"npm test"}',
  },
  status: { code: 2, message: 'exit code 1' },
};

describe('GenAI spans → CONTRACT events', () => {
  it('subtracts the cached shares from gen_ai.usage.input_tokens', () => {
    const [message] = mapGenAiSpans(spans([chat])).events;
    // 10 000 input by the convention include 8 000 read from and 1 500 written to the cache.
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-20250514',
      provider: 'anthropic',
      tokens: { input: 500, output: 700, reasoning: 120, cache_read: 8_000, cache_write: 1_500 },
    });
  });

  it('never makes input negative: a smaller input is read as already excluding the cache', () => {
    expect(nonCachedInput(1_000, 200, 300)).toEqual({ input: 500 });
    expect(nonCachedInput(3, 8_000, 0)).toEqual({
      input: 3,
      note: expect.stringContaining('< cache_read 8000'),
    });
    const mapped = mapGenAiSpans(
      spans([{ ...chat, attributes: { ...chat.attributes, 'gen_ai.usage.input_tokens': 3 } }]),
    );
    expect(mapped.events[0]).toMatchObject({ tokens: { input: 3, cache_read: 8_000 } });
    expect(mapped.warnings).toEqual([expect.stringContaining('read as already excluding')]);
  });

  it('accepts the older usage attribute names', () => {
    const older: SpanFixture = {
      ...chat,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.prompt_tokens': 900,
        'gen_ai.usage.completion_tokens': 50,
        'gen_ai.usage.cache_read_input_tokens': 400,
      },
    };
    expect(mapGenAiSpans(spans([older])).events[0]).toMatchObject({
      model: 'gpt-4o',
      provider: 'openai',
      tokens: { input: 500, output: 50, cache_read: 400, cache_write: 0 },
    });
  });

  it('links agents, their tools and messages, in one session from the conversation id', () => {
    const [link, ...events] = mapGenAiSpans(spans([root, child, chat, tool])).events as Array<
      Record<string, unknown>
    >;
    // The trace's own session (where spans exported apart from the root fall back) is filed
    // under the conversation, once per trace.
    expect(link).toEqual({
      id: `otlp:${TRACE}:session`,
      type: 'session',
      timestamp: T0,
      session_id: TRACE,
      source: 'otlp',
      parent_session_id: 'conv-1',
    });
    expect(events.map((e) => [e.type, e.session_id])).toEqual([
      ['agent_trace', 'conv-1'],
      ['agent_trace', 'conv-1'],
      ['message', 'conv-1'],
      ['tool_call', 'conv-1'],
    ]);
    expect(events[0]).toMatchObject({
      trace_id: root.spanId,
      agent: 'planner',
      status: 'completed',
    });
    expect(events[0].parent_trace_id).toBeUndefined();
    expect(events[1]).toMatchObject({
      trace_id: child.spanId,
      parent_trace_id: root.spanId,
      parent_agent: 'planner',
      started_at: T0 + 1000,
      ended_at: T0 + 50_000,
    });
    expect(events[2]).toMatchObject({ agent: 'coder', trace_id: child.spanId });
    expect(events[3]).toMatchObject({
      call_id: 'toolu_01',
      tool: 'Bash',
      status: 'error',
      agent: 'coder',
      arguments: { command: 'npm test' },
      duration_ms: 250.5,
      error: { message: 'exit code 1' },
    });
  });

  it('gives deterministic ids from trace id + span id + kind', () => {
    const once = mapGenAiSpans(spans([root, chat, tool])).events as Array<{ id: string }>;
    const again = mapGenAiSpans(spans([root, chat, tool])).events as Array<{ id: string }>;
    expect(once.map((e) => e.id)).toEqual([
      `otlp:${TRACE}:session`,
      `otlp:${TRACE}:${root.spanId}:agent`,
      `otlp:${TRACE}:${chat.spanId}:message`,
      `otlp:${TRACE}:${tool.spanId}:tool`,
    ]);
    expect(again.map((e) => e.id)).toEqual(once.map((e) => e.id));
  });

  it('falls back on the resource session.id, then on the trace id', () => {
    const lone = { ...chat, parentSpanId: undefined };
    expect(mapGenAiSpans(spans([lone], { 'session.id': 'res-s' })).events[0]).toMatchObject({
      session_id: 'res-s',
    });
    expect(mapGenAiSpans(spans([lone])).events[0]).toMatchObject({ session_id: TRACE });
  });

  it('points an agent at a parent that is not in this export by its span id', () => {
    const [event] = mapGenAiSpans(spans([child])).events;
    expect(event).toMatchObject({ parent_trace_id: root.spanId });
  });

  it('skips non-GenAI spans, names unmapped GenAI operations, rejects unusable ones', () => {
    const http: SpanFixture = { ...chat, name: 'GET /', attributes: { 'http.method': 'GET' } };
    const embed: SpanFixture = { ...chat, attributes: { 'gen_ai.operation.name': 'embeddings' } };
    const noTool: SpanFixture = {
      ...tool,
      name: 'execute_tool',
      attributes: { 'gen_ai.operation.name': 'execute_tool' },
    };
    const badTokens: SpanFixture = {
      ...chat,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.output_tokens': -4 },
    };
    const mapped = mapGenAiSpans(spans([http, embed, noTool, badTokens]));
    expect(mapped.events).toEqual([]);
    expect([...mapped.ignored]).toEqual([['gen_ai embeddings', 1]]);
    expect(mapped.rejected).toEqual([
      expect.stringContaining('no gen_ai.tool.name'),
      expect.stringContaining('non-negative integer'),
    ]);
  });

  it('turns a failed model call without usage into an error log, not a message', () => {
    const failed: SpanFixture = {
      ...chat,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' },
      status: { code: 2, message: 'rate limited' },
    };
    expect(mapGenAiSpans(spans([failed])).events[0]).toMatchObject({
      type: 'log',
      level: 'error',
      message: 'chat failed: rate limited',
    });
  });
});
