import type { Consumer, Kafka } from 'kafkajs';

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

/** Receives one partition's batch; offsets are committed only after it resolves. */
export type BatchSink = (records: ConsumedRecord[], position: BatchPosition) => Promise<void>;

export interface PartitionBatchConsumerOptions {
  topic: string;
  groupId: string;
  /** upper bound of bytes fetched per partition per batch (kafkajs default 1 MiB) */
  maxBytesPerPartition?: number;
}

/**
 * A consumer-group member that hands whole per-partition batches to a sink and commits
 * `lastOffset + 1` only after the sink succeeded. A crash before the commit re-delivers the
 * same batch, so the sink must be idempotent (the aggregator is).
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
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
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
        await sink(records, position);
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
