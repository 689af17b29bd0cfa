import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { FileCheckpoint, HeadFingerprint } from './checkpoint-store';
import type { LineParser, LineSource, Parsed } from './import-source';
import type { ImportRun } from './import-run';
import { readLines } from './line-reader';

/** Bytes at a file's start whose hash tells a rewritten file from the one checkpointed. */
const HEAD_BYTES = 1024;
const PROGRESS_EVERY_LINES = 500;

/** How a read treats the end of the file. */
export type ReadMode =
  /** one-shot import: an unterminated last line is read, held events are released */
  | 'to-end'
  /** bulk pass before watching: stop at the last newline, hold events for the watch phase */
  | 'bulk'
  /** watching: like `bulk`, but a tail that stayed quiet for the settle time and parses is read */
  | 'follow';

/** How long a watched file must stay quiet before its parser releases held events. */
export interface HoldTimes {
  /** events the parser knows complete */
  settleMs: number;
  /** everything, complete or not */
  maxHoldMs: number;
}

/** One line file being imported: how far it has been read, with its parser. */
interface TrackedFile {
  path: string;
  parser: LineParser;
  offset: number;
  lineNo: number;
  dev: number;
  ino: number;
  head: HeadFingerprint;
  /** size and mtime at the last look, to skip files that did not change */
  seenSize: number;
  seenMtimeMs: number;
  /** when the file last changed (ms since epoch) */
  changedAt: number;
  /** lines were parsed since the last settle(), or the parser still holds events back */
  unsettled: boolean;
}

async function fingerprint(path: string, bytes: number): Promise<HeadFingerprint> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    const sha256 = createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
    return { bytes: bytesRead, sha256 };
  } finally {
    await handle.close();
  }
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Imports the line files of a source: each file is read from its checkpointed offset to the
 * size seen when the read starts, line by line, and its checkpoint (offset + parser snapshot)
 * is handed to the sender's acknowledgement tracking, so it is stored only once ingest has
 * taken every event produced up to that offset. A file that shrank, got another inode, or
 * whose first bytes changed is read again from the start with a fresh parser (ids are
 * deterministic, so nothing counts twice).
 */
export class LineFiles {
  private readonly files = new Map<string, TrackedFile>();

  constructor(
    private readonly source: LineSource,
    private readonly root: string,
    private readonly run: ImportRun,
    private readonly hold: HoldTimes,
    private readonly onProgress: () => Promise<void> = async () => undefined,
  ) {}

  get count(): number {
    return this.files.size;
  }

  /** Finds files not yet tracked; resumes each from its checkpoint when there is one. */
  async discover(): Promise<void> {
    for (const path of await this.source.discover(this.root)) {
      if (this.files.has(path)) continue;
      const saved: FileCheckpoint | undefined = this.run.store.data.files[path];
      this.files.set(path, {
        path,
        parser: this.source.parser(path, this.root, saved?.state),
        offset: saved?.offset ?? 0,
        lineNo: saved?.lineNo ?? 0,
        dev: saved?.dev ?? -1,
        ino: saved?.ino ?? -1,
        head: saved?.head ?? { bytes: 0, sha256: '' },
        seenSize: -1,
        seenMtimeMs: -1,
        changedAt: Date.now(),
        unsettled: false,
      });
    }
    this.run.stats.files = this.files.size;
  }

  /** Whether some of `paths` are not tracked (yet). */
  untracked(paths: Set<string>): boolean {
    for (const path of paths) if (!this.files.has(path)) return true;
    return false;
  }

  /** Bytes not yet read in the tracked files (for the progress bar's total). */
  async pendingBytes(): Promise<number> {
    let total = 0;
    for (const file of this.files.values()) {
      const st = await stat(file.path).catch(() => undefined);
      if (st) total += Math.max(0, st.size - (st.size < file.offset ? 0 : file.offset));
    }
    return total;
  }

  /** Reads every tracked file once, in discovery order. */
  async readAll(mode: ReadMode): Promise<void> {
    for (const file of this.files.values()) {
      if (this.run.stopped) return;
      await this.read(file, mode);
    }
  }

  /**
   * Reads the tracked files among `changed`, those never looked at yet (just discovered), and
   * those still waiting for the end of a line or holding events back.
   */
  async readChanged(changed: Set<string>): Promise<void> {
    for (const file of this.files.values()) {
      if (this.run.stopped) return;
      const pending = file.seenSize === -1 || file.unsettled || file.seenSize > file.offset;
      if (pending || changed.has(file.path)) await this.read(file, 'follow');
    }
  }

