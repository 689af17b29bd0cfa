import { claudeCodeSource } from './claude-code/claude-code-source';
import { codexSource } from './codex/codex-source';
import type { ImportSource, SourceName } from './import-source';
import { opencodeSource } from './opencode/opencode-source';

/** The sources `agentpulse import` can read, by the name the command takes. */
export const IMPORT_SOURCES: Partial<Record<SourceName, ImportSource>> = {
  'claude-code': claudeCodeSource,
  opencode: opencodeSource,
  codex: codexSource,
};
