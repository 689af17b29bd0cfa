import { gzipSync } from 'node:zlib';
import { calcPrice } from '@pydantic/genai-prices';
import {
  decodeProtobuf,
  encodeProtobuf,
  OTLP_MESSAGES,
} from '../apps/ingest/src/otlp/otlp-protobuf.codec';
import {
  logsExport,
  traceExport,
  type LogFixture,
  type SpanFixture,
} from '../apps/ingest/src/otlp/testdata/otlp-fixtures';
import { decodeErrorStatus } from '../apps/ingest/src/otlp/otlp-error-status';
import { getJson } from './support/http-client';
import {
  KEYS,
  keyOf,
  pipelineEnv,
  startPipeline,
  type TestPipeline,
  waitForConsumerCatchUp,
} from './support/test-pipeline';

jest.setTimeout(300_000);

const SESSION = 'otlp-e2e-session';
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const T0 = Date.UTC(2026, 10, 20, 14, 0, 0);
const MODEL = 'claude-sonnet-4-20250514';

/** A GenAI-instrumented agent run: two agents, two model calls, three tools, one HTTP span. */
const spans: SpanFixture[] = [
  {
    traceId: TRACE,
    spanId: 'a000000000000001',
    name: 'invoke_agent main',
    startMs: T0,
    endMs: T0 + 120_000,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'main',
      'gen_ai.conversation.id': SESSION,
    },
  },
  {
    traceId: TRACE,
    spanId: 'a000000000000002',
    parentSpanId: 'a000000000000001',
    name: 'chat claude-sonnet-4',
    startMs: T0 + 1_000,
    endMs: T0 + 9_000,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': MODEL,
      'gen_ai.usage.input_tokens': 24_000,
      'gen_ai.usage.output_tokens': 900,
      'gen_ai.usage.cache_read.input_tokens': 18_000,
      'gen_ai.usage.cache_creation.input_tokens': 5_000,
    },
  },
  {
    traceId: TRACE,
    spanId: 'a000000000000003',
    parentSpanId: 'a000000000000001',
    name: 'execute_tool Read',
    startMs: T0 + 9_100,
    endMs: T0 + 9_140,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'Read' },
  },
  {
    traceId: TRACE,
    spanId: 'a000000000000004',
    parentSpanId: 'a000000000000001',
    name: 'invoke_agent reviewer',
    startMs: T0 + 10_000,
    endMs: T0 + 60_000,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'reviewer' },
  },
  {
    traceId: TRACE,
    spanId: 'a000000000000005',
    parentSpanId: 'a000000000000004',
    name: 'chat claude-sonnet-4',
    startMs: T0 + 11_000,
    endMs: T0 + 20_000,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.model': MODEL,
      'gen_ai.usage.input_tokens': 31_500,
      'gen_ai.usage.output_tokens': 2_300,
      'gen_ai.usage.cache_read.input_tokens': 30_000,
      'gen_ai.usage.cache_creation.input_tokens': 0,
    },
  },
  {
    traceId: TRACE,
    spanId: 'a000000000000006',
    parentSpanId: 'a000000000000004',
    name: 'execute_tool Bash',
    startMs: T0 + 20_100,
    endMs: T0 + 24_000,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'Bash' },
    status: { code: 2, message: 'exit code 1' },
  },
  {
    traceId: TRACE,
    spanId: 'a000000000000007',
    parentSpanId: 'a000000000000004',
    name: 'execute_tool Grep',
    startMs: T0 + 24_100,
    endMs: T0 + 24_300,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'Grep' },
  },
  {
    traceId: TRACE,
    spanId: 'a000000000000008',
    parentSpanId: 'a000000000000002',
    name: 'POST',
    startMs: T0 + 1_100,
    endMs: T0 + 8_900,
    attributes: {
      'http.request.method': 'POST',
      'url.full': 'https://api.anthropic.com/v1/messages',
    },
  },
];

function cc(name: string, atMs: number, attributes: LogFixture['attributes']): LogFixture {
  return {
    timeMs: atMs,
    body: `claude_code.${name}`,
    attributes: {
      'session.id': SESSION,
      'event.name': name,
      'event.timestamp': new Date(atMs).toISOString(),
      'user.account_uuid': 'acc-1',
      'terminal.type': 'iTerm.app',
      ...attributes,
    },
  };
}

