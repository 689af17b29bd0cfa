import { OtlpDecodeError } from './otlp-model';
import { readLogsExport, readTraceExport } from './otlp-object-reader';
import { decodeProtobuf, encodeProtobuf, OTLP_MESSAGES } from './otlp-protobuf.codec';
import { logsExport, traceExport, type SpanFixture } from './testdata/otlp-fixtures';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const span: SpanFixture = {
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  parentSpanId: 'eee19b7ec3c1b173',
  name: 'chat claude-sonnet-4',
  startMs: T0 + 0.25,
  endMs: T0 + 1500.5,
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.usage.input_tokens': 1200,
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.stream': true,
  },
  status: { code: 2, message: 'overloaded' },
};

const expectedSpan = {
  traceId: span.traceId,
  spanId: span.spanId,
  parentSpanId: span.parentSpanId,
  name: span.name,
  startTimeMs: T0 + 0.25,
  endTimeMs: T0 + 1500.5,
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.usage.input_tokens': 1200,
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.stream': true,
  },
  resource: { 'service.name': 'agent' },
  status: { code: 2, message: 'overloaded' },
};

describe('OTLP/JSON requests', () => {
  it('reads hex ids, int64 strings, enum integers and every attribute type', () => {
    const body = JSON.parse(JSON.stringify(traceExport([span]))) as unknown;
    expect(readTraceExport(body)).toEqual([expectedSpan]);
  });

  it('accepts int64 given as JSON numbers, upper-case hex and snake_case field names', () => {
    const body = {
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                {
                  trace_id: span.traceId.toUpperCase(),
                  span_id: span.spanId,
                  name: 'x',
                  start_time_unix_nano: 1_000_000_000,
                  attributes: [{ key: 'n', value: { int_value: 7 } }],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(readTraceExport(body)).toEqual([
      expect.objectContaining({
        traceId: span.traceId,
        startTimeMs: 1000,
        endTimeMs: 1000,
        attributes: { n: 7 },
      }),
    ]);
  });

  it('rejects a body that is not an export request, and ids that are not hex', () => {
    expect(() => readTraceExport([1, 2])).toThrow(OtlpDecodeError);
    expect(() => readTraceExport({ resourceSpans: 'no' })).toThrow(OtlpDecodeError);
    const badId = traceExport([{ ...span, traceId: 'not-hex!' }]);
    expect(() => readTraceExport(badId)).toThrow(/traceId must be a hex string/);
  });

  it('reads log records: event_name, body, attributes, times', () => {
    const body = logsExport([
      {
        timeMs: T0,
        body: 'claude_code.api_request',
        eventName: 'claude_code.api_request',
        attributes: { 'session.id': 's-1', input_tokens: '12' },
      },
    ]);
    expect(readLogsExport(JSON.parse(JSON.stringify(body)))).toEqual([
      {
        timeMs: T0,
        observedTimeMs: T0,
        severityText: '',
        body: 'claude_code.api_request',
        eventName: 'claude_code.api_request',
        attributes: { 'session.id': 's-1', input_tokens: '12' },
        resource: { 'service.name': 'claude-code' },
      },
    ]);
  });
});

describe('OTLP protobuf requests', () => {
  it('decode to what the same request gives in JSON (trace request)', () => {
    const bytes = encodeProtobuf(OTLP_MESSAGES.traceRequest, traceExport([span], { ids: 'bytes' }));
    const decoded = readTraceExport(decodeProtobuf(OTLP_MESSAGES.traceRequest, bytes));
    expect(decoded).toEqual([expectedSpan]);
  });

  it('decode log records including LogRecord.event_name', () => {
    const request = logsExport([
      { timeMs: T0, eventName: 'claude_code.tool_result', attributes: { success: 'true' } },
    ]);
    const bytes = encodeProtobuf(OTLP_MESSAGES.logsRequest, request);
    expect(readLogsExport(decodeProtobuf(OTLP_MESSAGES.logsRequest, bytes))).toEqual(
      readLogsExport(JSON.parse(JSON.stringify(request))),
    );
  });

  it('answer 400 material for bytes that are not a request', () => {
    expect(() =>
      decodeProtobuf(OTLP_MESSAGES.traceRequest, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f])),
    ).toThrow(OtlpDecodeError);
    expect(() => decodeProtobuf(OTLP_MESSAGES.traceRequest, { not: 'bytes' })).toThrow(
      OtlpDecodeError,
    );
  });

  it('encode a partial-success response that decodes back', () => {
    const bytes = encodeProtobuf(OTLP_MESSAGES.logsResponse, {
      partialSuccess: { rejectedLogRecords: 3, errorMessage: 'why' },
    });
    expect(decodeProtobuf(OTLP_MESSAGES.logsResponse, bytes)).toEqual({
      partialSuccess: { rejectedLogRecords: '3', errorMessage: 'why' },
    });
  });
});
