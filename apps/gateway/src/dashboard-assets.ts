import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The page may load scripts, styles and data from this origin only, and open sockets back to
 * it; nothing inline, no frames. Its assets hold no data, so they need no key.
 */
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT =
  'The dashboard is not built: run `npm run build` (npm install also builds it), then reload.\n';

/** The repository root: the first folder above this file that holds package.json. */
function repositoryRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/** Where scripts/build.mjs writes the dashboard (Vite): index.html and hashed assets/. */
export function defaultDashboardDir(): string {
  return join(repositoryRoot(), 'dist', 'dashboard');
}

/**
 * Serves the dashboard page at `/` (never cached, so a rebuild shows at the next load) and its
 * content-hashed assets under `/assets/` (cached for a year). Like /docs these are plain
 * Fastify routes outside the Nest controllers, so the API-key guard never sees them; every
 * request the page makes for data carries the key. When the build is missing, `/` says how
 * to make it (503).
 */
export async function serveDashboard(
  app: NestFastifyApplication,
  dir: string = defaultDashboardDir(),
): Promise<void> {
  const assets = join(dir, 'assets');
  if (existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: '365d',
      setHeaders: (reply) => reply.header('x-content-type-options', 'nosniff'),
    });
  }
  app
    .getHttpAdapter()
    .getInstance()
    .get('/', async (_request, reply) => {
      let page: string;
      try {
        page = await readFile(join(dir, 'index.html'), 'utf8');
      } catch {
        return reply
          .code(503)
          .header('cache-control', 'no-store')
          .type('text/plain; charset=utf-8')
          .send(NOT_BUILT);
      }
      return reply
        .header('cache-control', 'no-cache')
        .header('content-security-policy', PAGE_POLICY)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .type('text/html; charset=utf-8')
        .send(page);
    });
}
