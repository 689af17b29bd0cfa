import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A day or an instant: `2026-11-23` or any ISO-8601 date-time with an offset. */
const day = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** `from`/`to`: UTC days, inclusive; default the last 30 days. */
export const dayRangeQuery = z.object({
  from: day
    .optional()
    .describe('first UTC day (YYYY-MM-DD or ISO date-time), default 29 days before `to`'),
  to: day.optional().describe('last UTC day, inclusive, default today'),
});

/** A 400 that names the offending query parameter (CONTRACT.md: "400 naming the parameter"). */
export function badParameter(parameter: string, message: string, value?: unknown): never {
  throw new BadRequestException({ message, details: { parameter, value } });
}

/**
 * Parses a query with a zod object schema; the first problem becomes a 400 naming its parameter.
 */
export function parseQuery<T extends z.ZodType>(
  schema: T,
  query: Record<string, unknown>,
): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0] ?? 'query');
  return badParameter(name, `${name}: ${issue.message}`, query[name]);
}

/**
 * `from`/`to` as an inclusive range of UTC days; default the last 30 days. Rejects a range
 * that ends before it starts or spans more than `maxDays`.
 */
export function dayRange(
  query: Record<string, unknown>,
  now = Date.now(),
  maxDays = 366,
): { from: string; to: string } {
  const parsed = dayRangeQuery.safeParse({ from: query.from, to: query.to });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0]);
    throw new BadRequestException({
      message: `${name} must be a date (YYYY-MM-DD) or an ISO-8601 date-time with offset`,
      details: { parameter: name, value: query[name] },
    });
  }
  const to = parsed.data.to ? isoDay(Date.parse(parsed.data.to)) : isoDay(now);
  const from = parsed.data.from
    ? isoDay(Date.parse(parsed.data.from))
    : isoDay(Date.parse(to) - 29 * DAY_MS);
  if (from > to)
    throw new BadRequestException({
      message: 'from must not be after to',
      details: { parameter: 'from', from, to },
    });
  if ((Date.parse(to) - Date.parse(from)) / DAY_MS + 1 > maxDays)
    throw new BadRequestException({
      message: `the range may span at most ${maxDays} days`,
      details: { parameter: 'to', from, to },
    });
  return { from, to };
}
