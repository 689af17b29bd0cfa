import { Type } from '@sinclair/typebox';

/** 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z in epoch milliseconds. */
export const EPOCH_MS_MIN = 946_684_800_000;
export const EPOCH_MS_MAX = 4_102_444_800_000;

/**
 * A point in time on the wire: ISO-8601 with an explicit offset, or epoch milliseconds.
 * The range check catches the usual mistake of sending epoch seconds.
 */
export const Timestamp = Type.Union(
  [
    Type.String({
      format: 'date-time',
      description: 'ISO-8601 with offset, e.g. 2026-01-31T12:00:00.000Z',
    }),
    Type.Integer({
      minimum: EPOCH_MS_MIN,
      maximum: EPOCH_MS_MAX,
      description: 'epoch milliseconds (not seconds)',
    }),
  ],
  { description: 'ISO-8601 with offset, or epoch milliseconds' },
);

/** Converts a validated {@link Timestamp} to epoch milliseconds. */
export function toEpochMs(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

/** Like {@link toEpochMs} for optional fields: absent stays absent. */
export function toOptionalEpochMs(value: string | number | undefined): number | undefined {
  return value === undefined ? undefined : toEpochMs(value);
}
