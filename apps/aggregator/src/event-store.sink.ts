import type { ChangeFeed } from '@agentpulse/change-feed';
import type { EventStore } from '@agentpulse/clickhouse';
import type { BatchPosition, BatchSink, ConsumedRecord } from '@agentpulse/kafka';
import {
  batchDuration,
  duplicatesSkipped,
  rowsInserted,
  type Logger,
} from '@agentpulse/observability';
import { changeNotices, decodeRecords, dedupToken, dropRepeats } from './event-batch-transforms';

/**
 * The aggregator's pipeline for one partition batch: decode → drop repeats → insert (views
 * update the aggregates) → announce. Resolves only once the rows are stored, so the consumer
 * commits offsets after a durable insert; any failure rejects and the batch is re-delivered.
 */
export function eventStoreSink(store: EventStore, changes: ChangeFeed, logger: Logger): BatchSink {
  return async (records: ConsumedRecord[], position: BatchPosition) => {
    const timer = batchDuration.startTimer();
    const { events, malformed } = decodeRecords(records);
    for (const bad of malformed) {
      logger.error(
        { ...position, offset: bad.offset, reason: bad.reason },
        'skipping a record that is not an AgentPulse event',
      );
    }
    const known = await store.lookup(events);
    const fresh = dropRepeats(events, known.stored);
    duplicatesSkipped.inc(events.length - fresh.length);
    if (fresh.length > 0) {
      const counts = await store.insert(fresh, dedupToken(position, fresh));
      for (const [table, count] of counts) rowsInserted.inc({ table }, count);
    }
    // Before the offsets are committed, so no gateway serves a cached answer older than this
    // batch. For all events, not only fresh ones: if this fails after the insert, the
    // re-delivered batch is all repeats and must still advance the generation.
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
