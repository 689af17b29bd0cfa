import type { Envelope } from '../api-client';
import { StatusBadge } from '../components/badges';
import { ChartCanvas, PALETTE } from '../components/chart-canvas';
import { KpiCards } from '../components/kpi-cards';
import { useDashboard, useQuery, useRefetchVersion } from '../dashboard-context';
import { formatDuration, formatTime } from '../format';
import { hrefOf } from '../hash-route';
import type { KpiDefinition } from '../kpi-definitions';
import type { PipelineRow } from './pipelines-view';

interface PipelineStep {
  name: string;
  status: string | null;
  started_at: string | null;
  duration_ms: number | null;
  error: unknown;
}
interface WaterfallBar {
  name: string;
  start_offset_ms: number;
  duration_ms: number | null;
}

const FIGURES: KpiDefinition[] = [
  { key: 'status', label: 'Status', kind: 'text' },
  { key: 'duration_ms', label: 'Duration', kind: 'duration' },
  { key: 'steps', label: 'Steps', kind: 'count' },
  { key: 'failed_steps', label: 'Failed steps', kind: 'count' },
];

const GLOBAL = { scope: 'global' } as const;

/** Waterfall bars by step status; other statuses keep the first palette colour. */
const STATUS_COLOURS: Record<string, string> = {
  success: PALETTE[2],
  failed: PALETTE[4],
  running: PALETTE[0],
};

/** One pipeline: its git context, every step and the steps on a time line. */
export function PipelineDetail({ id }: { id: string }) {
  const { live } = useDashboard();
  const version = useRefetchVersion((signal) => live.subscribe(GLOBAL, signal), `pipeline:${id}`);
  const { data, error } = useQuery<
    Envelope<
      Record<string, unknown>,
      { pipeline: PipelineRow; steps: PipelineStep[] },
      { step_waterfall: WaterfallBar[] }
    >
  >(`/v1/pipelines/${encodeURIComponent(id)}`, version);
  const pipeline = data?.details.pipeline;
  const steps = data?.details.steps ?? [];
  const bars = data?.charts.step_waterfall ?? [];
  const statusOf = new Map(steps.map((step) => [step.name, step.status]));
  return (
    <section>
      <a href={hrefOf({ view: 'pipelines' })} class="muted small">
        ← all pipelines
      </a>
      <h2>Pipeline {id}</h2>
      {error && <p class="alert">{error.message}</p>}
      <KpiCards kpis={FIGURES} summary={data?.summary} prefix="pipeline" />
      {pipeline && (
        <dl class="facts">
          <dt>Branch</dt>
          <dd>{pipeline.git.branch ?? '—'}</dd>
          <dt>Commit</dt>
          <dd>
            <code>{pipeline.git.commit_sha ?? '—'}</code> {pipeline.git.commit_message ?? ''}
          </dd>
          <dt>Author</dt>
          <dd>{pipeline.git.author ?? '—'}</dd>
          <dt>Trigger</dt>
          <dd>
            {[pipeline.trigger_type, pipeline.trigger_source].filter(Boolean).join(' · ') || '—'}
          </dd>
          <dt>Environment</dt>
          <dd>{pipeline.environment ?? '—'}</dd>
          <dt>Seen</dt>
          <dd>
            {formatTime(pipeline.first_seen)} → {formatTime(pipeline.last_seen)}
          </dd>
        </dl>
      )}
      <div class="charts">
        <ChartCanvas
          type="bar"
          label="Steps on the time line (ms after the first step started)"
          testId="chart-step-waterfall"
          empty="No step reported a start time"
          data={{
            labels: bars.map((bar) => bar.name),
            datasets: [
              {
                label: 'step',
                data: bars.map((bar) => [
                  bar.start_offset_ms,
                  bar.start_offset_ms + (bar.duration_ms ?? 0),
                ]),
                backgroundColor: bars.map(
                  (bar) => STATUS_COLOURS[statusOf.get(bar.name) ?? ''] ?? PALETTE[0],
                ),
              },
            ],
          }}
          options={{ indexAxis: 'y', plugins: { legend: { display: false } } }}
        />
      </div>
      <div class="table-wrap">
        <table data-testid="pipeline-step-table">
          <thead>
            <tr>
              <th>Step</th>
              <th>Status</th>
              <th>Started</th>
              <th class="num">Duration</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((step) => (
              <tr key={step.name}>
                <td>{step.name}</td>
                <td>
                  <StatusBadge status={step.status} />
                </td>
                <td>{formatTime(step.started_at)}</td>
                <td class="num">{formatDuration(step.duration_ms)}</td>
                <td class="small">
                  {step.error === null || step.error === undefined ? (
                    ''
                  ) : (
                    <code>{JSON.stringify(step.error)}</code>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
