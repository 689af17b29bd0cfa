import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { LineSource } from '../import-source';
import { RolloutParser, type RolloutState } from './rollout-parser';

const ROLLOUT = /^rollout-.*\.jsonl$/;

/**
 * The directory holding the rollouts: `root` itself when it is the `sessions/` directory (or
 * any folder of rollouts), `root/sessions` when `root` is `CODEX_HOME`.
 */
async function sessionsDir(root: string): Promise<string> {
  const nested = join(root, 'sessions');
  const isDir = await stat(nested).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDir ? nested : root;
}

/**
 * Codex CLI sessions: `sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl`, one append-only file
 * per thread (a resumed session appends to its file; a fork gets a new one). Files come in
 * name order, which is creation order, so a parent is read before its forks.
 */
export const codexSource: LineSource = {
  kind: 'lines',
  name: 'codex',
  async discover(root) {
    const dir = await sessionsDir(root);
    const entries = await readdir(dir, { recursive: true });
    return entries
      .filter((entry) => ROLLOUT.test(basename(entry)))
      .sort()
      .map((entry) => join(dir, entry));
  },
  parser(file, _root, state) {
    return new RolloutParser(file, state as RolloutState | undefined);
  },
};
