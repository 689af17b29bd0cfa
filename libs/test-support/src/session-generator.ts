import { SeededRandom } from './seeded-random';

/** An event as a producer sends it, plus the project whose key will send it. */
export interface GeneratedEvent {
  project: string;
  event: Record<string, unknown> & { id: string; type: string; session_id?: string };
}

export interface SessionGeneratorOptions {
  seed: number;
  projects: string[];
  sessionsPerProject: number;
  /** messages per session, drawn from this range */
  messages: [number, number];
  /** start of the generated time range, epoch ms */
  from: number;
  /** share of events sent a second time (same id, same content) */
  duplicateShare?: number;
}

/** Models with cache prices, without them, and one the price table does not know. */
const MODELS = [
  'claude-sonnet-4',
  'gpt-4o',
  'gpt-3.5-turbo',
  'claude-3-5-haiku',
  'in-house-model-x',
];

/**
 * Sessions of `session` and `message` events with token usage (cache included), reported
 * costs on some messages, status updates, out-of-order delivery and repeated ids.
 */
export function generateSessions(options: SessionGeneratorOptions): GeneratedEvent[] {
  const random = new SeededRandom(options.seed);
  const out: GeneratedEvent[] = [];
  for (const project of options.projects) {
    for (let s = 0; s < options.sessionsPerProject; s += 1) {
      const sessionId = `ses-${options.seed}-${project}-${s}`;
      let ts = options.from + random.int(0, 86_400_000);
      const sessionStart = ts;
      const events: GeneratedEvent['event'][] = [
        {
          id: `${sessionId}-start`,
          type: 'session',
          timestamp: ts,
          session_id: sessionId,
          title: `task ${s}`,
          status: 'running',
          started_at: ts,
        },
      ];
      const count = random.int(options.messages[0], options.messages[1]);
      for (let m = 0; m < count; m += 1) {
        ts += random.int(1, 120_000);
        const role = m % 2 === 0 ? 'user' : 'assistant';
        const message: GeneratedEvent['event'] = {
          id: `${sessionId}-m${m}`,
          type: 'message',
          timestamp: random.chance(0.5) ? ts : new Date(ts).toISOString(),
          session_id: sessionId,
          message_id: `msg-${m}`,
          role,
        };
        if (role === 'assistant') {
          message.model = random.pick(MODELS);
          message.tokens = {
            input: random.int(0, 5_000),
            output: random.int(0, 3_000),
            reasoning: random.int(0, 500),
            cache_read: random.int(0, 50_000),
            cache_write: random.int(0, 8_000),
          };
          if (random.chance(0.15)) message.cost_usd = random.int(1, 500_000) / 1_000_000;
        }
        events.push(message);
      }
      if (random.chance(0.7)) {
        ts += random.int(1, 60_000);
        const status = random.chance(0.8) ? 'completed' : 'error';
        events.push({
          id: `${sessionId}-end`,
          type: 'session',
          timestamp: ts,
          session_id: sessionId,
          status,
          started_at: sessionStart,
          ended_at: ts,
        });
      }
      for (const event of events) {
        out.push({ project, event });
        if (random.chance(options.duplicateShare ?? 0)) out.push({ project, event: { ...event } });
      }
    }
  }
  // Out of order: delivery order no longer follows event time, within or across sessions.
  return random.shuffle(out);
}
