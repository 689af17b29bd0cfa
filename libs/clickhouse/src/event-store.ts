import { TupleParam, type ClickHouseClient } from '@clickhouse/client';
import type { NormalisedEvent } from '@agentpulse/schema';
import { rowsByTable, type RawTable } from './event-rows';

/** Identifies an event for deduplication: ids are unique within a project. */
export function eventKey(event: Pick<NormalisedEvent, 'project' | 'id'>): string {
  return `${event.project}\u0000${event.id}`;
}

/** Identifies a session: session ids are unique within a project. */
export function sessionKey(event: Pick<NormalisedEvent, 'project' | 'session_id'>): string {
  return `${event.project}\u0000${event.session_id}`;
}

/**
 * Writes normalised events to the raw tables (materialized views do the rest) and answers
 * which events are already stored.
 */
export class EventStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  /**
   * What is already stored of these events, in one statement: the keys ({@link eventKey}) of
   * those whose id is stored in their project, and the sessions ({@link sessionKey}) that have
   * any stored event.
   *
   * event_ids is ordered by (project, session_id, id): the statement narrows to the batch's
   * sessions by key prefix and keeps only rows whose id is one of the batch's ids, so it returns
   * at most one row per event however long the sessions are (a literal set of every
   * (project, session, id) tuple cost seconds at ten thousand events). Sessionless events
   * (session_id '') share one prefix per project and are filtered by (project, id). Ids are
   * matched here under their own (project, session_id), as a filter on the full key would.
   */
  async lookup(events: NormalisedEvent[]): Promise<{ stored: Set<string>; sessions: Set<string> }> {
    const stored = new Set<string>();
    const sessions = new Set<string>();
    if (events.length === 0) return { stored, sessions };
    const wanted = new Set<string>();
    const sessionKeys = new Map<string, TupleParam>();
    const sessionIds = new Set<string>();
    const sessionless = new Map<string, TupleParam>();
    for (const e of events) {
      wanted.add(`${sessionKey(e)}\u0000${e.id}`);
      if (e.session_id) {
        sessionKeys.set(sessionKey(e), new TupleParam([e.project, e.session_id]));
        sessionIds.add(e.id);
      } else sessionless.set(eventKey(e), new TupleParam([e.project, e.id]));
    }
    const parts: string[] = [];
    if (sessionKeys.size > 0)
      parts.push(
        `SELECT 1 AS is_id, project, session_id, id FROM ${this.database}.event_ids
         WHERE (project, session_id) IN {sessions:Array(Tuple(String, String))}
           AND id IN {sessionIds:Array(String)}`,
        `SELECT * FROM (
           SELECT 0 AS is_id, project, session_id, '' AS id FROM ${this.database}.event_ids
           WHERE (project, session_id) IN {sessions:Array(Tuple(String, String))}
           LIMIT 1 BY project, session_id)`,
      );
    if (sessionless.size > 0)
      parts.push(
        `SELECT 1 AS is_id, project, session_id, id FROM ${this.database}.event_ids
         WHERE session_id = '' AND (project, id) IN {ids:Array(Tuple(String, String))}`,
      );
    const result = await this.client.query({
      query: parts.join('\nUNION ALL\n'),
      query_params: {
        sessions: [...sessionKeys.values()],
        sessionIds: [...sessionIds],
        ids: [...sessionless.values()],
      },
      format: 'JSONCompactEachRow',
    });
    for (const [isId, project, session_id, id] of await result.json<
      [number, string, string, string]
    >()) {
      if (!isId) sessions.add(sessionKey({ project, session_id }));
      else if (wanted.has(`${sessionKey({ project, session_id })}\u0000${id}`))
        stored.add(eventKey({ project, id }));
    }
    return { stored, sessions };
  }

  /**
   * Inserts one batch. `dedupToken` must be the same when the same batch is written again
   * (derived from its Kafka offsets): a repeated insert then adds nothing, to the raw tables
   * or to any materialized view.
   */
  async insert(events: NormalisedEvent[], dedupToken: string): Promise<Map<RawTable, number>> {
    const counts = new Map<RawTable, number>();
    for (const [table, rows] of rowsByTable(events)) {
      await this.client.insert({
        table: `${this.database}.${table}`,
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: {
          insert_deduplication_token: `${dedupToken}:${table}`,
          insert_deduplicate: 1,
          deduplicate_blocks_in_dependent_materialized_views: 1,
          date_time_input_format: 'best_effort',
        },
      });
      counts.set(table, rows.length);
    }
    return counts;
  }
}
