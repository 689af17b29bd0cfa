import { readFile, stat } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { type Json, isJson } from './opencode-records';
import { StoreRead } from './opencode-store-read';
import { applyWal } from './sqlite-wal';

/**
 * Reads OpenCode's SQLite store (`opencode.db`, current versions) with sql.js — SQLite compiled
 * to WebAssembly inside its npm package, so nothing native is built or downloaded. Tables:
 * `session` (one column per field), `message` and `part` (`data` JSON plus `id`,
 * `session_id`, `message_id`), each with `time_updated` (epoch ms).
 *
 * Rows OpenCode committed to `opencode.db-wal` but not yet checkpointed are folded in
 * ({@link applyWal}), so a running OpenCode's newest rows are read too.
 */

const TABLES = ['session', 'message', 'part'] as const;
type Table = (typeof TABLES)[number];

/** Where the previous read stopped. */
export interface DatabaseCursor {
  /** per table, the newest `time_updated` read: the next read asks for rows from there on */
  rows: Partial<Record<Table, number>>;
  /** the database's and its log's `mtimeMs:size`: while both stay the same nothing is read */
  files?: string;
}

/**
 * Rows are asked for from this long before the cursor: two OpenCode processes writing one
 * database can commit in another order than their clocks stamped `time_updated`. Rows read
 * again yield the same event ids, so the overlap costs a few resends, never a double count.
 */
const CURSOR_OVERLAP_MS = 2_000;

let engine: Promise<SqlJsStatic> | undefined;

function columnsOf(db: Database, table: Table): Set<string> {
  const result = db.exec(`PRAGMA table_info(${table})`)[0];
  return new Set(result ? result.values.map((row) => String(row[1])) : []);
}

function* rows(db: Database, sql: string, params: number[]): Generator<Json> {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    while (statement.step()) yield statement.getAsObject() as Json;
  } finally {
    statement.free();
  }
}

/** A row as the record OpenCode's JSON store would hold: `data` spread, columns renamed. */
function toRecord(table: Table, row: Json): Json {
  let data: Json = {};
  if (typeof row.data === 'string') {
    const parsed: unknown = JSON.parse(row.data);
    if (!isJson(parsed)) throw new SyntaxError('data is not a JSON object');
    data = parsed;
  }
  const record: Json = { ...data, id: row.id };
  if (row.session_id !== undefined) record.sessionID = row.session_id;
  if (row.message_id !== undefined) record.messageID = row.message_id;
  if (table === 'session') {
    for (const [column, field] of [
      ['parent_id', 'parentID'],
      ['title', 'title'],
      ['directory', 'directory'],
      ['agent', 'agent'],
    ]) {
      if (row[column] !== null && row[column] !== undefined) record[field] = row[column];
    }
    record.time = { created: row.time_created, updated: row.time_updated };
  }
  return record;
}

const readOptional = (file: string) =>
  readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });

/**
 * The database image with its log folded in. The log is read before and after the database: a
 * checkpoint in between (which copies the log into the database, then restarts the log) would
 * pair a database with a log it has already absorbed, so the pair is read again.
 */
async function databaseImage(file: string): Promise<Uint8Array> {
  for (let attempt = 0; ; attempt += 1) {
    const wal = await readOptional(`${file}-wal`);
    const database = await readFile(file);
    const walAfter = await readOptional(`${file}-wal`);
    const stable = isDeepStrictEqual(wal?.subarray(0, 32), walAfter?.subarray(0, 32));
    if (stable || attempt === 2) return applyWal(database, walAfter);
  }
}

async function filesVersion(file: string): Promise<string> {
  const version = (path: string) =>
    stat(path).then(
      (s) => `${s.mtimeMs}:${s.size}`,
      () => '-',
    );
  return `${await version(file)}|${await version(`${file}-wal`)}`;
}

/**
 * The records changed since `cursor` (all of them without one). `read` is false when neither
 * the database nor its log changed, in which case nothing was opened.
 */
export async function readDatabase(
  file: string,
  cursor: DatabaseCursor | undefined,
): Promise<{ read: StoreRead; cursor: DatabaseCursor; opened: boolean }> {
  const read = new StoreRead();
  const files = await filesVersion(file);
  if (cursor && cursor.files === files) return { read, cursor, opened: false };
  engine ??= initSqlJs();
  const db = new (await engine).Database(await databaseImage(file));
  const next: DatabaseCursor = { rows: { ...cursor?.rows }, files };
  try {
    for (const table of TABLES) {
      const columns = columnsOf(db, table);
      if (!columns.has('id')) continue;
      const last = cursor?.rows[table];
      const since =
        columns.has('time_updated') && last !== undefined ? last - CURSOR_OVERLAP_MS : undefined;
      const sql =
        since === undefined
          ? `SELECT * FROM ${table}`
          : `SELECT * FROM ${table} WHERE time_updated >= ?`;
      for (const row of rows(db, sql, since === undefined ? [] : [since])) {
        const where = `${file}#${table}/${String(row.id)}`;
        if (typeof row.time_updated === 'number') {
          next.rows[table] = Math.max(next.rows[table] ?? 0, row.time_updated);
        }
        try {
          read.add(table, toRecord(table, row), where);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          read.reject(where, `data is not usable JSON: ${error.message}`);
        }
      }
    }
  } finally {
    db.close();
  }
  return { read, cursor: next, opened: true };
}
