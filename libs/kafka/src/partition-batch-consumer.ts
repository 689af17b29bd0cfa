import type { Consumer, Kafka } from 'kafkajs';
import { BatchCoalescer } from './batch-coalescer';

/** Where a batch came from; enough to derive a deterministic insert-deduplication token. */
export interface BatchPosition {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
}

export interface ConsumedRecord {
  offset: string;
  key: string | null;
  value: Buffer | null;
}

/** One partition's batch as delivered. */
export interface ConsumedBatch {
  records: ConsumedRecord[];
  position: BatchPosition;
}

/**
 * Receives the batches of one or more partitions (at most one batch per partition, each in
 * offset order) delivered at about the same time; their offsets are committed only after it
 * resolves. Calls never overlap.
 */
export type BatchSink = (batches: ConsumedBatch[]) => Promise<void>;

export interface PartitionBatchConsumerOptions {
  topic: string;
  groupId: string;
  /** upper bound of bytes fetched per partition per batch (kafkajs default 1 MiB) */
  maxBytesPerPartition?: number;
  /**
   * how many partitions' batches may be in hand at once; they are stored together in one sink
   * call (default 1: one partition at a time)
   */
  partitionsConsumedConcurrently?: number;
  /** how long a batch arriving at an idle sink waits for others (see {@link BatchCoalescer}) */
  coalesceWindowMs?: number;
}

/** kafkajs' default heartbeat interval: how often a batch waiting for its sink heartbeats. */
const HEARTBEAT_EVERY_MS = 3_000;

/**
 * A consumer-group member that hands whole per-partition batches to a sink and commits each
 * partition's `lastOffset + 1` only after the sink succeeded. Partitions are consumed
 * concurrently (`partitionsConsumedConcurrently`) and the batches that arrive together are
 * passed to the sink in one call ({@link BatchCoalescer}), so its fixed cost per call is paid
 * once for all of them. A crash before the commit re-delivers the same records, perhaps
 * grouped with other partitions' batches differently, so the sink must be idempotent per
 * record, whatever the grouping (the aggregator is: it looks up stored ids).
 */
export class PartitionBatchConsumer {
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly options: PartitionBatchConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
  }

  async start(sink: BatchSink): Promise<void> {
    const concurrency = this.options.partitionsConsumedConcurrently ?? 1;
    const coalescer = new BatchCoalescer(sink, {
      windowMs: this.options.coalesceWindowMs,
      maxBatches: concurrency,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const records = batch.messages.map((m) => ({
          offset: m.offset,
          key: m.key?.toString() ?? null,
          value: m.value,
        }));
        const position = {
          topic: batch.topic,
          partition: batch.partition,
          firstOffset: records[0].offset,
          lastOffset: records[records.length - 1].offset,
        };
        // The sink may take a while (it stores other partitions' batches too): keep the group
        // membership alive meanwhile. kafkajs throttles heartbeats; a failed one (a rebalance
        // has begun) is noticed below through isStale().
        const beating = setInterval(() => {
          heartbeat().catch(() => undefined);
        }, HEARTBEAT_EVERY_MS);
        try {
          await coalescer.submit({ records, position });
        } finally {
          clearInterval(beating);
        }
        // The records are stored. If the partition was revoked meanwhile, its new owner fetches
        // from the last committed offset and the sink drops what is already stored; committing
        // from a stale generation would only fail.
        if (isStale()) return;
        // Resolving moves the fetch position past the batch; without it kafkajs fetches the
        // same records again (and a stale commit can move the group's offset backwards).
        resolveOffset(position.lastOffset);
        await this.consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(position.lastOffset) + 1n).toString(),
          },
        ]);
        await heartbeat();
      },
    });
  }

  /** Leaves the group after the batch in progress has been committed. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
