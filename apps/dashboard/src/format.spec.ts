import {
  formatCount,
  formatDuration,
  formatFigure,
  formatRatio,
  formatTokens,
  formatUsd,
  MISSING,
} from './format';

describe('dashboard number formatting', () => {
  it('shows a missing or null figure as a dash', () => {
    for (const value of [undefined, null, Number.NaN, 'x'])
      for (const kind of ['count', 'tokens', 'usd', 'ratio', 'duration'] as const)
        expect(formatFigure(kind, value)).toBe(MISSING);
    expect(formatFigure('text', '')).toBe(MISSING);
  });

  it('groups thousands and abbreviates large token counts', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatTokens(0)).toBe('0');
    expect(formatTokens(9_876)).toBe('9,876');
    expect(formatTokens(12_345)).toBe('12.3k');
    expect(formatTokens(4_560_000)).toBe('4.56M');
    expect(formatTokens(1_230_000_000)).toBe('1.23B');
  });

  it('shows dollars with two decimals, cents with up to four', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(1234.567)).toBe('$1,234.57');
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.00001)).toBe('$0.00');
  });

  it('shows ratios as percentages with one decimal', () => {
    expect(formatRatio(0)).toBe('0.0%');
    expect(formatRatio(0.5)).toBe('50.0%');
    expect(formatRatio(1 / 3)).toBe('33.3%');
  });

  it('picks the unit of a duration by its size', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(7_380_000)).toBe('2h 03m');
    expect(formatDuration(273_600_000)).toBe('3d 04h');
  });
});
