/**
 * Codex's token counters (`event_msg` / `token_count` → `info.total_token_usage` and
 * `info.last_token_usage`), and the rules that turn a stream of them into per-request usage
 * counted once.
 *
 * - `cached_input_tokens` is a share of `input_tokens` (OpenAI's convention), so the uncached
 *   input is the difference; `reasoning_output_tokens` is a share of `output_tokens`.
 * - `total_token_usage` is cumulative for the thread. Codex writes the same `token_count` again
 *   (rate-limit refreshes, UI updates) without a new request: a total that did not move is not
 *   new usage. A total that went down means the counters restarted.
 */
export interface RawUsage {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
  total_tokens: number;
}

/** Usage in CONTRACT.md terms: `input` without the cached share, reasoning inside output. */
export interface ContractTokens {
  input: number;
  output: number;
  reasoning: number;
  cache_read: number;
  cache_write: number;
}

const FIELDS = [
  'input_tokens',
  'cached_input_tokens',
  'output_tokens',
  'reasoning_output_tokens',
  'total_tokens',
] as const;

const nonNegative = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

/** A usage object from a rollout line, or undefined when the line carries none. */
export function readUsage(value: unknown): RawUsage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (!FIELDS.some((field) => typeof record[field] === 'number')) return undefined;
  const usage = Object.fromEntries(FIELDS.map((f) => [f, nonNegative(record[f])])) as Record<
    (typeof FIELDS)[number],
    number
  >;
  // Legacy lines omit total_tokens; reasoning is inside output, so it is not added again.
  if (usage.total_tokens === 0) usage.total_tokens = usage.input_tokens + usage.output_tokens;
  return usage;
}

/** Whether two cumulative totals are the same counter reading (a re-emitted token_count). */
export function sameUsage(a: RawUsage, b: RawUsage): boolean {
  return FIELDS.every((field) => a[field] === b[field]);
}

/** Whether `current` is below `previous` in some field: the thread's counters restarted. */
export function wentBack(current: RawUsage, previous: RawUsage): boolean {
  return FIELDS.some((field) => current[field] < previous[field]);
}

export function subtractUsage(current: RawUsage, previous: RawUsage): RawUsage {
  return Object.fromEntries(
    FIELDS.map((f) => [f, Math.max(0, current[f] - previous[f])]),
  ) as unknown as RawUsage;
}

export function usageKey(usage: RawUsage): string {
  return FIELDS.map((field) => usage[field]).join(':');
}

export function isEmptyUsage(usage: RawUsage): boolean {
  return usage.input_tokens === 0 && usage.output_tokens === 0;
}

export function toContractTokens(usage: RawUsage): ContractTokens {
  const cached = Math.min(usage.cached_input_tokens, usage.input_tokens);
  return {
    input: usage.input_tokens - cached,
    output: usage.output_tokens,
    reasoning: Math.min(usage.reasoning_output_tokens, usage.output_tokens),
    cache_read: cached,
    cache_write: 0,
  };
}
