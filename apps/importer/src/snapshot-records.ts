import { setTimeout as sleep } from 'node:timers/promises';
import type { SnapshotSource } from './import-source';
import type { ImportRun } from './import-run';

const RESCAN_MS = 1_000;

/**
 * Imports a source whose records are rewritten in place: each scan's events are sent, and the
 * scan's state becomes the checkpoint once ingest acknowledged them. While watching, scans
 * repeat about every second.
 */
export async function importSnapshots(
  source: SnapshotSource,
  root: string,
  run: ImportRun,
  watch: boolean,
): Promise<void> {
  let state = run.store.data.snapshot;
  for (;;) {
    const result = await source.scan(root, state);
    run.stats.files = result.files;
    run.reject(result.rejected);
    await run.emit(result.events, { file: root });
    const scanned = result.state;
    run.sender.whenAcked(() => run.store.setSnapshot(scanned));
    state = scanned;
    if (!watch || run.stopped) return;
    await run.sender.flush();
    await run.saveIfDue();
    await sleep(RESCAN_MS, undefined, { signal: run.signal }).catch(() => undefined);
    if (run.stopped) return;
  }
}