  /**
   * Releases the held events of files that stayed unchanged for the settle time: those the
   * parser knows complete, and after `maxHoldMs` of quiet everything it still holds.
   */
  async settleQuiet(): Promise<void> {
    const now = Date.now();
    for (const file of this.files.values()) {
      const quietMs = now - file.changedAt;
      if (file.unsettled && quietMs >= this.hold.settleMs)
        await this.settle(file, quietMs >= this.hold.maxHoldMs);
    }
  }

  private async read(file: TrackedFile, mode: ReadMode): Promise<void> {
    const st = await stat(file.path).catch(() => undefined);
    if (!st) return;
    const changed = st.size !== file.seenSize || st.mtimeMs !== file.seenMtimeMs;
    if (changed) {
      file.seenSize = st.size;
      file.seenMtimeMs = st.mtimeMs;
      file.changedAt = Date.now();
      if (await this.replaced(file, st)) this.restart(file, st);
    } else if (mode === 'follow' && (st.size === file.offset || !this.quiet(file))) return;
    let lastBatch = this.run.sender.batchesSent;
    const tail = await readLines(
      file.path,
      file.offset,
      st.size,
      async (text, after) => {
        await this.consume(file, text, after);
        if (file.lineNo % PROGRESS_EVERY_LINES === 0) await this.onProgress();
        if (this.run.sender.batchesSent !== lastBatch) {
          lastBatch = this.run.sender.batchesSent;
          this.checkpoint(file);
        }
      },
      () => this.run.stopped,
    );
    if (tail.length > 0 && !this.run.stopped) {
      const text = tail.toString('utf8');
      if (mode === 'to-end' || (mode === 'follow' && this.quiet(file) && parsesAsJson(text))) {
        const parsed = file.parser.line(text, file.lineNo + 1);
        // An unparsable tail may still be being written: it is reported, not consumed.
        if (parsed.rejected.length > 0) this.run.reject(parsed.rejected);
        else await this.accept(file, parsed, st.size);
      }
    }
    if (mode === 'to-end' && !this.run.stopped) await this.settle(file, true);
    await this.recordHead(file);
    this.checkpoint(file);
    await this.onProgress();
  }

  private async consume(file: TrackedFile, text: string, after: number): Promise<void> {
    await this.accept(file, file.parser.line(text, file.lineNo + 1), after);
  }

  /** Counts a parsed line as consumed: its rejections reported, its events sent. */
  private async accept(file: TrackedFile, parsed: Parsed, after: number): Promise<void> {
    file.lineNo += 1;
    this.run.reject(parsed.rejected);
    await this.run.emit(parsed.events, { file: file.path, line: file.lineNo });
    this.run.stats.lines += 1;
    this.run.stats.bytes += after - file.offset;
    file.offset = after;
    file.unsettled = true;
  }

  private quiet(file: TrackedFile): boolean {
    return Date.now() - file.changedAt >= this.hold.settleMs;
  }

  private async settle(file: TrackedFile, force: boolean): Promise<void> {
    await this.run.emit(file.parser.settle(force), { file: file.path });
    file.unsettled = file.parser.holding;
    this.checkpoint(file);
  }

  /** Another inode, fewer bytes than consumed, or different first bytes: not the same file. */
  private async replaced(file: TrackedFile, st: Stats): Promise<boolean> {
    if (file.ino === -1) return false;
    if (st.ino !== file.ino || st.dev !== file.dev || st.size < file.offset) return true;
    if (file.head.bytes === 0) return false;
    const head = await fingerprint(file.path, file.head.bytes).catch(() => undefined);
    return head?.sha256 !== file.head.sha256;
  }

  private restart(file: TrackedFile, st: Stats): void {
    file.parser = this.source.parser(file.path, this.root);
    file.offset = 0;
    file.lineNo = 0;
    file.head = { bytes: 0, sha256: '' };
    file.dev = st.dev;
    file.ino = st.ino;
  }

  private async recordHead(file: TrackedFile): Promise<void> {
    if (file.ino === -1) {
      const st = await stat(file.path).catch(() => undefined);
      if (st) [file.dev, file.ino] = [st.dev, st.ino];
    }
    const bytes = Math.min(HEAD_BYTES, file.offset);
    if (bytes > file.head.bytes) file.head = await fingerprint(file.path, bytes);
  }

  /** Stores the file's position and parser state once ingest has everything sent so far. */
  private checkpoint(file: TrackedFile): void {
    const saved: FileCheckpoint = {
      offset: file.offset,
      lineNo: file.lineNo,
      state: structuredClone(file.parser.snapshot()),
      dev: file.dev,
      ino: file.ino,
      head: { ...file.head },
    };
    this.run.sender.whenAcked(() => this.run.store.setFile(file.path, saved));
  }
}
