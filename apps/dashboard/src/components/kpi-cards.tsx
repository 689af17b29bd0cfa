import { formatFigure } from '../format';
import type { KpiDefinition } from '../kpi-definitions';

interface KpiCardsProps {
  kpis: KpiDefinition[];
  /** a `kpi` or query summary; keys it lacks show as "—" */
  summary: object | undefined;
  /** data-testid of each value: `${prefix}-${key}` */
  prefix: string;
  size?: 'large' | 'small';
}

/**
 * A grid of figures. Each value carries its raw number in `data-value` (absent while unknown),
 * so tests and tools read exact figures whatever the display rounds to.
 */
export function KpiCards({ kpis, summary, prefix, size = 'small' }: KpiCardsProps) {
  return (
    <div class={`cards cards-${size}`}>
      {kpis.map((kpi) => {
        const value = (summary as Record<string, unknown> | undefined)?.[kpi.key];
        const known = value !== undefined && value !== null;
        return (
          <div class="card" key={kpi.key}>
            <div class="card-label">{kpi.label}</div>
            <div
              class="card-value"
              data-testid={`${prefix}-${kpi.key}`}
              data-value={known ? String(value) : undefined}
              title={known ? String(value) : 'not reported'}
            >
              {formatFigure(kpi.kind, value)}
            </div>
            {kpi.hint && <div class="card-hint">{kpi.hint}</div>}
          </div>
        );
      })}
    </div>
  );
}
