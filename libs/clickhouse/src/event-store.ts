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
   */
  async lookup(events: NormalisedEvent[]): Promise<{ stored: Set<string>; sessions: Set<string> }> {
    if (events.length === 0) return { stored: new Set(), sessions: new Set() };
    const ids = events.map((e) => new TupleParam([e.project, e.session_id, e.id]));
    const sessionKeys = new Map<string, TupleParam>();
    for (const e of events)
      if (e.session_id) sessionKeys.set(sessionKey(e), new TupleParam([e.project, e.session_id]));
    const knownSessions =
      sessionKeys.size === 0
        ? ''
        : `UNION ALL
           SELECT * FROM (
             SELECT 'session' AS kind, project, session_id AS key FROM ${this.database}.event_ids
             WHERE (project, session_id) IN {sessions:Array(Tuple(String, String))}
             LIMIT 1 BY project, session_id)`;
    const result = await this.client.query({
      query: `SELECT * FROM (
                SELECT DISTINCT 'id' AS kind, project, id AS key FROM ${this.database}.event_ids
                WHERE (project, session_id, id) IN {ids:Array(Tuple(String, String, String))})
              ${knownSessions}`,
      query_params: { ids, sessions: [...sessionKeys.values()] },
      format: 'JSONEachRow',
    });
    const stored = new Set<string>();
    const sessions = new Set<string>();
    for (const row of await result.json<{ kind: string; project: string; key: string }>()) {
      if (row.kind === 'id') stored.add(eventKey({ project: row.project, id: row.key }));
      else sessions.add(sessionKey({ project: row.project, session_id: row.key }));
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
