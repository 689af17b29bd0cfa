import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { EventInput } from '@agentpulse/schema';
import { ImportSetupError } from '../import-errors';
import type { SnapshotSource } from '../import-source';
import { type DatabaseCursor, readDatabase } from './opencode-database';
import { messageEvents, messageText, partEvents, sessionEvents } from './opencode-events';
import type { PartRecord } from './opencode-records';
import { StoreRead } from './opencode-store-read';
import { type StorageCursor, readStorage } from './opencode-storage';

/** Where the two stores are under the path the user gave. */
interface StoreLocation {
  database?: string;
  storage?: string;
}

/** What the previous scan read, so a watch rescan reads only what changed since. */
interface ScanState {
  database?: DatabaseCursor;
  storage?: StorageCursor;
}

const kindOf = (path: string) =>
  stat(path).then(
    (s) => (s.isDirectory() ? 'dir' : 'file'),
    () => undefined,
  );

/**
 * Accepts OpenCode's data directory (`~/.local/share/opencode`: both stores), its `storage/`
 * directory (the JSON store) or the `opencode.db` file (the SQLite store).
 */
async function locate(root: string): Promise<StoreLocation> {
  const kind = await kindOf(root);
  if (kind === 'file') return { database: root };
  if (kind !== 'dir') throw new ImportSetupError(`${root} does not exist`);
  const hasStoreDirs = (await kindOf(join(root, 'message'))) === 'dir';
  if (basename(root) === 'storage' || hasStoreDirs) return { storage: root };
  const database = join(root, 'opencode.db');
  const storage = join(root, 'storage');
  const found = {
    ...((await kindOf(database)) === 'file' ? { database } : {}),
    ...((await kindOf(storage)) === 'dir' ? { storage } : {}),
  };
  if (!found.database && !found.storage) {
    throw new ImportSetupError(`${root} holds neither opencode.db nor storage/`);
  }
  return found;
}

/** Events for what a scan read; a record found in both stores yields its events once. */
function toEvents(read: StoreRead): EventInput[] {
  const partsByMessage = new Map<string, PartRecord[]>();
  for (const part of read.parts) {
    partsByMessage.set(part.messageID, [...(partsByMessage.get(part.messageID) ?? []), part]);
  }
  const events = [
    ...read.sessions.flatMap(sessionEvents),
    ...read.messages.flatMap((m) => messageEvents(m, messageText(partsByMessage.get(m.id) ?? []))),
    ...read.parts.flatMap(partEvents),
  ];
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.id) && seen.add(event.id));
}

/**
 * OpenCode: current versions keep sessions in SQLite (`opencode.db`), older ones in the JSON
 * `storage/` tree; a data directory that went through the migration has both, and the same
 * record (same OpenCode id, so the same event id) counts once. The database is read first.
 */
export const opencodeSource: SnapshotSource = {
  kind: 'snapshot',
  name: 'opencode',
  async scan(root, state) {
    const previous = (state ?? {}) as ScanState;
    const where = await locate(root);
    const read = new StoreRead();
    const next: ScanState = {};
    let files = 0;
    if (where.database) {
      const result = await readDatabase(where.database, previous.database);
      read.append(result.read);
      next.database = result.cursor;
      if (result.opened) files += 1;
    }
    if (where.storage) {
      const result = await readStorage(where.storage, previous.storage ?? {});
      read.append(result.read);
      next.storage = result.cursor;
      files += result.files;
    }
    return { events: toEvents(read), rejected: read.rejected, state: next, files };
  },
};
