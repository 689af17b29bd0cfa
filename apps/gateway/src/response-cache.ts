import { LRUCache } from 'lru-cache';
import type { ChangeFeed } from '@agentpulse/change-feed';
import { gatewayCacheLookups as cacheLookups } from '@agentpulse/observability';
interface Entry {
  generation: number;
  body: unknown;
}

/**
 * Query answers by project and URL, each tagged with the project's generation (ChangeFeed) at
 * the moment its computation started. An entry is served only while the generation is the
 * same, so an answer is never older than the last committed batch; an answer whose
 * computation overlapped a batch is stored under the older generation and never served.
 */
export class ResponseCache {
  private readonly entries?: LRUCache<string, Entry>;

  /** At most `maxBytes` of answers (as JSON text), least recently used out first; 0 turns it off. */
  constructor(
    private readonly feed: Pick<ChangeFeed, 'generation'>,
    maxBytes: number,
  ) {
    if (maxBytes > 0)
      this.entries = new LRUCache({
        maxSize: maxBytes,
        // an answer larger than an eighth of the cache is not kept
        maxEntrySize: Math.max(1, Math.floor(maxBytes / 8)),
        sizeCalculation: (entry) => Math.max(1, JSON.stringify(entry.body).length),
      });
  }

  /**
   * The cached answer, or a `store` function for the computed one. Without a readable
   * generation (Redis unreachable) nothing is served from or stored in the cache.
   */
  async lookup(
    project: string,
    url: string,
  ): Promise<{ hit: true; body: unknown } | { hit: false; store: (body: unknown) => void }> {
    const entries = this.entries;
    let generation: number;
    if (!entries) {
      cacheLookups.inc({ result: 'bypass' });
      return { hit: false, store: () => undefined };
    }
    try {
      generation = await this.feed.generation(project);
    } catch {
      cacheLookups.inc({ result: 'bypass' });
      return { hit: false, store: () => undefined };
    }
    // the UTC day too: a range left out defaults to the last 30 days, which moves at midnight
    const key = `${project}\u0000${new Date().toISOString().slice(0, 10)}\u0000${url}`;
    const entry = entries.get(key);
    if (entry && entry.generation === generation) {
      cacheLookups.inc({ result: 'hit' });
      return { hit: true, body: entry.body };
    }
    cacheLookups.inc({ result: 'miss' });
    return { hit: false, store: (body) => entries.set(key, { generation, body }) };
  }
}
