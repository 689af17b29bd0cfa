import { z } from 'zod';
import { badParameter } from './query-params';

/**
 * Keyset pagination cursors: where the previous page ended, as base64url JSON. Opaque to
 * clients; a cursor that does not decode to the expected shape is a 400 naming `cursor`.
 */
export function encodeCursor(position: object): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(schema: T, raw: string): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    badParameter('cursor', 'cursor: pass details.next_cursor of the previous page unchanged', raw);
  return parsed.data;
}
