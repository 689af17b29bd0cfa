import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Ingest reads JSON and NDJSON only. NDJSON bodies reach the intake as text, so each line is
 * parsed (and rejected) on its own; any other media type, text/plain included, is answered 415.
 */
export function acceptNdjson(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(
    ['application/x-ndjson', 'application/ndjson'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );
}
