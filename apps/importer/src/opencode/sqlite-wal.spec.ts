import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { opencodeSource } from './opencode-source';
import { applyWal } from './sqlite-wal';

/**
 * testdata/wal.db + wal.db-wal were written by SQLite itself (Python's sqlite3, WAL mode,
 * autocheckpoint off): one row checkpointed into the database, three more committed one by
 * one into the log only, the way a running OpenCode leaves `opencode.db`.
 */
const TESTDATA = join(__dirname, 'testdata');
const FRAME = 24 + 4096;

async function idsIn(image: Uint8Array): Promise<string[]> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(image);
  try {
    return (db.exec('SELECT id FROM message ORDER BY id')[0]?.values ?? []).map((r) =>
      String(r[0]),
    );
  } finally {
    db.close();
  }
}

describe('applyWal', () => {
  let database: Uint8Array;
  let wal: Uint8Array;

  beforeAll(async () => {
    database = await readFile(join(TESTDATA, 'wal.db'));
    wal = await readFile(join(TESTDATA, 'wal.db-wal'));
  });

  it('the database file alone lacks the rows still in the log', async () => {
    expect(await idsIn(database)).toEqual(['msg_checkpointed']);
  });

  it('folds every committed transaction of the log in', async () => {
    expect(await idsIn(applyWal(database, wal))).toEqual([
      'msg_checkpointed',
      'msg_in_wal_0',
      'msg_in_wal_1',
      'msg_in_wal_2',
    ]);
  });

  it('ignores a transaction whose last frame is not fully written', async () => {
    const torn = wal.subarray(0, wal.byteLength - FRAME / 2);
    expect(await idsIn(applyWal(database, torn))).toEqual([
      'msg_checkpointed',
      'msg_in_wal_0',
      'msg_in_wal_1',
    ]);
  });

  it('stops at a frame whose checksum does not chain (a stale or damaged frame)', async () => {
    const damaged = Uint8Array.from(wal);
    damaged[damaged.byteLength - 10] ^= 0xff;
    expect(await idsIn(applyWal(database, damaged))).not.toContain('msg_in_wal_2');
    expect(applyWal(database, damaged.subarray(0, 16))).toBe(database);
  });
});

describe('opencodeSource on a database in WAL mode', () => {
  it('reads the rows a running OpenCode has only in opencode.db-wal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opencode-wal-'));
    try {
      await copyFile(join(TESTDATA, 'wal.db'), join(dir, 'opencode.db'));
      await copyFile(join(TESTDATA, 'wal.db-wal'), join(dir, 'opencode.db-wal'));
      const scan = await opencodeSource.scan(dir, undefined);
      expect(scan.rejected).toEqual([]);
      expect(scan.events.map((e) => e.type === 'message' && e.message_id).sort()).toEqual([
        'msg_checkpointed',
        'msg_in_wal_0',
        'msg_in_wal_1',
        'msg_in_wal_2',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