/** Claude Code's own events for the same session, later on. */
const records: LogFixture[] = [
  cc('user_prompt', T0 + 200_000, { prompt_length: '23', prompt: 'make the failing test pass' }),
  cc('api_request', T0 + 205_000, {
    model: MODEL,
    input_tokens: '8',
    output_tokens: '611',
    cache_read_tokens: '41000',
    cache_creation_tokens: '1200',
    cost_usd: '0.025083',
    duration_ms: '4800',
  }),
  cc('tool_result', T0 + 206_000, { tool_name: 'Edit', success: 'true', duration_ms: '31' }),
  cc('api_error', T0 + 207_000, {
    model: MODEL,
    error: 'Overloaded',
    status_code: '529',
    attempt: '1',
  }),
  cc('api_request', T0 + 212_000, {
    model: MODEL,
    input_tokens: '120',
    output_tokens: '95',
    cache_read_tokens: '42300',
    cache_creation_tokens: '0',
    cost_usd: '0.014515',
    duration_ms: '2100',
  }),
  cc('tool_result', T0 + 213_000, {
    tool_name: 'Bash',
    success: 'false',
    duration_ms: '812',
    error: 'Exit code 1',
  }),
  cc('tool_decision', T0 + 205_500, { tool_name: 'Edit', decision: 'accept', source: 'config' }),
  // No session.id: cannot be placed, so it is reported as rejected.
  { timeMs: T0 + 214_000, body: 'claude_code.api_request', attributes: { input_tokens: '5' } },
];

/** The session's expected KPIs, from the fixture values alone. */
function expected() {
  const attr = (span: SpanFixture, key: string) => Number(span.attributes[key] ?? 0);
  const chats = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
  const tools = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool');
  const apiRequests = records.filter((r) => r.attributes['event.name'] === 'api_request');
  const toolResults = records.filter((r) => r.attributes['event.name'] === 'tool_result');
  const num = (r: LogFixture, key: string) => Number(r.attributes[key] ?? 0);
  let tokensIn = 0;
  let tokensOut = 0;
  let cacheRead = 0;
  let cacheWrite = 0;
  let cost = 0;
  for (const span of chats) {
    const input = attr(span, 'gen_ai.usage.input_tokens');
    const read = attr(span, 'gen_ai.usage.cache_read.input_tokens');
    const write = attr(span, 'gen_ai.usage.cache_creation.input_tokens');
    tokensIn += input - read - write;
    tokensOut += attr(span, 'gen_ai.usage.output_tokens');
    cacheRead += read;
    cacheWrite += write;
    // genai-prices, like the GenAI conventions, counts the cached tokens inside input_tokens.
    const price = calcPrice(
      {
        input_tokens: input,
        cache_read_tokens: read,
        cache_write_tokens: write,
        output_tokens: attr(span, 'gen_ai.usage.output_tokens'),
      },
      MODEL,
    );
    if (!price) throw new Error(`genai-prices does not know ${MODEL}`);
    cost += price.total_price;
  }
  for (const record of apiRequests.filter((r) => r.attributes['session.id'])) {
    tokensIn += num(record, 'input_tokens');
    tokensOut += num(record, 'output_tokens');
    cacheRead += num(record, 'cache_read_tokens');
    cacheWrite += num(record, 'cache_creation_tokens');
    cost += num(record, 'cost_usd');
  }
  const failures =
    tools.filter((s) => s.status?.code === 2).length +
    toolResults.filter((r) => r.attributes.success === 'false').length;
  const toolCalls = tools.length + toolResults.length;
  return {
    tokens_in: tokensIn,
    tokens_out: tokensOut,
    tokens_cache_read: cacheRead,
    tokens_cache_write: cacheWrite,
    cost_usd: cost,
    tool_calls: toolCalls,
    tool_failure_rate: failures / toolCalls,
    messages_assistant: chats.length + apiRequests.filter((r) => r.attributes['session.id']).length,
    messages_user: 1,
    agents: 2,
  };
}

async function post(
  url: string,
  key: string | undefined,
  body: Buffer | string,
  headers: Record<string, string>,
): Promise<{ status: number; bytes: Buffer; type: string | null }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    type: response.headers.get('content-type'),
  };
}

