import * as generated from '@opentelemetry/otlp-transformer/build/src/generated/root';
import { OtlpDecodeError } from './otlp-model';

/**
 * Protobuf encoding of the OTLP collector services, from the OpenTelemetry maintainers' own
 * code generated out of the official opentelemetry-proto definitions (protobufjs static
 * module, as shipped in @opentelemetry/otlp-transformer 0.214.0, pinned exactly).
 *
 * Why this and not something else: the current otlp-transformer (0.215 onwards) replaced it
 * with an encode-only writer for SDK objects and exports no request decoder at all; npm has
 * no package of the official .proto files, and copying them into this repository or writing
 * the messages by hand would be definitions nobody maintains. The module covers proto 1.x
 * including `LogRecord.event_name`; it is reached by its build path because the package does
 * not export it, which is why the version is pinned and the unit specs round-trip through it.
 */

interface ConversionOptions {
  longs: typeof String;
  enums: typeof Number;
  defaults: boolean;
}

interface MessageType {
  decode(bytes: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  fromObject(object: Record<string, unknown>): object;
  toObject(message: object, options: ConversionOptions): Record<string, unknown>;
}

interface CollectorService {
  v1: Record<string, MessageType>;
}

const collector = (
  generated as unknown as {
    opentelemetry: { proto: { collector: { trace: CollectorService; logs: CollectorService } } };
  }
).opentelemetry.proto.collector;

/** The collector messages AgentPulse reads and answers with. */
export const OTLP_MESSAGES = {
  traceRequest: collector.trace.v1.ExportTraceServiceRequest,
  traceResponse: collector.trace.v1.ExportTraceServiceResponse,
  logsRequest: collector.logs.v1.ExportLogsServiceRequest,
  logsResponse: collector.logs.v1.ExportLogsServiceResponse,
} as const;

/**
 * Decodes a protobuf request into the OTLP object shape (int64 as decimal strings, enums as
 * numbers, bytes as Buffers) that {@link readTraceExport} / {@link readLogsExport} read.
 */
export function decodeProtobuf(type: MessageType, body: unknown): Record<string, unknown> {
  if (!(body instanceof Uint8Array))
    throw new OtlpDecodeError('the protobuf request body is missing');
  try {
    return type.toObject(type.decode(body), { longs: String, enums: Number, defaults: false });
  } catch (error) {
    throw new OtlpDecodeError(
      `the body is not a valid protobuf export request: ${(error as Error).message}`,
    );
  }
}

/** Encodes a message given in the OTLP object shape (used for responses and test fixtures). */
export function encodeProtobuf(type: MessageType, object: Record<string, unknown>): Buffer {
  return Buffer.from(type.encode(type.fromObject(object)).finish());
}
