import { calcPrice, type ModelPrice } from '@pydantic/genai-prices';

/** Per-million-token prices of one model, as the cost calculation uses them. */
export interface TokenPrices {
  /** the price table's id for the model (e.g. `claude-sonnet-4-0` for `claude-sonnet-4`) */
  modelId: string;
  input_mtok: number;
  output_mtok: number;
  /** absent when the table has no cache price for the model */
  cache_read_mtok?: number;
  cache_write_mtok?: number;
}

/**
 * Looks up a model's prices in @pydantic/genai-prices' bundled table (offline). Results,
 * including "unknown model", are cached per (provider, model) because the lookup matches
 * patterns and runs once per message on the hot path.
 */
export class ModelPriceTable {
  private readonly cache = new Map<string, TokenPrices | null>();

  lookup(model: string, provider?: string): TokenPrices | null {
    const key = `${provider ?? ''}\u0000${model}`;
    let prices = this.cache.get(key);
    if (prices === undefined) {
      prices = this.find(model, provider);
      this.cache.set(key, prices);
    }
    return prices;
  }

  private find(model: string, provider?: string): TokenPrices | null {
    if (model === '') return null;
    const probe = { input_tokens: 1 };
    const result =
      (provider ? safeCalc(probe, model, provider) : null) ?? safeCalc(probe, model, undefined);
    if (!result) return null;
    const price = result.model_price;
    const input = flat(price.input_mtok);
    const output = flat(price.output_mtok);
    if (input === undefined && output === undefined) return null;
    return {
      modelId: result.model.id,
      input_mtok: input ?? 0,
      output_mtok: output ?? 0,
      cache_read_mtok: flat(price.cache_read_mtok),
      cache_write_mtok: flat(price.cache_write_mtok),
    };
  }
}

function safeCalc(usage: { input_tokens: number }, model: string, providerId: string | undefined) {
  try {
    return calcPrice(usage, model, providerId ? { providerId } : undefined);
  } catch {
    // An unknown provider id throws; the caller then retries without it.
    return null;
  }
}

/**
 * A tiered price (by context size) keeps its base tier: messages in this model report their
 * own token counts per request, and the base tier is what applies below the threshold.
 */
function flat(value: ModelPrice[string]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  return value.base;
}
