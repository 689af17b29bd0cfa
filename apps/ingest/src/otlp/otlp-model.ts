import { UnreadableBodyError } from '../event-intake';

/**
 * What the OTLP receiver reads out of an export request, whatever its encoding: ids as
 * lower-case hex, times as epoch milliseconds, attribute values as plain JSON. The mappers
 * work on this shape only, so the JSON and protobuf decoders are the only code that knows
 * the wire formats.
 */

/** An OTLP AnyValue as plain JSON (bytes values become base64 strings). */
export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

/** OTLP `Status.code`: 0 unset, 1 ok, 2 error. */
export const SPAN_STATUS_ERROR = 2;

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span */
  parentSpanId: string;
  name: string;
  /** epoch ms with sub-millisecond precision */
  startTimeMs: number;
  endTimeMs: number;
  attributes: Attributes;
  /** the attributes of the resource that emitted the span (service.name, session.id, …) */
  resource: Attributes;
  status: { code: number; message: string };
}

export interface OtlpLogRecord {
  /** epoch ms, undefined when the record carries no time */
  timeMs?: number;
  observedTimeMs?: number;
  severityText: string;
  body: AttributeValue;
  /** LogRecord.event_name (OTLP 1.5+); '' when absent */
  eventName: string;
  attributes: Attributes;
  resource: Attributes;
}

/**
 * The export request cannot be read at all: answered 400 (as every unreadable ingest body,
 * see ingest-errors.ts), and nothing of it is stored.
 */
export class OtlpDecodeError extends UnreadableBodyError {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

/** What a mapper made of an export: events for the intake chain, and what it left out. */
export interface MappedExport {
  /** CONTRACT events, not yet validated: the intake chain validates and normalises them */
  events: unknown[];
  /** one reason per record that was meant to be mapped but could not be */
  rejected: string[];
  /** records outside what AgentPulse maps (other spans, other log events), counted by name */
  ignored: Map<string, number>;
  /** mapped, but with an assumption the sender should know about */
  warnings: string[];
}

export function emptyMappedExport(): MappedExport {
  return { events: [], rejected: [], ignored: new Map(), warnings: [] };
}

/** A string attribute value, or undefined when absent, empty or not a string. */
export function stringAttr(attributes: Attributes, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

/**
 * A numeric attribute value; numbers sent as strings (as Claude Code does) are read too.
 * Undefined when absent; NaN when present but not a number, so callers can reject it.
 */
export function numberAttr(attributes: Attributes, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '') return Number(value);
    return Number.NaN;
  }
  return undefined;
}
