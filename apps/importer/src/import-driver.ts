import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckpointStore } from './checkpoint-store';
import { FileChanges } from './file-changes';
import { ImportSetupError } from './import-errors';
import { ImportProgress } from './import-progress';
import { ImportRun } from './import-run';
import type { LineSource, SourceName } from './import-source';
import type { ImportSummary } from './import-summary';
import { LineFiles, type HoldTimes } from './line-files';
import { importSnapshots } from './snapshot-records';
import { IMPORT_SOURCES } from './sources';

export interface ImportOptions {
  source: SourceName;
  /** the session store to read (e.g. `~/.claude/projects`) */
  path: string;
  /** ingest's base URL, e.g. http://127.0.0.1:8081 */
  ingestUrl: string;
  apiKey: string;
  /** keep following appended lines and new files until `signal` aborts */
  watch?: boolean;
  /** default `$AGENTPULSE_DATA_DIR/imports` (`./data/imports`) */
  checkpointDir?: string;
  /**
   * how long a watched file must stay unchanged before events held back for a later line are
   * released: those known complete after `settleMs` (default 500 ms), all after `maxHoldMs`
   * (default 2 min; a Claude Code response still streaming has no stop_reason yet)
   */
  settleMs?: number;
  maxHoldMs?: number;
  /** stops the import: it flushes, writes its checkpoint and returns its summary */
  signal?: AbortSignal;
  /** where the progress bar or lines go (default stderr); `null` for none */
  progress?: NodeJS.WritableStream | null;
  /** the sender's limits (tests and benchmarks tune them) */
  batchEvents?: number;
  inFlight?: number;
}

/**
 * The watch phase: every POLL_MS it reads the files the OS reported changed, every DISCOVER_MS
 * (or sooner when an unknown path changed) it lists the store for new files, and every SWEEP_MS it looks at every file in case an event
 * was missed (without file events it looks at every file every POLL_MS).
 */
const POLL_MS = 200;
const DISCOVER_MS = 1_000;
/** a change to a path not yet tracked (a new file, most likely) lists the store sooner */
const MIN_DISCOVER_MS = 200;
const SWEEP_MS = 5_000;

export function defaultCheckpointDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.AGENTPULSE_DATA_DIR || 'data', 'imports');
}

/**
 * Imports a session store through ingest: a bulk pass over everything not yet imported, then,
 * with `watch`, following appended lines and new files. Resumes from the checkpoint of the same
 * source + root + ingest + key. Throws {@link ImportSetupError} before starting, and the
 * sender's errors (refused key, ingest unavailable) when the import cannot go on.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const source = IMPORT_SOURCES[options.source];
  if (!source) throw new ImportSetupError(`no importer for source "${options.source}"`);
  if (!options.apiKey) throw new ImportSetupError('an API key is required');
  const root = resolve(options.path);
  const found = await stat(root).catch(() => undefined);
  if (!found) throw new ImportSetupError(`${root} does not exist`);
  // A snapshot source may be pointed at its store file itself (OpenCode's opencode.db).
  if (source.kind === 'lines' && !found.isDirectory())
    throw new ImportSetupError(`${root} is not a directory`);
  const store = await CheckpointStore.open(
    resolve(options.checkpointDir ?? defaultCheckpointDir()),
    { source: options.source, root, ingestUrl: options.ingestUrl, apiKey: options.apiKey },
  );
  const signal = options.signal ?? new AbortController().signal;
  const run = new ImportRun(
    {
      ingestUrl: options.ingestUrl,
      apiKey: options.apiKey,
      maxEvents: options.batchEvents,
      inFlight: options.inFlight,
    },
    store,
    signal,
  );
  const sender = run.sender;
  const progress =
    options.progress === null ? undefined : new ImportProgress(options.progress ?? process.stderr);
  try {
    if (source.kind === 'lines')
      await importLines(source, root, run, options.watch ?? false, progress, {
        settleMs: options.settleMs ?? 500,
        maxHoldMs: options.maxHoldMs ?? 120_000,
      });
    else await importSnapshots(source, root, run, options.watch ?? false);
    await sender.drain();
  } finally {
    progress?.stop();
    await sender.idle();
    await store.save();
    await sender.close();
  }
  return {
    source: options.source,
    root,
    ...run.stats,
    elapsedMs: Date.now() - started,
    interrupted: signal.aborted,
    checkpointFile: store.path,
  };
}

async function importLines(
  source: LineSource,
  root: string,
  run: ImportRun,
  watch: boolean,
  progress: ImportProgress | undefined,
  hold: HoldTimes,
): Promise<void> {
  let total = 0;
  const files = new LineFiles(source, root, run, hold, async () => {
    progress?.update(run.stats.bytes, run.stats.lines, total);
    await run.saveIfDue();
  });
  await files.discover();
  total = await files.pendingBytes();
  progress?.start(total);
  const bulkStarted = Date.now();
  if (!watch) {
    await files.readAll('to-end');
    progress?.stop();
    return;
  }
  // Events start before the bulk pass so that lines appended meanwhile are seen; the first
  // round looks at every file anyway.
  const changes = new FileChanges(root);
  let discoveredAt = Date.now();
  let sweptAt = 0;
  try {
    await files.readAll('bulk');
    progress?.stop();
    run.stats.bulkMs = Date.now() - bulkStarted;
    progress?.note(`watching ${root} for new lines and files (Ctrl-C to stop)`);
    while (!run.stopped) {
      const changed = changes.take();
      const since = Date.now() - discoveredAt;
      if (since >= DISCOVER_MS || (since >= MIN_DISCOVER_MS && files.untracked(changed))) {
        await files.discover();
        discoveredAt = Date.now();
      }
      if (!changes.live || Date.now() - sweptAt >= SWEEP_MS) {
        await files.readAll('follow');
        sweptAt = Date.now();
      } else await files.readChanged(changed);
      await files.settleQuiet();
      await run.sender.flush();
      await run.saveIfDue();
      await sleep(POLL_MS, undefined, { signal: run.signal }).catch(() => undefined);
    }
  } finally {
    changes.close();
  }
}