describe('OTLP/HTTP: GenAI traces and Claude Code telemetry into a session', () => {
  const env = pipelineEnv('otlp');
  let pipeline: TestPipeline;
  let tracesUrl: string;
  let logsUrl: string;
  // As a batching exporter does: the reviewer's spans end first and leave in an export of
  // their own, without the conversation id and before their parents; the rest follows.
  const reviewerIds = new Set(['a000000000000005', 'a000000000000006', 'a000000000000007']);
  const exportOf = (part: SpanFixture[]) =>
    gzipSync(encodeProtobuf(OTLP_MESSAGES.traceRequest, traceExport(part, { ids: 'bytes' })));
  const traceBodies = [
    exportOf(spans.filter((s) => reviewerIds.has(s.spanId))),
    exportOf(spans.filter((s) => !reviewerIds.has(s.spanId))),
  ];
  const tracesBody = traceBodies[1];
  const logsBody = JSON.stringify(logsExport(records));
  const protobufGzip = { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' };
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    pipeline = await startPipeline(env);
    tracesUrl = `${pipeline.ingestUrl}/v1/otlp/v1/traces`;
    logsUrl = `${pipeline.ingestUrl}/v1/otlp/v1/logs`;
  });
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('refuses requests without a key (401) and keys without the ingest scope (403)', async () => {
    // Error answers are google.rpc.Status in the request's encoding, as OTLP/HTTP asks.
    const anonymous = await post(tracesUrl, undefined, tracesBody, protobufGzip);
    expect(anonymous.status).toBe(401);
    expect(decodeErrorStatus(anonymous.bytes)).toEqual({
      code: 16,
      message: expect.stringContaining('Authorization: Bearer'),
    });
    const readOnly = await post(logsUrl, KEYS.alphaReadOnly, logsBody, json);
    expect(readOnly.status).toBe(403);
    expect(JSON.parse(readOnly.bytes.toString())).toEqual({
      code: 7,
      message: expect.stringContaining('"ingest" scope'),
    });
  });

  it('answers 415 to other media types and 400 to undecodable bodies', async () => {
    const ndjson = await post(logsUrl, KEYS.alpha, '{}', {
      'content-type': 'application/x-ndjson',
    });
    expect(ndjson.status).toBe(415);
    const garbage = await post(tracesUrl, KEYS.alpha, Buffer.from([0x0a, 0xff, 0xff]), {
      'content-type': 'application/x-protobuf',
    });
    expect(garbage.status).toBe(400);
    expect(decodeErrorStatus(garbage.bytes).message).toContain('not a valid protobuf');
    expect((await post(logsUrl, KEYS.alpha, '[1,2]', json)).status).toBe(400);
  });

  it('stores a session whose KPIs equal an independent calculation, sent twice, counted once', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      for (const body of traceBodies) {
        const traces = await post(tracesUrl, KEYS.alphaIngestOnly, body, protobufGzip);
        expect(traces.status).toBe(200);
        expect(traces.type).toContain('application/x-protobuf');
        // Every GenAI span was taken; the HTTP span is skipped without a word.
        expect(decodeProtobuf(OTLP_MESSAGES.traceResponse, traces.bytes)).toEqual({});
      }

      const logs = await post(logsUrl, KEYS.alphaIngestOnly, logsBody, json);
      expect(logs.status).toBe(200);
      const answer = JSON.parse(logs.bytes.toString()) as {
        partialSuccess: { rejectedLogRecords: string; errorMessage: string };
      };
      expect(answer.partialSuccess.rejectedLogRecords).toBe('1');
      expect(answer.partialSuccess.errorMessage).toContain('no session.id');
      expect(answer.partialSuccess.errorMessage).toContain('claude_code.tool_decision ×1');
    }
    await waitForConsumerCatchUp(env, 120_000);
    const metrics = await (await fetch(`${pipeline.ingestUrl}/metrics`)).text();
    for (const outcome of ['accepted', 'rejected', 'ignored'])
      expect(metrics).toMatch(
        new RegExp(`agentpulse_otlp_records_total\\{signal="logs",outcome="${outcome}"\\} [1-9]`),
      );

    const { status, body } = await getJson(
      `${pipeline.gatewayUrl}/v1/sessions/${SESSION}/summary`,
      keyOf('alpha'),
    );
    expect(status).toBe(200);
    const summary = body.summary as Record<string, number>;
    const want = expected();
    expect(summary).toMatchObject({
      tokens_in: want.tokens_in,
      tokens_out: want.tokens_out,
      tokens_cache_read: want.tokens_cache_read,
      tokens_cache_write: want.tokens_cache_write,
      tool_calls: want.tool_calls,
      messages_user: want.messages_user,
      messages_assistant: want.messages_assistant,
      agents: want.agents,
    });
    expect(summary.tool_failure_rate).toBeCloseTo(want.tool_failure_rate, 12);
    expect(summary.cost_usd).toBeCloseTo(want.cost_usd, 9);
    expect(summary.max_delegation_depth).toBe(2);
  });

  it("keeps the session invisible to another project's key", async () => {
    const { status } = await getJson(
      `${pipeline.gatewayUrl}/v1/sessions/${SESSION}/summary`,
      keyOf('beta'),
    );
    expect(status).toBe(404);
  });
});
