import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';

/** The event log could not take the events; ingest answers 503 with Retry-After. */
export class EventLogUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`event log unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'EventLogUnavailableError';
  }
}

export interface KeyedRecord {
  /** partition key: records with the same key stay in order */
  key: string;
  value: string;
}

/**
 * Idempotent producer with acks=all: `publish` resolves only once the broker has acknowledged
 * every record, and a retried send cannot write a record twice.
 */
export class EventLogProducer {
  private readonly producer: Producer;
  private connected?: Promise<void>;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly timeoutMs: number,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 on the session key, as the Java client does: one session → one partition.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  async publish(records: KeyedRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.connect();
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        timeout: this.timeoutMs,
        compression: CompressionTypes.None,
        messages: records,
      });
    } catch (error) {
      throw new EventLogUnavailableError(error);
    }
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = undefined;
    await this.producer.disconnect();
  }
}
