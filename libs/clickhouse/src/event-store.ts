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
   * event_ids is ordered by (project, session_id, id), so the statement reads the ids of the
   * batch's sessions by key prefix and matches them here: far cheaper than a literal set of
   * every (project, session, id) in the batch. Sessionless events (session_id '') are all in
   * one prefix per project, so those are still filtered by id, to read only the batch's own.
   * An id counts as stored only under the same (project, session_id) as in the batch, as an id
   * filter on the full key would.
   */
  async lookup(events: NormalisedEvent[]): Promise<{ stored: Set<string>; sessions: Set<string> }> {
    const stored = new Set<string>();
    const sessions = new Set<string>();
    if (events.length === 0) return { stored, sessions };
    const wanted = new Set<string>();
    const sessionKeys = new Map<string, TupleParam>();
    const sessionless = new Map<string, TupleParam>();
    for (const e of events) {
      wanted.add(`${sessionKey(e)}\u0000${e.id}`);
      if (e.session_id) sessionKeys.set(sessionKey(e), new TupleParam([e.project, e.session_id]));
      else sessionless.set(eventKey(e), new TupleParam([e.project, e.id]));
    }
    const filters: string[] = [];
    if (sessionKeys.size > 0)
      filters.push(`(project, session_id) IN {sessions:Array(Tuple(String, String))}`);
    if (sessionless.size > 0)
      filters.push(`(session_id = '' AND (project, id) IN {ids:Array(Tuple(String, String))})`);
    const result = await this.client.query({
      query: `SELECT project, session_id, id FROM ${this.database}.event_ids
              WHERE ${filters.join(' OR ')}`,
      query_params: { sessions: [...sessionKeys.values()], ids: [...sessionless.values()] },
      format: 'JSONCompactEachRow',
    });
    for (const [project, session_id, id] of await result.json<[string, string, string]>()) {
      if (session_id) sessions.add(sessionKey({ project, session_id }));
      if (wanted.has(`${sessionKey({ project, session_id })}\u0000${id}`))
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
