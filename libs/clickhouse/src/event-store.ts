import { TupleParam, type ClickHouseClient } from '@clickhouse/client';
import type { NormalisedEvent } from '@agentpulse/schema';
import { rowsByTable, type RawTable } from './event-rows';

/** Identifies an event for deduplication: ids are unique within a project. */
export function eventKey(event: Pick<NormalisedEvent, 'project' | 'id'>): string {
  return `${event.project}\u0000${event.id}`;
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

  /** Keys ({@link eventKey}) of those events whose id is already stored in their project. */
  async storedKeys(events: NormalisedEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const lookups = events.map((e) => new TupleParam([e.project, e.session_id, e.id]));
    const result = await this.client.query({
      query: `SELECT DISTINCT project, id FROM ${this.database}.event_ids
              WHERE (project, session_id, id) IN {lookups:Array(Tuple(String, String, String))}`,
      query_params: { lookups },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ project: string; id: string }>();
    return new Set(rows.map(eventKey));
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
