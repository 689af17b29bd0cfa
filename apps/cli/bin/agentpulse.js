#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (dist/). `npm install` builds it (the root `prepare` script); when the
// sources (services, libs, benchmarks, the dashboard page) are newer than the build, or it is
// missing, it is rebuilt here first.
const { execFileSync } = require('node:child_process');
const { existsSync, readFileSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') newest = Math.max(newest, newestSource(path));
    } else if (
      /\.(ts|tsx|css|html|mjs|sql|json)$/.test(entry.name) &&
      !entry.name.endsWith('.spec.ts')
    ) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

const stale =
  !existsSync(stamp) ||
  ['apps', 'libs', 'bench'].some((d) => newestSource(join(root, d)) > statSync(stamp).mtimeMs);
if (stale) {
  process.stderr.write('agentpulse: building (sources changed since the last build)…\n');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
}

// The same @agentpulse/* aliases as tsconfig.base.json, pointing at the compiled files.
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const paths = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, targets]) => [
    alias,
    targets.map((t) => t.replace(/\/index\.ts$/, '')),
  ]),
);
require('tsconfig-paths').register({ baseUrl: dist, paths });
require('reflect-metadata');
if (process.argv[2] === 'bench') {
  // `agentpulse bench <name> [args]` runs bench/<name>.bench.ts from the same compiled tree.
  const name = process.argv[3];
  process.argv.splice(2, 2);
  require(join(dist, 'bench', `${name}.bench.js`));
} else {
  require(join(dist, 'apps', 'cli', 'src', 'main.js'));
}
