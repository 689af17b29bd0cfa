// The dashboard's build: `node scripts/build.mjs` (run by `npm install`) writes it to
// dist/dashboard/, which the gateway serves at `/`. For work on the page itself,
// `npx vite --config apps/dashboard/vite.config.mjs` serves it with hot reload and forwards
// the API and socket.io to a running gateway (GATEWAY_PORT, default 8080).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const gateway = `http://127.0.0.1:${process.env.GATEWAY_PORT || 8080}`;

export default defineConfig({
  root: here('.'),
  base: '/',
  // Preact's automatic JSX runtime, without a framework plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../../dist/dashboard'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/v1': gateway,
      '/socket.io': { target: gateway, ws: true },
    },
  },
});
