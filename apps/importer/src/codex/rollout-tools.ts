/**
 * What a Codex tool call tells about its outcome and the files it touched. Codex records a
 * call as `function_call` / `custom_tool_call` (arguments as a JSON string or raw text) and its
 * result as `function_call_output` / `custom_tool_call_output`, whose `output` is either plain
 * text or a JSON string wrapping `{output, metadata: {exit_code}}` for shell commands.
 */

export interface PatchedFile {
  operation: 'write' | 'edit' | 'delete';
  path: string;
}

/** Arguments as JSON when they parse, otherwise the raw text (custom tools take free text). */
export function parseArguments(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** The text of a call's output and whether it failed (non-zero exit code or `success: false`). */
export function readOutput(output: unknown): { text: string; failed: boolean } {
  if (typeof output === 'object' && output !== null) {
    const record = output as Record<string, unknown>;
    const text = typeof record.content === 'string' ? record.content : JSON.stringify(output);
    return { text, failed: record.success === false };
  }
  const text = typeof output === 'string' ? output : '';
  const parsed = parseArguments(text);
  if (typeof parsed === 'object' && parsed !== null) {
    const record = parsed as { output?: unknown; metadata?: { exit_code?: unknown } };
    const exitCode = record.metadata?.exit_code;
    return {
      text: typeof record.output === 'string' ? record.output : text,
      failed: typeof exitCode === 'number' && exitCode !== 0,
    };
  }
  return { text, failed: false };
}

const PATCH_HEADER = /^\*\*\* (Add|Update|Delete) File: (.+)$/;
const OPERATIONS = { Add: 'write', Update: 'edit', Delete: 'delete' } as const;

/**
 * The files an `apply_patch` call changes, read from its patch headers
 * (`*** Add File: p`, `*** Update File: p`, `*** Delete File: p`).
 */
export function patchedFiles(tool: string, args: unknown): PatchedFile[] {
  if (tool !== 'apply_patch') return [];
  const patch =
    typeof args === 'string'
      ? args
      : typeof args === 'object' && args !== null
        ? ((args as { input?: unknown; patch?: unknown }).input ??
          (args as { patch?: unknown }).patch)
        : undefined;
  if (typeof patch !== 'string') return [];
  const files: PatchedFile[] = [];
  for (const line of patch.split('\n')) {
    const match = PATCH_HEADER.exec(line.trimEnd());
    if (match)
      files.push({ operation: OPERATIONS[match[1] as keyof typeof OPERATIONS], path: match[2] });
  }
  return files;
}
