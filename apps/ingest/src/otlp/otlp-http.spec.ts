import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { decodeErrorStatus } from './otlp-error-status';
import { registerOtlpHttp } from './otlp-http';
import { decodeProtobuf, encodeProtobuf, OTLP_MESSAGES } from './otlp-protobuf.codec';
import { traceExport } from './testdata/otlp-fixtures';

const LIMIT = 64 * 1024;

/** A bare Fastify with the OTLP HTTP settings and routes that echo what they received. */
async function server(): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: LIMIT });
  // Stands in for the app's error filter ({error, message} with the error's status).
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    void reply.code(error.statusCode ?? 500).send({ error: 'x', message: error.message });
  });
  await registerOtlpHttp(app);
  app.post('/v1/otlp/v1/traces', async (request) => {
    const body = request.body;
    if (Buffer.isBuffer(body))
      return { bytes: body.length, request: decodeProtobuf(OTLP_MESSAGES.traceRequest, body) };
    return { json: body };
  });
  app.post('/v1/events', async () => ({ ok: true }));
  await app.ready();
  return app;
}

const request = traceExport(
  [
    {
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      name: 'chat',
      startMs: Date.UTC(2026, 0, 1),
      endMs: Date.UTC(2026, 0, 1) + 10,
      attributes: { 'gen_ai.operation.name': 'chat' },
    },
  ],
  { ids: 'bytes' },
);

describe('OTLP over HTTP: protobuf bodies and gzip', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await server();
  });
  afterAll(async () => {
    await app.close();
  });

  it('hands a gzip-compressed protobuf body over decompressed', async () => {
    const bytes = encodeProtobuf(OTLP_MESSAGES.traceRequest, request);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/otlp/v1/traces',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      payload: gzipSync(bytes),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ bytes: number; request: { resourceSpans: unknown[] } }>();
    expect(body.bytes).toBe(bytes.length);
    expect(body.request.resourceSpans).toHaveLength(1);
  });

  it('decompresses gzip JSON too', async () => {
    const json = JSON.stringify({ resourceSpans: [] });
    const response = await app.inject({
      method: 'POST',
      url: '/v1/otlp/v1/traces',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(json),
    });
    expect(response.json()).toEqual({ json: { resourceSpans: [] } });
  });

  it('answers 413 to a gzip bomb: the limit counts decompressed bytes', async () => {
    const bomb = gzipSync(Buffer.alloc(LIMIT * 64));
    expect(bomb.length).toBeLessThan(LIMIT);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/otlp/v1/traces',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      payload: bomb,
    });
    expect(response.statusCode).toBe(413);
    // The refusal is a google.rpc.Status in the request's encoding.
    expect(response.headers['content-type']).toBe('application/x-protobuf');
    expect(decodeErrorStatus(response.rawPayload)).toEqual({
      code: 8,
      message: expect.stringContaining('too large'),
    });
  });

  it('answers 400 to a body that is not gzip, 415 to an unknown encoding', async () => {
    const corrupt = await app.inject({
      method: 'POST',
      url: '/v1/otlp/v1/traces',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      payload: Buffer.from('definitely not gzip'),
    });
    expect(corrupt.statusCode).toBe(400);
    expect(decodeErrorStatus(corrupt.rawPayload)).toEqual({
      code: 3,
      message: 'the body is not valid gzip data',
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/v1/otlp/v1/traces',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'br' },
      payload: Buffer.from('x'),
    });
    expect(unknown.statusCode).toBe(415);
  });

  it('answers errors to JSON requests as a JSON Status', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/otlp/v1/traces',
      headers: { 'content-type': 'application/json' },
      payload: '{"resourceSpans": [',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ code: 3, message: expect.any(String) });
  });

  it('takes protobuf and gzip on the OTLP routes only', async () => {
    const protobuf = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/x-protobuf' },
      payload: Buffer.from([1, 2, 3]),
    });
    expect(protobuf.statusCode).toBe(415);
    const gzipped = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync('{}'),
    });
    expect(gzipped.statusCode).toBe(400);
  });
});
