import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TranscriptText } from './claude-code-corpus';
import { add, SessionWriter, zero, type LineSink } from './claude-code-session';
import { SeededRandom } from './seeded-random';

/**
 * A generated Claude Code session store and its independent ground truth.
 *
 * ```ts
 * const truth = await writeClaudeCodeTree(dir, { seed: 7, sessions: 6, malformedLines: 2 });
 * // dir/projects/<encoded cwd>/<sessionId>.jsonl
 * // dir/projects/<encoded cwd>/<sessionId>/subagents/agent-<agentId>.jsonl
 * // dir/claude-code-truth.json (the value returned)
 * await runImport({ source: 'claude-code', path: truth.projectsDir, ... });
 * for (const s of truth.sessions) expect(summaryOf(s.sessionId).tokens_out).toBe(s.tokens.output);
 * ```
 *
 * What the transcripts contain (line shapes of Claude Code 2.x):
 * - `user` prompts (string or text-block content), `assistant` responses, `user` tool results
 *   with `toolUseResult` (Read/Write/Edit with `file_path`, Bash, Grep; some `is_error`),
 *   `system`, `summary`, `file-history-snapshot` and hook `progress` lines.
 * - Streamed responses: one line per content block, all with the same `message.id` +
 *   `requestId`; earlier lines carry a partial `output_tokens`, the last one the final count.
 * - `Task` calls start sub-agents. Most write `<sessionId>/subagents/agent-<id>.jsonl`
 *   (`isSidechain: true`, `agentId`, the parent's `sessionId`), some of which begin with a
 *   replay of the parent's message that issued the call (same `message.id` + `requestId`); the
 *   parent also echoes some of their entries as `progress` lines (`data.type: agent_progress`,
 *   `data.message` = the sub-agent's entry; a response is echoed with all its streamed entries
 *   or not at all). The others (`progressOnlyShare`) have no file: their usage appears ONLY
 *   inside the parent's progress lines.
 * - The Task result's `toolUseResult.usage` is a summary that must not be counted again.
 * - Most lines are compact JSON; some are spaced (`{ "a": 1 }`) or have another key order,
 *   always one JSON value per line. `spacedUsageShare` of responses (all their lines,
 *   replays and echoes) are spaced.
 * - `malformedLines` sessions get one truncated line after their first prompt (recorded in
 *   `truth.malformed`); it holds no usage.
 * - Not generated: resumed sessions that copy earlier responses into a new session's file,
 *   `<synthetic>` API-error entries, slash-command noise, images, 1-hour cache writes
 *   (`ephemeral_1h_input_tokens` is 0) and advisor `usage.iterations`.
 *
 * The truth is what the generator chose, not a parse of the files: per root session (sub-agent
 * work included) the four token totals counted once per distinct `message.id` + `requestId`
 * with the final usage, the cost of each such message priced by @pydantic/genai-prices (via
 * {@link expectedMessageCost}), message and tool counts, files and agents.
 */

export interface ClaudeCodeTreeOptions {
  /** default 1 */
  seed?: number;
  /** at least this many root sessions (default 6) */
  sessions?: number;
  /** keep adding sessions until the transcripts hold this many bytes (default 0) */
  targetBytes?: number;
  /** distinct project directories (default 3) */
  projects?: number;
  /** user prompts per session (default [2, 5]) */
  turns?: [number, number];
  /** assistant responses per prompt at most (default 8; sub-agents 4) */
  maxSteps?: number;
  /** percent of main-thread tool calls that are `Task` (default 8) */
  subagentPercent?: number;
  /** share of sub-agents whose usage appears only in parent progress lines (default 0.3) */
  progressOnlyShare?: number;
  /** share of a file-backed sub-agent's lines echoed as parent progress lines (default 0.5) */
  progressEchoShare?: number;
  /** share of sub-agent files that start with a replay of the parent message (default 0.5) */
  sidechainReplayShare?: number;
  /** share of responses written as spaced JSON (default 0.05) */
  spacedUsageShare?: number;
  /** share of other lines written as spaced JSON (default 0.1) */
  spacedLineShare?: number;
  /** share of tool calls that fail (default 0.1) */
  toolErrorShare?: number;
  /** size range of Read results in characters (default [500, 30_000]) */
  toolResultBytes?: [number, number];
  /** truncated lines, one in each of the first N sessions (default 0) */
  malformedLines?: number;
  /** keep every distinct assistant message in `truth.sessions[].messages` (default false) */
  recordMessages?: boolean;
  /** first session start, ISO-8601 (default 2025-10-01T08:00:00.000Z) */
  start?: string;
}

