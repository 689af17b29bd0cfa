import { queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';
import type { MonitoringWindow } from '../ops-params';
import { durationPercentilesSql, nearestRankSql } from './nearest-rank-percentile';

/**
 * Figures of a set of requests. `errors` are server errors (status ≥ 500), the service's own
 * failures; `client_errors` (400–499) are reported apart because a caller's mistake does not
 * make a route unhealthy. Rates divide by `requests`; throughput is per minute of the period.
 */
export interface RequestFigures {
  requests: number;
  throughput_per_min: number;
  duration_p50_ms: number | null;
  duration_p95_ms: number | null;
  duration_p99_ms: number | null;
  errors: number;
  error_rate: number;
  client_errors: number;
  client_error_rate: number;
  /** the five most frequent status codes ≥ 400, most frequent first, then lowest code */
  top_errors: Array<{ status_code: number; count: number }>;
}

export interface EndpointFigures extends RequestFigures {
  service: string;
  method: string;
  route: string;
}

/** One chart bucket, `start` <= request time < `start` + the window's bucket width. */
export interface RequestBucket {
  start: string;
  requests: number;
  errors: number;
  client_errors: number;
}

export interface EndpointMonitoring {
  summary: RequestFigures & { endpoints: number };
  endpoints: EndpointFigures[];
  buckets: RequestBucket[];
}

interface CountRow {
  requests: number;
  errors: number;
  client_errors: number;
}
type FigureRow = CountRow &
  Pick<RequestFigures, 'duration_p50_ms' | 'duration_p95_ms' | 'duration_p99_ms'>;
interface CodeCount {
  code: number;
  hits: number;
}
/** A route's key columns, aliased apart from the table's own column names. */
interface RouteColumns {
  route_service: string;
  route_method: string;
  route_path: string;
}

const TOP_ERRORS = 5;
const WINDOW = `WHERE project = {project:String}
  AND ts >= fromUnixTimestamp64Milli({start:Int64}, 'UTC')
  AND ts < fromUnixTimestamp64Milli({end:Int64}, 'UTC')`;
const COUNTS = `count() AS requests, countIf(status_code >= 500) AS errors,
  countIf(status_code BETWEEN 400 AND 499) AS client_errors`;

/**
 * Per-route latency, throughput and errors of `http_request` events in a time window, read
 * from the raw http_requests table (one row per request; duplicates never reach it).
 * Percentiles are exact nearest-rank (see nearest-rank-percentile.ts).
 */
export class EndpointMonitoringQuery {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async endpoints(project: string, window: MonitoringWindow): Promise<EndpointMonitoring> {
    const figures = `${COUNTS}, ${durationPercentilesSql('arraySort(groupArray(duration_ms))')}`;
    const route = 'service AS route_service, method AS route_method, route AS route_path';
    const [[overall], routes, codes, buckets] = await Promise.all([
      this.rows<FigureRow>(`SELECT ${figures}`, project, window),
      this.rows<RouteColumns & FigureRow>(
        `SELECT ${route}, ${figures}`,
        project,
        window,
        'GROUP BY route_service, route_method, route_path',
      ),
      this.rows<RouteColumns & CodeCount>(
        `SELECT ${route}, status_code AS code, count() AS hits`,
        project,
        window,
        'AND status_code >= 400 GROUP BY route_service, route_method, route_path, code',
      ),
      this.rows<CountRow & { bucket: number }>(
        `SELECT intDiv(toUnixTimestamp64Milli(ts) - {start:Int64}, {bucket_ms:Int64}) AS bucket,
           ${COUNTS}`,
        project,
        window,
        'GROUP BY bucket',
      ),
    ]);
    const minutes = (window.end - window.start) / 60_000;
    const codesByRoute = new Map<string, CodeCount[]>();
    for (const row of codes) {
      const key = routeKey(row);
      const known = codesByRoute.get(key);
      if (known) known.push(row);
      else codesByRoute.set(key, [row]);
    }
    const endpoints = routes
      .map((row) => ({
        service: row.route_service,
        method: row.route_method,
        route: row.route_path,
        ...toFigures(row, codesByRoute.get(routeKey(row)) ?? [], minutes),
      }))
      .sort(busiestFirst);
    return {
      summary: { endpoints: endpoints.length, ...toFigures(overall, codes, minutes) },
      endpoints,
      buckets: fillBuckets(buckets, window),
    };
  }

  /**
   * SQL: the nearest-rank p95 of the request durations in [`start`, `end`) (parameters
   * `project`, `start`, `end`, epoch ms) over all routes; NULL without requests.
   */
  p95Sql(): string {
    return `SELECT ${nearestRankSql('arraySort(groupArray(duration_ms))', 95)}
      FROM ${this.database}.http_requests ${WINDOW}`;
  }

  private rows<T>(
    select: string,
    project: string,
    window: MonitoringWindow,
    tail = '',
  ): Promise<T[]> {
    const service = window.service === undefined ? '' : 'AND service = {service:String}';
    return queryRows<T>(
      this.client,
      `${select} FROM ${this.database}.http_requests ${WINDOW} ${service} ${tail}`,
      {
        project,
        start: window.start,
        end: window.end,
        bucket_ms: window.bucketMs,
        ...(window.service === undefined ? {} : { service: window.service }),
      },
    );
  }
}

function routeKey(row: RouteColumns): string {
  return JSON.stringify([row.route_service, row.route_method, row.route_path]);
}

function toFigures(row: FigureRow, codes: CodeCount[], minutes: number): RequestFigures {
  const hitsByCode = new Map<number, number>();
  for (const { code, hits } of codes) hitsByCode.set(code, (hitsByCode.get(code) ?? 0) + hits);
  const rate = (count: number) => (row.requests === 0 ? 0 : count / row.requests);
  return {
    requests: row.requests,
    throughput_per_min: row.requests / minutes,
    duration_p50_ms: row.duration_p50_ms,
    duration_p95_ms: row.duration_p95_ms,
    duration_p99_ms: row.duration_p99_ms,
    errors: row.errors,
    error_rate: rate(row.errors),
    client_errors: row.client_errors,
    client_error_rate: rate(row.client_errors),
    top_errors: [...hitsByCode]
      .map(([status_code, count]) => ({ status_code, count }))
      .sort((a, b) => b.count - a.count || a.status_code - b.status_code)
      .slice(0, TOP_ERRORS),
  };
}

/** Most requests first; ties in (service, method, route) order so pages are stable. */
function busiestFirst(a: EndpointFigures, b: EndpointFigures): number {
  if (a.requests !== b.requests) return b.requests - a.requests;
  for (const key of ['service', 'method', 'route'] as const)
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  return 0;
}

/** Every bucket of the window, in time order, empty ones as zeros. */
function fillBuckets(
  rows: Array<CountRow & { bucket: number }>,
  window: MonitoringWindow,
): RequestBucket[] {
  const byIndex = new Map(rows.map((row) => [row.bucket, row]));
  const count = Math.ceil((window.end - window.start) / window.bucketMs);
  return Array.from({ length: count }, (_, index) => {
    const row = byIndex.get(index);
    return {
      start: new Date(window.start + index * window.bucketMs).toISOString(),
      requests: row?.requests ?? 0,
      errors: row?.errors ?? 0,
      client_errors: row?.client_errors ?? 0,
    };
  });
}
