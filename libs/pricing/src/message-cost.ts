import type { NormalisedEvent, TokenCounts } from '@agentpulse/schema';
import type { ModelPriceTable, TokenPrices } from './model-prices';

/** CONTRACT.md: a model without cache prices pays 1.25x input to write and 0.1x to read. */
export const CACHE_WRITE_INPUT_MULTIPLIER = 1.25;
export const CACHE_READ_INPUT_MULTIPLIER = 0.1;

/**
 * USD for one message's tokens. `input` excludes cached tokens and `reasoning` is inside
 * `output` (CONTRACT.md), so neither is priced twice.
 */
export function tokenCostUsd(tokens: TokenCounts, prices: TokenPrices): number {
  const cacheRead = prices.cache_read_mtok ?? prices.input_mtok * CACHE_READ_INPUT_MULTIPLIER;
  const cacheWrite = prices.cache_write_mtok ?? prices.input_mtok * CACHE_WRITE_INPUT_MULTIPLIER;
  return (
    (tokens.input * prices.input_mtok +
      tokens.output * prices.output_mtok +
      tokens.cache_read * cacheRead +
      tokens.cache_write * cacheWrite) /
    1_000_000
  );
}

/**
 * Enrichment step `(batch) => batch`: gives every message without a source-reported cost a
 * computed one. Unknown models keep their tokens, cost 0 and are marked `unknown_model` so
 * they can be reported rather than dropped; a message naming no model stays `unpriced` (0).
 */
export function priceMessages(batch: NormalisedEvent[], table: ModelPriceTable): NormalisedEvent[] {
  return batch.map((event) => {
    if (event.type !== 'message' || event.cost_source !== 'unpriced') return event;
    // No model named (a user prompt, usually): nothing to price, nothing unknown.
    if (!event.model) return event;
    const prices = table.lookup(event.model ?? '', event.provider);
    if (!prices) return { ...event, cost_usd: 0, cost_source: 'unknown_model' };
    return { ...event, cost_usd: tokenCostUsd(event.tokens, prices), cost_source: 'computed' };
  });
}
