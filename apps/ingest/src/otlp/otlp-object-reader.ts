import {
  OtlpDecodeError,
  type AttributeValue,
  type Attributes,
  type OtlpLogRecord,
  type OtlpSpan,
} from './otlp-model';

/**
 * Reads an export request in the OTLP object shape: either OTLP/JSON as parsed (hex ids,
 * int64 as strings or numbers, enums as integers) or the object protobufjs makes of a decoded
 * protobuf request (ids as bytes, int64 as strings). Fields take their lowerCamelCase names,
 * and the original snake_case ones are accepted too, as protobuf's JSON mapping requires of
 * a parser. Absent fields take their proto3 defaults; a wrong shape is an {@link OtlpDecodeError}.
 */

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const snakeCase = new Map<string, string>();

function field(obj: Obj, camel: string): unknown {
  if (obj[camel] !== undefined) return obj[camel];
  let snake = snakeCase.get(camel);
  if (snake === undefined) {
    snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakeCase.set(camel, snake);
  }
  return obj[snake];
}

function list(obj: Obj, camel: string, where: string): Obj[] {
  const value = field(obj, camel);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObj))
    throw new OtlpDecodeError(`${where}.${camel} must be an array of objects`);
  return value;
}

function text(obj: Obj, camel: string): string {
  const value = field(obj, camel);
  return typeof value === 'string' ? value : '';
}

/** Trace and span ids: hex in OTLP/JSON, bytes in protobuf; always lower-case hex here. */
function id(obj: Obj, camel: string, where: string): string {
  const value = field(obj, camel);
  if (value === undefined || value === null || value === '') return '';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'string' && /^[0-9a-fA-F]*$/.test(value) && value.length % 2 === 0)
    return value.toLowerCase();
  throw new OtlpDecodeError(`${where}.${camel} must be a hex string`);
}

/** fixed64 nanoseconds (string or number) → epoch ms with microsecond precision. */
function nanosToMs(obj: Obj, camel: string, where: string): number | undefined {
  const value = field(obj, camel);
  if (value === undefined || value === null || value === '' || value === '0' || value === 0)
    return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value / 1e6;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(BigInt(value) / 1000n) / 1000;
  throw new OtlpDecodeError(`${where}.${camel} must be an integer (nanoseconds since the epoch)`);
}

function integer(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

/** An AnyValue as plain JSON; an empty AnyValue is null. */
function anyValue(value: unknown): AttributeValue {
  if (!isObj(value)) return null;
  const str = field(value, 'stringValue');
  if (typeof str === 'string') return str;
  const bool = field(value, 'boolValue');
  if (typeof bool === 'boolean') return bool;
  const int = integer(field(value, 'intValue'));
  if (int !== undefined) return int;
  const double = field(value, 'doubleValue');
  if (typeof double === 'number') return double;
  if (typeof double === 'string' && double !== '' && !Number.isNaN(Number(double)))
    return Number(double);
  const array = field(value, 'arrayValue');
  if (isObj(array)) return list(array, 'values', 'arrayValue').map(anyValue);
  const kvlist = field(value, 'kvlistValue');
  if (isObj(kvlist)) return attributes(kvlist, 'values', 'kvlistValue');
  const bytes = field(value, 'bytesValue');
  if (bytes instanceof Uint8Array) return Buffer.from(bytes).toString('base64');
  if (typeof bytes === 'string') return bytes;
  return null;
}

function attributes(obj: Obj, camel: string, where: string): Attributes {
  const out: Attributes = {};
  for (const kv of list(obj, camel, where)) {
    const key = field(kv, 'key');
    if (typeof key === 'string' && key !== '') out[key] = anyValue(field(kv, 'value'));
  }
  return out;
}

/** The field names of one signal's resource → scope → record nesting. */
interface Nesting {
  resources: string;
  scopes: string;
  records: string;
}

/**
 * Every record of an export request with its resource's attributes: both signals nest records
 * the same way (resource → scope → record), under their own field names.
 */
function* recordsOf(body: unknown, names: Nesting): Generator<[Obj, Attributes]> {
  if (!isObj(body)) throw new OtlpDecodeError('the body must be an OTLP export request object');
  for (const perResource of list(body, names.resources, 'request')) {
    const resourceObj = field(perResource, 'resource');
    const resource = isObj(resourceObj) ? attributes(resourceObj, 'attributes', 'resource') : {};
    for (const perScope of list(perResource, names.scopes, names.resources))
      for (const record of list(perScope, names.records, names.scopes)) yield [record, resource];
  }
}

/** Every span of an ExportTraceServiceRequest, with its resource's attributes. */
export function readTraceExport(body: unknown): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  const nesting = { resources: 'resourceSpans', scopes: 'scopeSpans', records: 'spans' };
  for (const [span, resource] of recordsOf(body, nesting)) {
    const where = 'span';
    const status = field(span, 'status');
    const startTimeMs = nanosToMs(span, 'startTimeUnixNano', where) ?? 0;
    spans.push({
      traceId: id(span, 'traceId', where),
      spanId: id(span, 'spanId', where),
      parentSpanId: id(span, 'parentSpanId', where),
      name: text(span, 'name'),
      startTimeMs,
      endTimeMs: nanosToMs(span, 'endTimeUnixNano', where) ?? startTimeMs,
      attributes: attributes(span, 'attributes', where),
      resource,
      status: isObj(status)
        ? { code: integer(field(status, 'code')) ?? 0, message: text(status, 'message') }
        : { code: 0, message: '' },
    });
  }
  return spans;
}

/** Every log record of an ExportLogsServiceRequest, with its resource's attributes. */
export function readLogsExport(body: unknown): OtlpLogRecord[] {
  const records: OtlpLogRecord[] = [];
  const nesting = { resources: 'resourceLogs', scopes: 'scopeLogs', records: 'logRecords' };
  for (const [record, resource] of recordsOf(body, nesting)) {
    const where = 'logRecord';
    records.push({
      timeMs: nanosToMs(record, 'timeUnixNano', where),
      observedTimeMs: nanosToMs(record, 'observedTimeUnixNano', where),
      severityText: text(record, 'severityText'),
      body: anyValue(field(record, 'body')),
      eventName: text(record, 'eventName'),
      attributes: attributes(record, 'attributes', where),
      resource,
    });
  }
  return records;
}
