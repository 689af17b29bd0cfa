import Redis from 'ioredis';

/** "These sessions of this project changed": sent after a batch is durably stored. */
export interface ChangeNotice {
  project: string;
  /** sessions whose stats changed; empty when only sessionless data changed */
  session_ids: string[];
  /** sessions whose first events this batch stored (absent in notices of older versions) */
  started_session_ids?: string[];
  /** when the aggregator stored the batch (epoch ms) */
  at: number;
}

const CHANNEL = 'agentpulse:changes:v1';
const generationKey = (project: string) => `agentpulse:generation:v1:${project}`;

/**
 * Carries change notices from aggregators to every gateway over Redis pub/sub, and keeps a
 * per-project generation number that every stored batch increments. Notices are best effort (a
 * lost one delays a live push); the generation is not: `advance` fails if it cannot increment
 * it, so the aggregator retries the batch before committing, and a gateway's cached answers,
 * tagged with the generation they were computed at, are never served after a newer batch.
 */
export class ChangeFeed {
  private publisher?: Redis;
  private subscriber?: Redis;

  constructor(private readonly redisUrl: string) {}

  /** Increments the generation of every project with a notice; throws if any increment fails. */
  async advance(notices: ChangeNotice[]): Promise<void> {
    const projects = [...new Set(notices.map((notice) => notice.project))];
    if (projects.length === 0) return;
    const pipeline = this.redis().pipeline();
    for (const project of projects) pipeline.incr(generationKey(project));
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  async publish(notices: ChangeNotice[]): Promise<void> {
    if (notices.length === 0) return;
    const pipeline = this.redis().pipeline();
    for (const notice of notices) pipeline.publish(CHANNEL, JSON.stringify(notice));
    await pipeline.exec();
  }

  /** The project's current generation (0 before its first batch). */
  async generation(project: string): Promise<number> {
    return Number((await this.redis().get(generationKey(project))) ?? 0);
  }

  private redis(): Redis {
    // a bounded wait: a gateway request must not hang on an unreachable Redis
    return (this.publisher ??= new Redis(this.redisUrl, {
      maxRetriesPerRequest: 2,
      commandTimeout: 2_000,
    }));
  }

  async subscribe(onNotice: (notice: ChangeNotice) => void): Promise<void> {
    this.subscriber = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel: string, message: string) => {
      onNotice(JSON.parse(message) as ChangeNotice);
    });
    await this.subscriber.subscribe(CHANNEL);
  }

  /**
   * True for the first caller to claim `key` until `ttlMs` has passed (Redis SET NX PX):
   * gateways sharing rooms use it so one of them announces each change.
   */
  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis().set(`agentpulse:claim:v1:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async ping(): Promise<void> {
    await this.redis().ping();
  }

  async close(): Promise<void> {
    await Promise.all([this.publisher?.quit(), this.subscriber?.quit()]);
    this.publisher = undefined;
    this.subscriber = undefined;
  }
}
