/**
 * Runs the compiled CLI (dist/apps/cli) like apps/cli/bin/agentpulse.js, but without its
 * rebuild-when-stale step: a benchmark's timed child must never start by compiling because
 * someone edited a source meanwhile. Usage: `node dist/bench/support/compiled-cli.js <args>`.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsconfig-paths';

const dist = join(__dirname, '..', '..');
const { compilerOptions } = JSON.parse(
  readFileSync(join(dist, '..', 'tsconfig.base.json'), 'utf8'),
) as { compilerOptions: { paths: Record<string, string[]> } };
const paths = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, targets]) => [
    alias,
    targets.map((target) => target.replace(/\/index\.ts$/, '')),
  ]),
);
register({ baseUrl: dist, paths });
void import(join(dist, 'apps', 'cli', 'src', 'main.js'));
