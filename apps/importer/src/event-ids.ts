import { createHash } from 'node:crypto';

/**
 * A deterministic event id: `<prefix>-` + a hash of the fields that identify the record in its
 * source. Importing the same record again yields the same id, which ingest counts once
 * (CONTRACT.md: "the same id sent again never counts twice"); 32 hex chars keep it well under
 * the 128-char limit whatever the source's own ids look like.
 */
export function deterministicId(prefix: string, ...parts: Array<string | number>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(String(part)).update('\u0000');
  return `${prefix}-${hash.digest('hex').slice(0, 32)}`;
}
