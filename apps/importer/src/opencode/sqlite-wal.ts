/**
 * Folds a SQLite write-ahead log into its database image, as SQLite itself would on reading.
 *
 * OpenCode keeps `opencode.db` in WAL mode: a committed row lives in `opencode.db-wal` until a
 * checkpoint copies it into the database file, which can take a long while during a session.
 * sql.js (SQLite in WebAssembly, reading an in-memory image) cannot open the log, so without
 * this an import would miss the newest rows and `--watch` would lag behind OpenCode.
 *
 * Format (sqlite.org/fileformat2.html#walformat): a 32-byte header (magic, version, page size,
 * checkpoint sequence, two salts, two checksums), then frames of a 24-byte header (page number,
 * database size in pages for a commit frame else 0, the salts, a cumulative checksum) and one
 * page. Only frames of the current log (salts equal to the header's, checksums chaining) up to
 * its last commit frame count: later ones belong to a transaction still being written.
 */

const MAGIC_LE = 0x377f0682;
const MAGIC_BE = 0x377f0683;
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** SQLite's WAL checksum: pairs of 32-bit words in the log's byte order, two running sums. */
function checksum(bytes: Uint8Array, bigEndian: boolean, seed: [number, number]): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let [s0, s1] = seed;
  for (let i = 0; i + 8 <= bytes.byteLength; i += 8) {
    s0 = (s0 + view.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + view.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

/** The database as of the log's last commit; `database` itself when the log adds nothing. */
export function applyWal(database: Uint8Array, wal: Uint8Array | undefined): Uint8Array {
  if (!wal || wal.byteLength < WAL_HEADER) return database;
  const header = new DataView(wal.buffer, wal.byteOffset, WAL_HEADER);
  const magic = header.getUint32(0);
  if (magic !== MAGIC_LE && magic !== MAGIC_BE) return database;
  const bigEndian = magic === MAGIC_BE;
  const pageSize = header.getUint32(8);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return database;
  const salts = [header.getUint32(16), header.getUint32(20)];
  let sum = checksum(wal.subarray(0, 24), bigEndian, [0, 0]);
  if (sum[0] !== header.getUint32(24) || sum[1] !== header.getUint32(28)) return database;

  const committed = new Map<number, Uint8Array>();
  const pending = new Map<number, Uint8Array>();
  let pages = 0;
  for (let at = WAL_HEADER; at + FRAME_HEADER + pageSize <= wal.byteLength;) {
    const frame = new DataView(wal.buffer, wal.byteOffset + at, FRAME_HEADER);
    if (frame.getUint32(8) !== salts[0] || frame.getUint32(12) !== salts[1]) break;
    const page = wal.subarray(at + FRAME_HEADER, at + FRAME_HEADER + pageSize);
    sum = checksum(page, bigEndian, checksum(wal.subarray(at, at + 8), bigEndian, sum));
    if (sum[0] !== frame.getUint32(16) || sum[1] !== frame.getUint32(20)) break;
    pending.set(frame.getUint32(0), page);
    const commitSize = frame.getUint32(4);
    if (commitSize > 0) {
      for (const [number, data] of pending) committed.set(number, data);
      pending.clear();
      pages = commitSize;
    }
    at += FRAME_HEADER + pageSize;
  }
  if (pages === 0) return database;

  const image = new Uint8Array(pages * pageSize);
  image.set(database.subarray(0, Math.min(database.byteLength, image.byteLength)));
  for (const [number, data] of committed) {
    if (number >= 1 && number <= pages) image.set(data, (number - 1) * pageSize);
  }
  return image;
}
