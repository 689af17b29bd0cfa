import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartData,
  type ChartOptions,
  type ChartType,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);
Chart.defaults.font.family = 'inherit';
Chart.defaults.color = '#475569';

/** Colours of the series, in order; readable on white. */
export const PALETTE = ['#2563eb', '#f97316', '#16a34a', '#9333ea', '#dc2626', '#0891b2'];

interface ChartCanvasProps<T extends ChartType> {
  type: T;
  data: ChartData<T>;
  options?: ChartOptions<T>;
  /** what the chart shows, for screen readers and tests */
  label: string;
  testId: string;
  /** shown instead of the chart when there is nothing to plot */
  empty?: string;
}

/** A Chart.js chart that follows its props: made once, then updated in place (no animation). */
export function ChartCanvas<T extends ChartType>(props: ChartCanvasProps<T>) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<T>>(undefined);
  const isEmpty = props.data.datasets.every((set) => set.data.length === 0);
  useEffect(() => {
    if (isEmpty || !canvas.current) return;
    const options = {
      animation: false,
      maintainAspectRatio: false,
      ...props.options,
    } as ChartOptions<T>;
    if (!chart.current) {
      const config = { type: props.type, data: props.data, options } as ChartConfiguration<T>;
      chart.current = new Chart(canvas.current, config);
    } else {
      chart.current.data = props.data;
      chart.current.options = options;
      chart.current.update('none');
    }
  });
  useEffect(() => {
    if (isEmpty) {
      chart.current?.destroy();
      chart.current = undefined;
    }
  }, [isEmpty]);
  useEffect(() => () => chart.current?.destroy(), []);
  return (
    <figure class="chart" data-testid={props.testId}>
      <figcaption>{props.label}</figcaption>
      {isEmpty ? (
        <p class="muted chart-empty">{props.empty ?? 'No data yet'}</p>
      ) : (
        <div class="chart-body">
          <canvas ref={canvas} role="img" aria-label={props.label} />
        </div>
      )}
    </figure>
  );
}
