import Redis from 'ioredis';

/** "These sessions of this project changed": sent after a batch is durably stored. */
export interface ChangeNotice {
  project: string;
  /** sessions whose stats changed; empty when only sessionless data changed */
  session_ids: string[];
  /** sessions seen for the first time in this batch */
  at: number;
}

const CHANNEL = 'agentpulse:changes:v1';

/**
 * Carries change notices from aggregators to every gateway over Redis pub/sub. Best effort by
 * design: a lost notice delays a live push, never changes a number (queries read ClickHouse).
 */
export class ChangeFeed {
  private publisher?: Redis;
  private subscriber?: Redis;

  constructor(private readonly redisUrl: string) {}

  async publish(notices: ChangeNotice[]): Promise<void> {
    if (notices.length === 0) return;
    this.publisher ??= new Redis(this.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
    const pipeline = this.publisher.pipeline();
    for (const notice of notices) pipeline.publish(CHANNEL, JSON.stringify(notice));
    await pipeline.exec();
  }

  async subscribe(onNotice: (notice: ChangeNotice) => void): Promise<void> {
    this.subscriber = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel: string, message: string) => {
      onNotice(JSON.parse(message) as ChangeNotice);
    });
    await this.subscriber.subscribe(CHANNEL);
  }

  async ping(): Promise<void> {
    this.publisher ??= new Redis(this.redisUrl, { maxRetriesPerRequest: 2 });
    await this.publisher.ping();
  }

  async close(): Promise<void> {
    await Promise.all([this.publisher?.quit(), this.subscriber?.quit()]);
    this.publisher = undefined;
    this.subscriber = undefined;
  }
}
