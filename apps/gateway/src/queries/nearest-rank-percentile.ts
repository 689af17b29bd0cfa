/**
 * SQL for the exact nearest-rank percentile of a sorted array expression: of n values sorted
 * ascending, the p-th percentile is the value at 1-based rank ceil(p × n / 100); NULL when
 * there are no values. It is always one of the measured values, never an interpolation, so a
 * test can recompute it exactly. Integer arithmetic keeps ceil() clear of float rounding.
 */
export function nearestRankSql(sortedArray: string, percent: 50 | 95 | 99): string {
  return `if(empty(${sortedArray}), NULL,
    arrayElement(${sortedArray}, intDiv(${percent} * length(${sortedArray}) + 99, 100)))`;
}

/** p50, p95 and p99 of `sortedArray` as the columns `duration_p50_ms` … `duration_p99_ms`. */
export function durationPercentilesSql(sortedArray: string): string {
  return ([50, 95, 99] as const)
    .map((percent) => `${nearestRankSql(sortedArray, percent)} AS duration_p${percent}_ms`)
    .join(',\n');
}
