import { z } from 'zod';
import { decodeCursor } from './page-cursor';
import { parseQuery } from './query-params';

/** The pipeline statuses of CONTRACT.md's `pipeline` event. */
export const PIPELINE_STATUSES = ['pending', 'running', 'success', 'failed'] as const;

const name = z.string().min(1).max(512);

const cursorSchema = z.strictObject({
  last_seen: z.number().int(),
  pipeline_id: z.string().min(1),
});
/** Where the previous page ended: the last row's (last_seen, pipeline_id), newest first. */
export type PipelineCursor = z.infer<typeof cursorSchema>;

export interface PipelineListParams {
  status?: (typeof PIPELINE_STATUSES)[number];
  branch?: string;
  environment?: string;
  limit: number;
  after?: PipelineCursor;
}

export const pipelineListQuery = z.object({
  status: z.enum(PIPELINE_STATUSES).optional(),
  branch: name.optional(),
  environment: name.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).optional(),
});

/** `status`, `branch`, `environment`, `limit` (1–500, default 50) and `cursor`. */
export function pipelineListParams(query: Record<string, unknown>): PipelineListParams {
  const { cursor, ...filters } = parseQuery(pipelineListQuery, query);
  return {
    ...filters,
    ...(cursor === undefined ? {} : { after: decodeCursor(cursorSchema, cursor) }),
  };
}

/**
 * The monitoring periods and the width of one chart bucket for each: 30 to 168 points, so a
 * chart stays readable whatever the period.
 */
export const PERIODS = {
  '5m': { ms: 300_000, bucketMs: 10_000 },
  '15m': { ms: 900_000, bucketMs: 30_000 },
  '1h': { ms: 3_600_000, bucketMs: 60_000 },
  '6h': { ms: 21_600_000, bucketMs: 300_000 },
  '24h': { ms: 86_400_000, bucketMs: 900_000 },
  '7d': { ms: 604_800_000, bucketMs: 3_600_000 },
} as const;
type Period = keyof typeof PERIODS;

/** Requests with `start <= ts < end`, optionally of one service; charted in `bucketMs` steps. */
export interface MonitoringWindow {
  period: Period;
  start: number;
  end: number;
  bucketMs: number;
  service?: string;
}

export const monitoringQuery = z.object({
  period: z.enum(Object.keys(PERIODS) as [Period, ...Period[]]).default('1h'),
  service: name.optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});

/** `period` (default 1h) ending at `until` (an ISO date-time, default now), and `service`. */
export function monitoringWindow(
  query: Record<string, unknown>,
  now = Date.now(),
): MonitoringWindow {
  const { period, service, until } = parseQuery(monitoringQuery, query);
  const end = until === undefined ? now : Date.parse(until);
  return {
    period,
    start: end - PERIODS[period].ms,
    end,
    bucketMs: PERIODS[period].bucketMs,
    ...(service === undefined ? {} : { service }),
  };
}
