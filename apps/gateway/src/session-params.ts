import { z } from 'zod';
import { decodeCursor } from './page-cursor';
import { badParameter, parseQuery } from './query-params';
import {
  SESSION_SORTS,
  type SessionListFilter,
  type SessionSort,
} from './queries/session-list.query';

const DAY_MS = 86_400_000;
const dayOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const text = z.string().min(1).max(1024);
const sort = z.enum([...SESSION_SORTS, ...SESSION_SORTS.map((s) => `-${s}` as const)]);

export const sessionListQuery = z.object({
  from: dayOrInstant.optional(),
  to: dayOrInstant.optional(),
  status: z.enum(['running', 'completed', 'error']).optional(),
  directory: text.optional(),
  project_name: text.optional(),
  sort: sort.default('-last_event_at'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(4096).optional(),
});

const listCursor = z.strictObject({
  sort,
  value: z.number(),
  session_id: z.string(),
});

/** A day means the whole UTC day: its start for `from`, its last millisecond for `to`. */
function instant(value: string, end: boolean): number {
  const ms = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && end ? ms + DAY_MS - 1 : ms;
}

/** The filters, order and page of `GET /v1/sessions`; a 400 names the first bad parameter. */
export function sessionListParams(query: Record<string, unknown>): SessionListFilter & {
  sortParam: string;
} {
  const params = parseQuery(sessionListQuery, query);
  const from = params.from === undefined ? undefined : instant(params.from, false);
  const to = params.to === undefined ? undefined : instant(params.to, true);
  if (from !== undefined && to !== undefined && from > to)
    badParameter('from', 'from must not be after to', params.from);
  const after = params.cursor === undefined ? undefined : decodeCursor(listCursor, params.cursor);
  if (after && after.sort !== params.sort)
    badParameter(
      'cursor',
      'cursor: it belongs to another sort; keep sort unchanged while paging',
      params.cursor,
    );
  return {
    from,
    to,
    status: params.status,
    directory: params.directory,
    project_name: params.project_name,
    sort: params.sort.replace(/^-/, '') as SessionSort,
    sortParam: params.sort,
    descending: params.sort.startsWith('-'),
    limit: params.limit,
    ...(after ? { after: { value: after.value, session_id: after.session_id } } : {}),
  };
}

export const timelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(2000).default(200),
  cursor: z.string().min(1).max(4096).optional(),
});

export function timelineParams(query: Record<string, unknown>): {
  limit: number;
  after?: { ts: number; id: string };
} {
  const params = parseQuery(timelineQuery, query);
  const cursor = z.strictObject({ ts: z.number(), id: z.string() });
  return {
    limit: params.limit,
    ...(params.cursor === undefined ? {} : { after: decodeCursor(cursor, params.cursor) }),
  };
}

/** At most this many sessions side by side. */
export const MAX_COMPARED = 20;

export const compareQuery = z.object({
  ids: z
    .string()
    .min(1)
    .max(20_000)
    .describe(`session ids separated by commas, at most ${MAX_COMPARED}`),
});

export function compareParams(query: Record<string, unknown>): string[] {
  const { ids } = parseQuery(compareQuery, query);
  const list = [
    ...new Set(
      ids
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    ),
  ];
  if (list.length === 0) badParameter('ids', 'ids: give session ids separated by commas', ids);
  if (list.length > MAX_COMPARED)
    badParameter('ids', `ids: at most ${MAX_COMPARED} sessions can be compared`, list.length);
  return list;
}
