import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceName } from './import-source';

/** Identifies a file's content: the hash of its first `bytes` bytes (to notice a rewrite). */
export interface HeadFingerprint {
  bytes: number;
  sha256: string;
}

/** How far one line file has been imported, and the parser's state at that point. */
export interface FileCheckpoint {
  /** bytes of complete lines consumed */
  offset: number;
  /** lines consumed (the next line is `lineNo + 1`) */
  lineNo: number;
  /** the parser's `snapshot()` taken at `offset` */
  state: unknown;
  dev: number;
  ino: number;
  head: HeadFingerprint;
}

/** What a checkpoint file holds: every line file's progress, or a snapshot source's state. */
export interface ImportCheckpoint {
  version: 1;
  source: SourceName;
  root: string;
  ingestUrl: string;
  files: Record<string, FileCheckpoint>;
  snapshot?: unknown;
}

/** Who an import is: the same source and root sent to the same ingest with the same key. */
export interface ImportIdentity {
  source: SourceName;
  root: string;
  ingestUrl: string;
  apiKey: string;
}

/**
 * The checkpoint file of an import, named by a hash of its identity. The key counts (another
 * project's key must not resume this one's progress) but only as a hash: the file never holds it.
 */
export function checkpointFile(dir: string, id: ImportIdentity): string {
  const keyHash = createHash('sha256').update(id.apiKey).digest('hex');
  const hash = createHash('sha256')
    .update([id.source, id.root, id.ingestUrl, keyHash].join('\u0000'))
    .digest('hex')
    .slice(0, 24);
  return join(dir, `${id.source}-${hash}.json`);
}

/**
 * An import's checkpoint, kept in memory and persisted atomically (a temporary file renamed over
 * the old one), so that a crash leaves either the previous or the new checkpoint, never half of
 * one. The driver changes it only for work ingest has acknowledged.
 */
export class CheckpointStore {
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    readonly data: ImportCheckpoint,
  ) {}

  static async open(dir: string, id: ImportIdentity): Promise<CheckpointStore> {
    const path = checkpointFile(dir, id);
    const fresh: ImportCheckpoint = {
      version: 1,
      source: id.source,
      root: id.root,
      ingestUrl: id.ingestUrl,
      files: {},
    };
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const stored = text === undefined ? undefined : (JSON.parse(text) as ImportCheckpoint);
    return new CheckpointStore(path, stored?.version === 1 ? stored : fresh);
  }

  setFile(file: string, checkpoint: FileCheckpoint): void {
    this.data.files[file] = checkpoint;
    this.dirty = true;
  }

  setSnapshot(state: unknown): void {
    this.data.snapshot = state;
    this.dirty = true;
  }

  /** Writes the checkpoint if it changed; saves run one after another. */
  save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const dir = join(this.path, '..');
      await mkdir(dir, { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(this.data));
      await rename(tmp, this.path);
    });
    return this.saving;
  }
}
