import { Field, Type } from 'protobufjs';

/**
 * OTLP/HTTP wants every 4xx/5xx body to be a `google.rpc.Status` in the request's encoding
 * (exporters and collectors put its message into their own error reports). google.rpc.Status
 * is not among the OpenTelemetry collector messages, so its two fields used here are declared
 * through protobufjs' reflection API (field numbers of google/rpc/status.proto); `details`
 * (field 3) is never sent.
 */
const Status = new Type('Status')
  .add(new Field('code', 1, 'int32'))
  .add(new Field('message', 2, 'string'));

/** The gRPC code matching each HTTP answer (informative only: OTLP clients act on HTTP). */
const GRPC_CODE: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  429: 8, // RESOURCE_EXHAUSTED
  503: 14, // UNAVAILABLE
};

export interface ErrorStatus {
  code: number;
  message: string;
}

/** The Status for an error answer whose body (as the app's error filter wrote it) is given. */
export function errorStatus(httpStatus: number, body: unknown): ErrorStatus {
  let message = `HTTP ${httpStatus}`;
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  if (typeof text === 'string') {
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string' && parsed.message !== '') message = parsed.message;
    } catch {
      if (text !== '') message = text;
    }
  }
  return { code: GRPC_CODE[httpStatus] ?? 2 /* UNKNOWN */, message };
}

export function encodeErrorStatus(status: ErrorStatus): Buffer {
  return Buffer.from(Status.encode(Status.fromObject(status)).finish());
}

export function decodeErrorStatus(bytes: Uint8Array): ErrorStatus {
  return Status.toObject(Status.decode(bytes), { defaults: true }) as ErrorStatus;
}
