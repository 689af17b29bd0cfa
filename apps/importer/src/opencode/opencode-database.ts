import { readFile } from 'node:fs/promises';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { type Json, isJson } from './opencode-records';
import { StoreRead } from './opencode-store-read';

/**
 * Reads OpenCode's SQLite store (`opencode.db`, current versions) with sql.js — SQLite compiled
 * to WebAssembly inside its npm package, so nothing native is built or downloaded. Tables:
 * `session` (one column per field), `message` and `part` (`data` JSON plus `id`,
 * `session_id`, `message_id`), each with `time_updated` (epoch ms).
 *
 * The file is read as it is on disk: rows OpenCode still holds in `opencode.db-wal` appear once
 * SQLite checkpoints them into the database file.
 */

const TABLES = ['session', 'message', 'part'] as const;
type Table = (typeof TABLES)[number];

/** Per table, the newest `time_updated` read: the next read asks for rows from there on. */
export type DatabaseCursor = Partial<Record<Table, number>>;

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

export async function readDatabase(
  file: string,
  cursor: DatabaseCursor,
): Promise<{ read: StoreRead; cursor: DatabaseCursor }> {
  engine ??= initSqlJs();
  const db = new (await engine).Database(await readFile(file));
  const read = new StoreRead();
  const next: DatabaseCursor = { ...cursor };
  try {
    for (const table of TABLES) {
      const columns = columnsOf(db, table);
      if (!columns.has('id')) continue;
      const since = columns.has('time_updated') ? cursor[table] : undefined;
      const sql =
        since === undefined
          ? `SELECT * FROM ${table}`
          : `SELECT * FROM ${table} WHERE time_updated >= ?`;
      for (const row of rows(db, sql, since === undefined ? [] : [since])) {
        const where = `${file}#${table}/${String(row.id)}`;
        if (typeof row.time_updated === 'number') {
          next[table] = Math.max(next[table] ?? 0, row.time_updated);
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
  return { read, cursor: next };
}
