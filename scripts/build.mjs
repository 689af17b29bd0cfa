// Compiles apps/ and libs/ to dist/ (tsc, incremental), copies the SQL migrations beside
// the compiled code that loads them, and bundles the dashboard page (Vite) into dist/dashboard/
// for the gateway to serve. Run by `npm install` (prepare) and by the agentpulse bin.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const started = Date.now();
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
  cwd: root,
});

function copySql(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copySql(path);
    else if (entry.name.endsWith('.sql')) {
      const target = join(root, 'dist', relative(root, path));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(path, target);
    }
  }
}
copySql(join(root, 'libs'));

const { build } = await import('vite');
await build({
  configFile: join(root, 'apps', 'dashboard', 'vite.config.mjs'),
  logLevel: 'warn',
});
writeFileSync(join(root, 'dist', '.build-stamp'), new Date().toISOString());
process.stderr.write(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
