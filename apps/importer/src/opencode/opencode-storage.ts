import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isJson } from './opencode-records';
import { StoreRead } from './opencode-store-read';

/**
 * Reads OpenCode's JSON store (`storage/`, older versions): `session/<project>/<id>.json`
 * (older still: `session/info/<id>.json`), `message/<session>/<id>.json` and
 * `part/<message>/<id>.json`, one record per file, rewritten in place as a record changes.
 */

const KINDS = { session: 'session', message: 'message', part: 'part' } as const;

/** Per file (relative to `storage/`), `mtimeMs:size` when last read: unchanged files are skipped. */
export type StorageCursor = Record<string, string>;

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true });
    return entries.filter((entry) => entry.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export async function readStorage(
  storage: string,
  cursor: StorageCursor,
): Promise<{ read: StoreRead; cursor: StorageCursor; files: number }> {
  const read = new StoreRead();
  const next: StorageCursor = {};
  let files = 0;
  for (const kind of Object.values(KINDS)) {
    for (const entry of await jsonFiles(join(storage, kind))) {
      const relative = join(kind, entry);
      const file = join(storage, relative);
      const info = await stat(file).catch(() => undefined);
      if (!info) continue; // removed since the listing
      const version = `${info.mtimeMs}:${info.size}`;
      next[relative] = version;
      if (cursor[relative] === version) continue;
      files += 1;
      let record: unknown;
      try {
        record = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        read.reject(file, `not JSON: ${(error as Error).message}`);
        continue;
      }
      if (isJson(record)) read.add(kind, record, file);
      else read.reject(file, 'not a JSON object');
    }
  }
  return { read, cursor: next, files };
}
