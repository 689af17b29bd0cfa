import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LineSource } from '../import-source';
import { ClaudeCodeParser } from './claude-code-parser';

/** `<root>` may be Claude Code's config dir (`~/.claude`) or its `projects/` dir itself. */
async function projectsDir(root: string): Promise<string> {
  const nested = join(root, 'projects');
  const found = await stat(nested).catch(() => undefined);
  return found?.isDirectory() ? nested : root;
}

async function entries(dir: string) {
  const found = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Claude Code transcripts: `projects/<project>/<session>.jsonl` and the sub-agent transcripts
 * of `projects/<project>/<session>/subagents/*.jsonl`, listed project by project with the
 * sub-agents' transcripts first. A sub-agent's responses also reach its parent's transcript,
 * relayed in `progress` lines under the same ids; an id counts once, first come, and the
 * sub-agent's own file always has every streamed entry of a response, so it goes first.
 */
export const claudeCodeSource: LineSource = {
  kind: 'lines',
  name: 'claude-code',
  async discover(root) {
    const files: string[] = [];
    const projects = await projectsDir(root);
    for (const project of await entries(projects)) {
      if (!project.isDirectory()) continue;
      const dir = join(projects, project.name);
      const listed = await entries(dir);
      for (const entry of listed) {
        if (!entry.isDirectory()) continue;
        const subagents = join(dir, entry.name, 'subagents');
        for (const sub of await entries(subagents))
          if (sub.isFile() && sub.name.endsWith('.jsonl')) files.push(join(subagents, sub.name));
      }
      for (const entry of listed)
        if (entry.isFile() && entry.name.endsWith('.jsonl')) files.push(join(dir, entry.name));
    }
    return files;
  },
  parser: (file, _root, state) => new ClaudeCodeParser(file, state),
};