export interface ClaudeCodeTokens {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

/** One distinct response (`message.id` + `requestId`) with its final usage. */
export interface ClaudeCodeMessageTruth {
  id: string;
  requestId: string;
  model: string;
  tokens: ClaudeCodeTokens;
  /** where its usage is: the main transcript, a sub-agent file, or only parent progress lines */
  origin: 'main' | 'subagent-file' | 'progress-only';
  /** all its lines are spaced JSON */
  spaced: boolean;
  agentId?: string;
}

export interface ClaudeCodeSessionTruth {
  sessionId: string;
  /** directory under projects/ (the encoded cwd) */
  projectDir: string;
  cwd: string;
  /** its transcripts, relative to projects/ (main first, then sub-agent files) */
  files: string[];
  /** every distinct response of the session and its sub-agents, final usage */
  tokens: ClaudeCodeTokens;
  /**
   * Parts of `tokens`: responses seen only in parent progress lines; responses in a transcript
   * whose lines are all spaced JSON (progress-only ones excluded, so the two never overlap);
   * responses of sub-agent files. `tokens - progressOnlyTokens - spacedTokens` is what a reader
   * of compact transcript lines alone counts (ccusage 20.0.24's session report, measured).
   */
  progressOnlyTokens: ClaudeCodeTokens;
  spacedTokens: ClaudeCodeTokens;
  sidechainFileTokens: ClaudeCodeTokens;
  cost_usd: number;
  /** distinct `message.id` + `requestId` */
  messages_assistant: number;
  /** user prompts in the main transcript (tool results excluded) */
  prompts: number;
  /** prompts that start sub-agents (the Task prompt, as the sub-agent's first user entry) */
  subagent_prompts: number;
  /** tool_use blocks (Task included), and those whose result has `is_error` */
  tool_calls: number;
  tool_errors: number;
  /** paths of Read / of Write+Edit calls that did not fail */
  files_read: string[];
  files_written: string[];
  agents: { agentId: string; type: string; transcript: 'file' | 'progress' }[];
  models: string[];
  first_timestamp: string;
  last_timestamp: string;
  malformed?: { file: string; line: number };
  /** filled when `recordMessages` is set */
  messages: ClaudeCodeMessageTruth[];
}

export interface ClaudeCodeTruth {
  options: Required<ClaudeCodeTreeOptions>;
  /** the directory holding `projects/` (CLAUDE_CONFIG_DIR for ccusage) */
  root: string;
  projectsDir: string;
  files: number;
  lines: number;
  bytes: number;
  /** truncated lines: file relative to projects/, 1-based line */
  malformed: { file: string; line: number }[];
  sessions: ClaudeCodeSessionTruth[];
  totals: ClaudeCodeTokens & { cost_usd: number; messages_assistant: number };
}

export const CLAUDE_CODE_TRUTH_FILE = 'claude-code-truth.json';

const DEFAULTS: Required<ClaudeCodeTreeOptions> = {
  seed: 1,
  sessions: 6,
  targetBytes: 0,
  projects: 3,
  turns: [2, 5],
  maxSteps: 8,
  subagentPercent: 8,
  progressOnlyShare: 0.3,
  progressEchoShare: 0.5,
  sidechainReplayShare: 0.5,
  spacedUsageShare: 0.05,
  spacedLineShare: 0.1,
  toolErrorShare: 0.1,
  toolResultBytes: [500, 30_000],
  malformedLines: 0,
  recordMessages: false,
  start: '2025-10-01T08:00:00.000Z',
};

/** Writes the tree under `dir` (created if missing) and returns its truth. */
export async function writeClaudeCodeTree(
  dir: string,
  options: ClaudeCodeTreeOptions = {},
): Promise<ClaudeCodeTruth> {
  const resolved = { ...DEFAULTS, ...options };
  const random = new SeededRandom(resolved.seed);
  const text = new TranscriptText(random);
  const projectsDir = join(dir, 'projects');
  const projects = Array.from({ length: resolved.projects }, (_, i) => {
    const cwd = `/home/dev/work/service-${i}.${text.hex(4)}`;
    return { cwd, dir: cwd.replace(/[^a-zA-Z0-9]/g, '-') };
  });
  const truth: ClaudeCodeTruth = {
    options: resolved,
    root: dir,
    projectsDir,
    files: 0,
    lines: 0,
    bytes: 0,
    malformed: [],
    sessions: [],
    totals: { ...zero(), cost_usd: 0, messages_assistant: 0 },
  };
  let start = Date.parse(resolved.start);
  let pending: Promise<void> = Promise.resolve();
  while (truth.sessions.length < resolved.sessions || truth.bytes < resolved.targetBytes) {
    const sink = new MemorySink();
    const project = random.pick(projects);
    const writer = new SessionWriter(random, text, resolved, sink, project, start);
    const session = writer.run(truth.sessions.length < resolved.malformedLines);
    truth.sessions.push(session);
    if (session.malformed) truth.malformed.push(session.malformed);
    add(truth.totals, session.tokens);
    truth.totals.cost_usd += session.cost_usd;
    truth.totals.messages_assistant += session.messages_assistant;
    truth.lines += sink.lines;
    truth.files += sink.files.size;
    truth.bytes += sink.bytes;
    await pending;
    pending = sink.flush(projectsDir);
    start = Date.parse(session.last_timestamp) + random.int(60_000, 4 * 3_600_000);
  }
  await pending;
  await writeFile(join(dir, CLAUDE_CODE_TRUTH_FILE), JSON.stringify(truth));
  return truth;
}

/** Collects one session's lines per file, then writes each file in one call. */
class MemorySink implements LineSink {
  readonly files = new Map<string, string[]>();
  lines = 0;
  bytes = 0;

  write(file: string, line: string): number {
    let lines = this.files.get(file);
    if (!lines) this.files.set(file, (lines = []));
    lines.push(line);
    this.lines += 1;
    this.bytes += Buffer.byteLength(line) + 1;
    return lines.length;
  }

  async flush(root: string): Promise<void> {
    for (const [file, lines] of this.files) {
      const path = join(root, file);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${lines.join('\n')}\n`);
    }
  }
}
