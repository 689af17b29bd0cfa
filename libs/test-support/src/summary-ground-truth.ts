import { calcPrice } from '@pydantic/genai-prices';
import type { GeneratedEvent } from './session-generator';

/** The session KPIs as CONTRACT.md defines them, computed from the sent events alone. */
export interface ExpectedSummary {
  status: string | null;
  duration_ms: number;
  tokens_in: number;
  tokens_out: number;
  tokens_reasoning: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  total_tokens: number;
  cache_hit_ratio: number;
  cost_usd: number;
  messages_user: number;
  messages_assistant: number;
}

type Tokens = {
  input?: number;
  output?: number;
  reasoning?: number;
  cache_read?: number;
  cache_write?: number;
};

function epochMs(value: unknown): number {
  return typeof value === 'number' ? value : Date.parse(String(value));
}

/**
 * Independent pricing: the price table's own calculator (whose input includes cached tokens),
 * with CONTRACT.md's 1.25x / 0.1x of input when the table has no cache price for the model.
 */
export function expectedMessageCost(model: string, tokens: Tokens, reported?: number): number {
  if (reported !== undefined) return reported;
  const input = tokens.input ?? 0;
  const cacheRead = tokens.cache_read ?? 0;
  const cacheWrite = tokens.cache_write ?? 0;
  const probe = calcPrice({ input_tokens: 1 }, model);
  if (!probe) return 0;
  const prices = probe.model_price;
  const usage: Record<string, number> = { input_tokens: input, output_tokens: tokens.output ?? 0 };
  let extra = 0;
  if (prices.cache_read_mtok !== undefined) {
    usage.cache_read_tokens = cacheRead;
    usage.input_tokens += cacheRead;
  } else extra += cacheRead * probe.input_price * 0.1;
  if (prices.cache_write_mtok !== undefined) {
    usage.cache_write_tokens = cacheWrite;
    usage.input_tokens += cacheWrite;
  } else extra += cacheWrite * probe.input_price * 1.25;
  return (calcPrice(usage, model)?.total_price ?? 0) + extra;
}

/** Expected summary per `project/session_id`, counting each (project, id) once. */
export function expectedSummaries(sent: GeneratedEvent[]): Map<string, ExpectedSummary> {
  const unique = new Map<string, GeneratedEvent>();
  for (const item of sent) {
    const key = `${item.project}/${item.event.id}`;
    if (!unique.has(key)) unique.set(key, item);
  }
  const bySession = new Map<string, GeneratedEvent['event'][]>();
  for (const { project, event } of unique.values()) {
    const key = `${project}/${event.session_id}`;
    bySession.set(key, [...(bySession.get(key) ?? []), event]);
  }
  const result = new Map<string, ExpectedSummary>();
  for (const [key, events] of bySession) {
    const times = events.map((e) => epochMs(e.timestamp));
    const latest = (field: string) =>
      events
        .filter((e) => e.type === 'session' && e[field] !== undefined)
        .sort((a, b) => epochMs(b.timestamp) - epochMs(a.timestamp))[0]?.[field];
    const started = latest('started_at');
    const ended = latest('ended_at');
    const messages = events.filter((e) => e.type === 'message');
    const sum = (field: keyof Tokens) =>
      messages.reduce((total, m) => total + ((m.tokens as Tokens | undefined)?.[field] ?? 0), 0);
    const tokens = {
      in: sum('input'),
      out: sum('output'),
      reasoning: sum('reasoning'),
      cr: sum('cache_read'),
      cw: sum('cache_write'),
    };
    const divisor = tokens.in + tokens.cr + tokens.cw;
    result.set(key, {
      status: (latest('status') as string | undefined) ?? null,
      duration_ms:
        started !== undefined && ended !== undefined
          ? epochMs(ended) - epochMs(started)
          : Math.max(...times) - Math.min(...times),
      tokens_in: tokens.in,
      tokens_out: tokens.out,
      tokens_reasoning: tokens.reasoning,
      tokens_cache_read: tokens.cr,
      tokens_cache_write: tokens.cw,
      total_tokens: tokens.in + tokens.out + tokens.cr + tokens.cw,
      cache_hit_ratio: divisor === 0 ? 0 : tokens.cr / divisor,
      cost_usd: messages.reduce(
        (total, m) =>
          total +
          expectedMessageCost(
            String(m.model ?? ''),
            (m.tokens as Tokens) ?? {},
            m.cost_usd as number | undefined,
          ),
        0,
      ),
      messages_user: messages.filter((m) => m.role === 'user').length,
      messages_assistant: messages.filter((m) => m.role === 'assistant').length,
    });
  }
  return result;
}
