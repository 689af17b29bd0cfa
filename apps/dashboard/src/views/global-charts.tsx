import { withQuery, type Envelope } from '../api-client';
import { ChartCanvas, PALETTE } from '../components/chart-canvas';
import { useQuery } from '../dashboard-context';
import { formatTokens, formatUsd } from '../format';

interface DailyRow {
  day: string;
  total_tokens: number;
  cost_usd: number;
}
interface GlobalCharts {
  daily: DailyRow[];
  /** sent by gateways that have it; the page says so when it is absent */
  tokens_by_agent: Array<{ agent: string; total_tokens: number }>;
  cost_by_model: Array<{ model: string; cost_usd: number }>;
}

const DAY_MS = 86_400_000;
const DAYS = 30;

/** The last 30 UTC days, oldest first, as YYYY-MM-DD. */
function lastDays(now = Date.now()): string[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Array.from({ length: DAYS }, (_, i) =>
    new Date(today - (DAYS - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
}

const NOT_REPORTED = 'Not reported by this gateway yet';

export function GlobalCharts({ version }: { version: number }) {
  const days = lastDays();
  const url = withQuery('/v1/stats/global', { from: days[0], to: days[days.length - 1] });
  const { data, error } = useQuery<Envelope<Record<string, number>, GlobalCharts>>(url, version);
  const byDay = new Map((data?.charts.daily ?? []).map((row) => [row.day, row]));
  const byAgent = data?.charts.tokens_by_agent;
  const byModel = data?.charts.cost_by_model;
  const label = (day: string) => day.slice(5);
  return (
    <section>
      <h2>Last 30 days</h2>
      {error && <p class="alert">{error.message}</p>}
      <div class="charts">
        <ChartCanvas
          type="bar"
          label="Tokens and cost per day (UTC)"
          testId="chart-daily"
          data={{
            labels: days.map(label),
            datasets: [
              {
                type: 'bar',
                label: 'tokens',
                data: days.map((day) => byDay.get(day)?.total_tokens ?? 0),
                backgroundColor: PALETTE[0],
                yAxisID: 'tokens',
              },
              {
                // Chart.js mixes types per dataset; the bar chart's typing does not know it.
                type: 'line' as 'bar',
                label: 'cost (USD)',
                data: days.map((day) => byDay.get(day)?.cost_usd ?? 0),
                backgroundColor: PALETTE[1],
                borderColor: PALETTE[1],
                yAxisID: 'cost',
              },
            ],
          }}
          options={{
            scales: {
              tokens: { position: 'left', ticks: { callback: (v) => formatTokens(Number(v)) } },
              cost: {
                position: 'right',
                grid: { drawOnChartArea: false },
                ticks: { callback: (v) => formatUsd(Number(v)) },
              },
            },
          }}
        />
        <ChartCanvas
          type="bar"
          label="Tokens by agent"
          testId="chart-tokens-by-agent"
          empty={byAgent ? 'No tokens in this period' : NOT_REPORTED}
          data={{
            labels: (byAgent ?? []).map((row) => row.agent || '(none)'),
            datasets: [
              {
                label: 'tokens',
                data: (byAgent ?? []).map((row) => row.total_tokens),
                backgroundColor: PALETTE[0],
              },
            ],
          }}
          options={{
            indexAxis: 'y',
            plugins: { legend: { display: false } },
            scales: { x: { ticks: { callback: (v) => formatTokens(Number(v)) } } },
          }}
        />
        <ChartCanvas
          type="bar"
          label="Cost by model"
          testId="chart-cost-by-model"
          empty={byModel ? 'No cost in this period' : NOT_REPORTED}
          data={{
            labels: (byModel ?? []).map((row) => row.model || '(unknown)'),
            datasets: [
              {
                label: 'cost (USD)',
                data: (byModel ?? []).map((row) => row.cost_usd),
                backgroundColor: PALETTE[1],
              },
            ],
          }}
          options={{
            indexAxis: 'y',
            plugins: { legend: { display: false } },
            scales: { x: { ticks: { callback: (v) => formatUsd(Number(v)) } } },
          }}
        />
      </div>
    </section>
  );
}
