import fastifyCompress from '@fastify/compress';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { encodeErrorStatus, errorStatus } from './otlp-error-status';

/** Where the OTLP receiver's routes live (see OtlpController). */
export const OTLP_ROUTE_PREFIX = '/v1/otlp/';

const unsupportedHere = (): Error =>
  Object.assign(new Error('application/x-protobuf is accepted only by the OTLP endpoints'), {
    statusCode: 415,
  });

/**
 * What OTLP/HTTP needs of the HTTP layer, for the OTLP routes only:
 * - protobuf bodies as raw bytes (decoded by the controller);
 * - `Content-Encoding: gzip` (OTLP exporters' usual compression). Fastify does not decompress
 *   request bodies; @fastify/compress does it in the route's preParsing step, and Fastify's
 *   body limit then counts the DECOMPRESSED bytes as they stream (and the compressed ones), so
 *   a gzip bomb is cut off at the limit and answered 413 instead of filling memory. Unknown
 *   encodings are answered 415, corrupt gzip 400. Replies are never compressed;
 * - error answers as a `google.rpc.Status` in the request's encoding (OTLP/HTTP), whichever
 *   step refused the request (key guard, body limit, parser, controller).
 * Must run before the app listens: the routes are built then.
 */
export async function acceptOtlp(app: NestFastifyApplication): Promise<void> {
  await registerOtlpHttp(app.getHttpAdapter().getInstance());
}

export async function registerOtlpHttp(fastify: FastifyInstance): Promise<void> {
  fastify.addContentTypeParser(
    'application/x-protobuf',
    { parseAs: 'buffer' },
    (request, body, done) => {
      if (!request.url.startsWith(OTLP_ROUTE_PREFIX)) done(unsupportedHere(), undefined);
      else done(null, body);
    },
  );
  // Runs before @fastify/compress's own onRoute hook (registered below), marking which routes
  // it decompresses and how (a route's settings replace the plugin's, so they are all here).
  fastify.addHook('onRoute', (route) => {
    if (route.url.startsWith(OTLP_ROUTE_PREFIX))
      route.decompress = {
        requestEncodings: ['gzip', 'deflate', 'identity'],
        // Copied onto the zlib error by the plugin; a plain object, so every field is copied.
        onInvalidRequestPayload: (encoding: string) => ({
          name: 'OtlpInvalidCompressedBody',
          statusCode: 400,
          message: `the body is not valid ${encoding} data`,
        }),
      };
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith(OTLP_ROUTE_PREFIX) || reply.statusCode < 400) return payload;
    const status = errorStatus(reply.statusCode, payload);
    const protobuf = (request.headers['content-type'] ?? '')
      .toLowerCase()
      .startsWith('application/x-protobuf');
    void reply.header('content-type', protobuf ? 'application/x-protobuf' : 'application/json');
    return protobuf ? encodeErrorStatus(status) : JSON.stringify(status);
  });
  await fastify.register(fastifyCompress, { global: false });
}
