import type { ChangeFeed } from '@agentpulse/change-feed';
import type { EventStore } from '@agentpulse/clickhouse';
import type { BatchSink, ConsumedBatch } from '@agentpulse/kafka';
import type { NormalisedEvent } from '@agentpulse/schema';
import {
  batchDuration,
  duplicatesSkipped,
  rowsInserted,
  type Logger,
} from '@agentpulse/observability';
import { changeNotices, decodeRecords, dedupToken, dropRepeats } from './event-batch-transforms';

/**
 * The aggregator's pipeline for the partition batches delivered together (one per partition):
 * decode → drop repeats → insert (views update the aggregates) → announce, once for all of
 * them: one id lookup and one INSERT per raw table, whatever the number of partitions. Resolves
 * only once the rows are stored, so the consumer commits every partition's offsets after a
 * durable insert; any failure rejects and all the batches are re-delivered.
 *
 * Why nothing counts twice, however batches are grouped: each raw table's INSERT also writes
 * the ids of its rows to event_ids (through materialized views, in the same statement), and
 * the lookup before every insert drops the ids event_ids already holds. A batch re-delivered
 * after a crash, even one between two tables' INSERTs (some tables written, others not) and
 * grouped with other partitions differently than the first time, therefore writes exactly the
 * events that are not stored yet. Ids repeated within the merged set are kept once. Sink calls
 * never overlap (the coalescer runs one at a time), so no id can be looked up by one call while
 * another is about to store it; and an id, always keyed to the same partition, is never in two
 * batches at once. The insert-deduplication token (all partitions' offset ranges plus the
 * fresh ids) only makes an identical retry a no-op; exactness does not depend on it.
 */
export function eventStoreSink(store: EventStore, changes: ChangeFeed, logger: Logger): BatchSink {
  return async (batches: ConsumedBatch[]) => {
    const timer = batchDuration.startTimer();
    const events: NormalisedEvent[] = [];
    for (const { records, position } of batches) {
      const decoded = decodeRecords(records);
      for (const bad of decoded.malformed) {
        logger.error(
          { ...position, offset: bad.offset, reason: bad.reason },
          'skipping a record that is not an AgentPulse event',
        );
      }
      for (const event of decoded.events) events.push(event);
    }
    const known = await store.lookup(events);
    const fresh = dropRepeats(events, known.stored);
    duplicatesSkipped.inc(events.length - fresh.length);
    if (fresh.length > 0) {
      const positions = batches.map((b) => b.position);
      const counts = await store.insert(fresh, dedupToken(positions, fresh));
      for (const [table, count] of counts) rowsInserted.inc({ table }, count);
    }
    // Before the offsets are committed, so no gateway serves a cached answer older than these
    // batches. For all events, not only fresh ones: if this fails after the insert, the
    // re-delivered batches are all repeats and must still advance the generation.
    await changes.advance(changeNotices(events, Date.now()));
    if (fresh.length > 0) {
      try {
        await changes.publish(changeNotices(fresh, Date.now(), known.sessions));
      } catch (error) {
        // Live pushes are best effort; the data is stored and queries will show it.
        logger.warn({ err: error }, 'could not announce changes');
      }
    }
    timer();
  };
}
