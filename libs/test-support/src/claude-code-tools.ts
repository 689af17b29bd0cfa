import { SUBAGENT_TYPES, type TranscriptText } from './claude-code-corpus';
import type { SeededRandom } from './seeded-random';

type Json = Record<string, unknown>;

/** A `tool_use` block as Claude Code's assistant entries carry it. */
export interface ToolCall {
  id: string;
  name: string;
  input: Json;
}

/** A tool's answer: the `tool_result` content, the line's `toolUseResult`, the file it touched. */
export interface ToolOutcome {
  content: string;
  result: unknown;
  read?: string;
  written?: string;
}

/** Tool calls of Claude Code's built-in tools (Read/Edit/Write/Bash/Grep, Task) and their results. */
export class ToolCalls {
  constructor(
    private readonly random: SeededRandom,
    private readonly text: TranscriptText,
    private readonly cwd: string,
    private readonly options: { subagentPercent: number; toolResultBytes: [number, number] },
  ) {}

  /** A call; only the main thread starts sub-agents (`Task`). */
  call(mainThread: boolean): ToolCall {
    const id = this.text.toolUseId();
    const path = `${this.cwd}/src/${this.random.pick(['api', 'core', 'cli'])}/module-${this.random.int(1, 60)}.ts`;
    const roll = this.random.int(0, 99);
    if (mainThread && roll < this.options.subagentPercent) {
      const agentType = this.random.pick(SUBAGENT_TYPES);
      return {
        id,
        name: 'Task',
        input: {
          description: this.text.sentence(3),
          prompt: this.text.sentence(25),
          subagent_type: agentType,
        },
      };
    }
    if (roll < 45) return { id, name: 'Read', input: { file_path: path } };
    if (roll < 58)
      return {
        id,
        name: 'Edit',
        input: {
          file_path: path,
          old_string: this.text.sentence(6),
          new_string: this.text.sentence(7),
          replace_all: false,
        },
      };
    if (roll < 66)
      return {
        id,
        name: 'Write',
        input: { file_path: path, content: this.text.source(this.random.int(200, 6_000)) },
      };
    if (roll < 85)
      return {
        id,
        name: 'Bash',
        input: { command: `npx jest ${path}`, description: 'Run the tests' },
      };
    return {
      id,
      name: 'Grep',
      input: { pattern: this.text.sentence(1), path: this.cwd, output_mode: 'files_with_matches' },
    };
  }

  /** The result of a call other than `Task`; a failed call touches no file. */
  outcome(call: ToolCall, failed: boolean): ToolOutcome {
    const path = call.input.file_path as string | undefined;
    if (failed) {
      const content = `<tool_use_error>${call.name === 'Bash' ? 'Command failed with exit code 1' : 'File does not exist.'}</tool_use_error>`;
      return { content, result: `Error: ${content}` };
    }
    if (call.name === 'Read') {
      const [min, max] = this.options.toolResultBytes;
      const content = this.text.source(this.random.int(min, max));
      const numLines = content.split('\n').length;
      const file = { filePath: path, content, numLines, startLine: 1, totalLines: numLines };
      return { content, result: { type: 'text', file }, read: path };
    }
    if (call.name === 'Write') {
      const result = {
        type: 'create',
        filePath: path,
        content: call.input.content,
        structuredPatch: [],
      };
      return { content: `File created successfully at: ${path}`, result, written: path };
    }
    if (call.name === 'Edit') {
      const result = {
        filePath: path,
        oldString: call.input.old_string,
        newString: call.input.new_string,
        structuredPatch: [
          { oldStart: 3, oldLines: 1, newStart: 3, newLines: 1, lines: ['-a', '+b'] },
        ],
        userModified: false,
        replaceAll: false,
      };
      return { content: `The file ${path} has been updated.`, result, written: path };
    }
    if (call.name === 'Bash') {
      const content = this.text.source(this.random.int(100, 4_000));
      return {
        content,
        result: { stdout: content, stderr: '', interrupted: false, isImage: false },
      };
    }
    const filenames = [`${this.cwd}/src/core/module-${this.random.int(1, 60)}.ts`];
    return {
      content: `Found ${filenames.length} file\n${filenames.join('\n')}`,
      result: { mode: 'files_with_matches', filenames, numFiles: filenames.length },
    };
  }
}
