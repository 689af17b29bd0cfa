import { normaliseEvent, type NormalisedMessage } from '@agentpulse/schema';
import { priceMessages } from './message-cost';
import { ModelPriceTable } from './model-prices';

function message(fields: Record<string, unknown>): NormalisedMessage {
  const event = {
    id: 'e',
    type: 'message' as const,
    timestamp: 1_767_225_600_000,
    session_id: 's',
    message_id: 'm',
    role: 'assistant' as const,
    ...fields,
  };
  return normaliseEvent(event as never, { project: 'p', receivedAt: 0 }) as NormalisedMessage;
}

describe('priceMessages', () => {
  const table = new ModelPriceTable();

  it('prices every token kind from the table (claude-sonnet-4: 3 / 15 / 3.75 / 0.3 per Mtok)', () => {
    const [priced] = priceMessages(
      [
        message({
          model: 'claude-sonnet-4',
          tokens: { input: 1000, output: 2000, cache_write: 4000, cache_read: 8000 },
        }),
      ],
      table,
    ) as NormalisedMessage[];
    const expected = (1000 * 3 + 2000 * 15 + 4000 * 3.75 + 8000 * 0.3) / 1e6;
    expect(priced.cost_source).toBe('computed');
    expect(priced.cost_usd).toBeCloseTo(expected, 12);
  });

  it('applies 1.25x / 0.1x of input when the model has no cache prices (gpt-3.5-turbo: 0.5 input)', () => {
    const [priced] = priceMessages(
      [
        message({
          model: 'gpt-3.5-turbo',
          tokens: { cache_write: 1_000_000, cache_read: 1_000_000 },
        }),
      ],
      table,
    ) as NormalisedMessage[];
    expect(priced.cost_usd).toBeCloseTo(0.5 * 1.25 + 0.5 * 0.1, 12);
  });

  it('keeps a reported cost and marks unknown models without dropping their tokens', () => {
    const [reported, unknown] = priceMessages(
      [
        message({ model: 'claude-sonnet-4', cost_usd: 7, tokens: { input: 5 } }),
        message({ model: 'no-such-model-xyz', tokens: { input: 5 } }),
      ],
      table,
    ) as NormalisedMessage[];
    expect([reported.cost_usd, reported.cost_source]).toEqual([7, 'reported']);
    expect([unknown.cost_usd, unknown.cost_source, unknown.tokens.input]).toEqual([
      0,
      'unknown_model',
      5,
    ]);
  });

  it('leaves other event types untouched', () => {
    const session = normaliseEvent(
      { id: 's', type: 'session', timestamp: 1_767_225_600_000, session_id: 's' },
      { project: 'p', receivedAt: 0 },
    );
    expect(priceMessages([session], table)[0]).toBe(session);
  });
});
