/** How a figure is shown; every formatter turns a missing value (undefined or null) into "—". */
export type FigureKind = 'count' | 'tokens' | 'usd' | 'ratio' | 'duration' | 'text';

export const MISSING = '—';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** 12,345 */
export function formatCount(value: unknown): string {
  return isNumber(value) ? grouped.format(value) : MISSING;
}

/** Exact below ten thousand (9,876), then 12.3k, 4.56M, 1.23B. */
export function formatTokens(value: unknown): string {
  if (!isNumber(value)) return MISSING;
  const size = Math.abs(value);
  if (size < 10_000) return grouped.format(value);
  if (size < 1_000_000) return `${(value / 1_000).toFixed(1)}k`;
  if (size < 1_000_000_000) return `${(value / 1_000_000).toFixed(2)}M`;
  return `${(value / 1_000_000_000).toFixed(2)}B`;
}

/** $1,234.57 from a dollar up; below it up to four decimals ($0.0123), trailing zeros kept to two. */
export function formatUsd(value: unknown): string {
  if (!isNumber(value)) return MISSING;
  const digits = Math.abs(value) >= 1 || value === 0 ? 2 : 4;
  const text = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: digits,
  }).format(Math.abs(value));
  return `${value < 0 ? '-' : ''}$${text}`;
}

/** A ratio 0..1 as a percentage with one decimal: 0.125 → 12.5% */
export function formatRatio(value: unknown): string {
  return isNumber(value) ? `${oneDecimal.format(value * 100)}%` : MISSING;
}

/** 850 ms, 12.3 s, 4m 05s, 2h 03m, 3d 04h */
export function formatDuration(value: unknown): string {
  if (!isNumber(value)) return MISSING;
  const ms = Math.max(0, value);
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  const seconds = Math.floor(ms / 1_000);
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1_440) return `${Math.floor(minutes / 60)}h ${pad(minutes % 60)}m`;
  const hours = Math.floor(minutes / 60);
  return `${Math.floor(hours / 24)}d ${pad(hours % 24)}h`;
}

/** Local date and time to the second, or "—". */
export function formatTime(value: unknown): string {
  if (typeof value !== 'string' && !isNumber(value)) return MISSING;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return MISSING;
  return date.toLocaleString('en-GB', {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function formatFigure(kind: FigureKind, value: unknown): string {
  switch (kind) {
    case 'count':
      return formatCount(value);
    case 'tokens':
      return formatTokens(value);
    case 'usd':
      return formatUsd(value);
    case 'ratio':
      return formatRatio(value);
    case 'duration':
      return formatDuration(value);
    case 'text':
      return typeof value === 'string' && value !== '' ? value : MISSING;
  }
}
