import { queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';

/** The orders `GET /v1/sessions` can sort by, each a column of the listed rows. */
export const SESSION_SORTS = [
  'last_event_at',
  'first_event_at',
  'cost_usd',
  'total_tokens',
  'duration_ms',
  'messages',
] as const;
export type SessionSort = (typeof SESSION_SORTS)[number];

export interface SessionListFilter {
  /** epoch ms: sessions whose own [first event, last event] overlaps [from, to] */
  from?: number;
  to?: number;
  status?: string;
  directory?: string;
  /** the last segment of the session's directory */
  project_name?: string;
  sort: SessionSort;
  descending: boolean;
  limit: number;
  /** the previous page's last row: its sort value and session id */
  after?: { value: number; session_id: string };
}

/** A session with its own figures (not its family's: child sessions are rows of their own). */
export interface SessionListRow {
  session_id: string;
  parent_session_id: string | null;
  title: string;
  directory: string;
  status: string | null;
  first_event_at: number;
  last_event_at: number;
  duration_ms: number;
  messages: number;
  total_tokens: number;
  cost_usd: number;
}

export interface SessionListPage {
  rows: SessionListRow[];
  /** the last row's sort position when more rows follow */
  next?: { value: number; session_id: string };
  matching: { sessions: number; total_tokens: number; cost_usd: number };
}

interface PagePosition {
  session_id: string;
  sort_value: number;
  matching: number;
  matching_tokens: number;
  matching_cost: number;
}

/**
 * Sessions of a project from session_stats, filtered, sorted and paged by keyset (sort value,
 * session id), with the totals of everything the filters match.
 */
export class SessionListQuery {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async page(project: string, filter: SessionListFilter): Promise<SessionListPage> {
    const having = ['1'];
    if (filter.from !== undefined) having.push('last_ms >= {from:Int64}');
    if (filter.to !== undefined) having.push('first_ms <= {to:Int64}');
    if (filter.status !== undefined) having.push('latest_status = {status:String}');
    if (filter.directory !== undefined) having.push('latest_directory = {directory:String}');
    if (filter.project_name !== undefined)
      having.push(
        `arrayLast(part -> part != '', splitByRegexp('[/\\\\\\\\]', latest_directory)) = {project_name:String}`,
      );
    const order = filter.descending ? 'DESC' : 'ASC';
    const after = filter.after
      ? `WHERE (sort_value, session_id) ${filter.descending ? '<' : '>'} ({after_value:Float64}, {after_id:String})`
      : '';
    const params = {
      project,
      from: filter.from,
      to: filter.to,
      status: filter.status,
      directory: filter.directory,
      project_name: filter.project_name,
      after_value: filter.after?.value,
      after_id: filter.after?.session_id,
      limit: filter.limit + 1,
    };
    // Two steps: order every matching session by the few columns the sort and the filters need
    // (the engine drops the unused latest-value merges, the expensive part), then read the
    // page's rows in full.
    const positions = await queryRows<PagePosition>(
      this.client,
      `SELECT session_id, sort_value, matching, matching_tokens, matching_cost
       FROM (
         SELECT session_id, sort_value, count() OVER () AS matching,
           sum(tokens) OVER () AS matching_tokens, sum(cost) OVER () AS matching_cost
         FROM (${this.perSession('', filter.sort)} HAVING ${having.join(' AND ')}))
       ${after}
       ORDER BY sort_value ${order}, session_id ${order}
       LIMIT {limit:UInt32}`,
      params,
    );
    const full = new Map(
      (
        await queryRows<SessionListRow>(
          this.client,
          `SELECT session_id, if(parent_id = '', NULL, parent_id) AS parent_session_id,
             latest_title AS title, latest_directory AS directory,
             if(latest_status = '', NULL, latest_status) AS status,
             first_ms AS first_event_at, last_ms AS last_event_at, duration AS duration_ms,
             message_count AS messages, tokens AS total_tokens, cost AS cost_usd
           FROM (${this.perSession('AND session_id IN {ids:Array(String)}', filter.sort)})`,
          { project, ids: positions.map((row) => row.session_id) },
        )
      ).map((row) => [row.session_id, row]),
    );
    const rows = positions.map((position) => ({
      ...position,
      ...(full.get(position.session_id) as SessionListRow),
    }));
    const more = rows.length > filter.limit;
    const shown = rows.slice(0, filter.limit);
    const last = shown[shown.length - 1];
    const first = rows[0];
    return {
      rows: shown.map(
        ({ sort_value: _, matching: __, matching_tokens: ___, matching_cost: ____, ...row }) => row,
      ),
      ...(more && last ? { next: { value: last.sort_value, session_id: last.session_id } } : {}),
      matching: first
        ? {
            sessions: first.matching,
            total_tokens: first.matching_tokens,
            cost_usd: first.matching_cost,
          }
        : filter.after
          ? // a page past the last row has no row to carry the totals
            (await this.page(project, { ...filter, after: undefined, limit: 1 })).matching
          : { sessions: 0, total_tokens: 0, cost_usd: 0 },
    };
  }

  /** Each session's own figures from session_stats (its rows merged by GROUP BY). */
  private perSession(where: string, sort: SessionSort): string {
    return `SELECT session_id,
        argMaxMerge(parent_session_id) AS parent_id, argMaxMerge(title) AS latest_title,
        argMaxMerge(directory) AS latest_directory, argMaxMerge(status) AS latest_status,
        toUnixTimestamp64Milli(min(first_event_at)) AS first_ms,
        toUnixTimestamp64Milli(max(last_event_at)) AS last_ms,
        toUnixTimestamp64Milli(argMaxMerge(started_at)) AS started_ms,
        toUnixTimestamp64Milli(argMaxMerge(ended_at)) AS ended_ms,
        if(started_ms > 0 AND ended_ms > 0, ended_ms - started_ms, last_ms - first_ms) AS duration,
        sum(messages_user) + sum(messages_assistant) AS message_count,
        sum(tokens_in) + sum(tokens_out) + sum(tokens_cache_read) + sum(tokens_cache_write) AS tokens,
        sum(cost_usd) AS cost,
        toFloat64(${SORT_COLUMNS[sort]}) AS sort_value
      FROM ${this.database}.session_stats
      WHERE project = {project:String} ${where}
      GROUP BY session_id`;
  }
}

const SORT_COLUMNS: Record<SessionSort, string> = {
  last_event_at: 'last_ms',
  first_event_at: 'first_ms',
  cost_usd: 'cost',
  total_tokens: 'tokens',
  duration_ms: 'duration',
  messages: 'message_count',
};
