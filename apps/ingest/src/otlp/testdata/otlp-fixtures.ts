/**
 * Builders of OTLP export requests for the specs and tests/otlp.e2e.ts, written from the
 * OTLP/JSON encoding rules (hex ids, int64 as decimal strings, enums as integers). With
 * `ids: 'bytes'` the same request is in the object shape protobufjs encodes (ids as bytes).
 */

export type FixtureValue = string | number | boolean;

export interface SpanFixture {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, FixtureValue>;
  /** OTLP status code: 0 unset, 1 ok, 2 error */
  status?: { code: number; message?: string };
}

export interface LogFixture {
  timeMs: number;
  body?: string;
  eventName?: string;
  attributes: Record<string, FixtureValue>;
}

interface Options {
  ids?: 'hex' | 'bytes';
  resource?: Record<string, FixtureValue>;
}

const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

function anyValue(value: FixtureValue): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

function keyValues(attributes: Record<string, FixtureValue>): Array<Record<string, unknown>> {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export function traceExport(spans: SpanFixture[], options: Options = {}): Record<string, unknown> {
  const id = (hex: string | undefined) =>
    hex === undefined ? undefined : options.ids === 'bytes' ? Buffer.from(hex, 'hex') : hex;
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues(options.resource ?? { 'service.name': 'agent' }) },
        scopeSpans: [
          {
            scope: { name: 'fixture' },
            spans: spans.map((span) => ({
              traceId: id(span.traceId),
              spanId: id(span.spanId),
              parentSpanId: id(span.parentSpanId),
              name: span.name,
              kind: 1,
              startTimeUnixNano: nanos(span.startMs),
              endTimeUnixNano: nanos(span.endMs),
              attributes: keyValues(span.attributes),
              status: span.status ?? { code: 0 },
            })),
          },
        ],
      },
    ],
  };
}

export function logsExport(records: LogFixture[], options: Options = {}): Record<string, unknown> {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: keyValues(options.resource ?? { 'service.name': 'claude-code' }),
        },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code.events' },
            logRecords: records.map((record) => ({
              timeUnixNano: nanos(record.timeMs),
              observedTimeUnixNano: nanos(record.timeMs),
              severityNumber: 9,
              body: record.body === undefined ? undefined : { stringValue: record.body },
              eventName: record.eventName,
              attributes: keyValues(record.attributes),
            })),
          },
        ],
      },
    ],
  };
}
