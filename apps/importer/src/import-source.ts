import type { EventInput } from '@agentpulse/schema';

/** The on-disk session stores `agentpulse import` reads. */
export const SOURCE_NAMES = ['claude-code', 'opencode', 'codex'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** A line or document a source could not use: reported as `file:line: reason`, then skipped. */
export interface RejectedInput {
  file: string;
  /** 1-based; absent for whole documents */
  line?: number;
  reason: string;
}

/** What a parser made of some input: events ready for POST /v1/events, and what it skipped. */
export interface Parsed {
  events: EventInput[];
  rejected: RejectedInput[];
}

/**
 * One append-only JSONL file (Claude Code transcripts, Codex rollouts), read line by line from
 * a checkpointed offset. A parser is created per file and may hold state between lines (open
 * tool calls, a streamed message whose final usage has not arrived yet); `snapshot()` returns
 * that state as JSON so a restarted import resumes at the next line without re-counting.
 */
export interface LineParser {
  /** One complete line, without its newline. `lineNo` is 1-based. */
  line(text: string, lineNo: number): Parsed;
  /**
   * Nothing more is coming for now: release events held back waiting for a later line. With
   * `force` false (the file stayed quiet for the settle time while watching) only those known
   * to be complete; with `force` true (the end of a one-shot import, or a file quiet for the
   * longest hold) all of them. An event sent early cannot be corrected later (ids count once).
   */
  settle(force: boolean): EventInput[];
  /** Whether events are still held back (a later settle may release them). */
  readonly holding: boolean;
  /** JSON-serialisable state; passed back to `parser()` when resuming this file. */
  snapshot(): unknown;
}

/** A source whose sessions live in append-only JSONL files. */
export interface LineSource {
  readonly kind: 'lines';
  readonly name: SourceName;
  /** Every file under `root` to read, in a stable order (the source's doc says which). */
  discover(root: string): Promise<string[]>;
  /** A parser for `file`, fresh (`state` undefined) or resumed from a `snapshot()`. */
  parser(file: string, root: string, state?: unknown): LineParser;
}

/**
 * A source whose records are rewritten in place (OpenCode's `storage/` JSON tree and its
 * SQLite `opencode.db`): each scan reads the records changed since the previous scan's state
 * and returns the events for them. Ids are deterministic, so a record read twice never counts
 * twice; the state only saves work.
 */
export interface SnapshotSource {
  readonly kind: 'snapshot';
  readonly name: SourceName;
  scan(root: string, state: unknown): Promise<Parsed & { state: unknown; files: number }>;
}

export type ImportSource = LineSource | SnapshotSource;
