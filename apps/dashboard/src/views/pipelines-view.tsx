import type { Envelope } from '../api-client';
import { StatusBadge } from '../components/badges';
import { ChartCanvas, PALETTE } from '../components/chart-canvas';
import { KpiCards } from '../components/kpi-cards';
import { useDashboard, useQuery, useRefetchVersion } from '../dashboard-context';
import { formatCount, formatDuration, formatRatio, formatTime } from '../format';
import { hrefOf } from '../hash-route';
import type { KpiDefinition } from '../kpi-definitions';

interface StatusCounts {
  pipelines: number;
  pending: number;
  running: number;
  success: number;
  failed: number;
  success_rate: number;
}
interface StepStats {
  name: string;
  runs: number;
  failures: number;
  failure_rate: number;
  duration_p50_ms: number | null;
  duration_p95_ms: number | null;
  duration_p99_ms: number | null;
}
export interface PipelineRow {
  pipeline_id: string;
  status: string | null;
  trigger_type: string | null;
  trigger_source: string | null;
  environment: string | null;
  git: {
    branch: string | null;
    commit_sha: string | null;
    commit_message: string | null;
    author: string | null;
    project: string | null;
  };
  first_seen: string;
  last_seen: string;
  duration_ms: number;
  steps: number;
}

const COUNTS: KpiDefinition[] = [
  { key: 'pipelines', label: 'Pipelines', kind: 'count' },
  { key: 'success_rate', label: 'Success rate', kind: 'ratio', hint: 'of those that ended' },
  { key: 'success', label: 'Succeeded', kind: 'count' },
  { key: 'failed', label: 'Failed', kind: 'count' },
  { key: 'running', label: 'Running', kind: 'count' },
  { key: 'pending', label: 'Pending', kind: 'count' },
];

const GLOBAL = { scope: 'global' } as const;

/** CI/CD pipelines of the last 30 days (the gateway's default range), refreshed live. */
export function PipelinesView() {
  const { live } = useDashboard();
  const version = useRefetchVersion((signal) => live.subscribe(GLOBAL, signal), 'pipelines');
  const stats = useQuery<
    Envelope<
      StatusCounts,
      { steps: StepStats[]; top_failing_steps: StepStats[] },
      { daily_success_rate: Array<{ day: string; success: number; failed: number }> }
    >
  >('/v1/pipelines/stats', version);
  const list = useQuery<Envelope<StatusCounts, { pipelines: PipelineRow[] }>>(
    '/v1/pipelines?limit=50',
    version,
  );
  const steps = stats.data?.details.steps ?? [];
  const failing = stats.data?.details.top_failing_steps ?? [];
  const daily = stats.data?.charts.daily_success_rate ?? [];
  const pipelines = list.data?.details.pipelines ?? [];
  return (
    <>
      <section>
        <h2>Pipelines, last 30 days</h2>
        {(stats.error ?? list.error) && <p class="alert">{(stats.error ?? list.error)?.message}</p>}
        <KpiCards kpis={COUNTS} summary={stats.data?.summary} prefix="pipeline-kpi" size="large" />
      </section>
      <section class="charts">
        <ChartCanvas
          type="bar"
          label="Runs per day by outcome"
          testId="chart-pipeline-daily"
          data={{
            labels: daily.map((row) => row.day.slice(5)),
            datasets: [
              {
                label: 'success',
                data: daily.map((row) => row.success),
                backgroundColor: PALETTE[2],
              },
              {
                label: 'failed',
                data: daily.map((row) => row.failed),
                backgroundColor: PALETTE[4],
              },
            ],
          }}
          options={{ scales: { x: { stacked: true }, y: { stacked: true } } }}
        />
        <div class="panel">
          <h3>Top failing steps</h3>
          {failing.length === 0 ? (
            <p class="muted">No failed steps.</p>
          ) : (
            <ol data-testid="top-failing-steps">
              {failing.map((step) => (
                <li key={step.name}>
                  <strong>{step.name}</strong>{' '}
                  <span class="muted">
                    {formatCount(step.failures)} of {formatCount(step.runs)} runs (
                    {formatRatio(step.failure_rate)})
                  </span>
                </li>
              ))}
            </ol>
          )}
        </div>
      </section>
      <section>
        <h3>Step durations</h3>
        <div class="table-wrap">
          <table data-testid="pipeline-steps">
            <thead>
              <tr>
                <th>Step</th>
                <th class="num">Runs</th>
                <th class="num">Failures</th>
                <th class="num">Failure rate</th>
                <th class="num">p50</th>
                <th class="num">p95</th>
                <th class="num">p99</th>
              </tr>
            </thead>
            <tbody>
              {steps.map((step) => (
                <tr key={step.name}>
                  <td>{step.name}</td>
                  <td class="num">{formatCount(step.runs)}</td>
                  <td class="num">{formatCount(step.failures)}</td>
                  <td class="num">{formatRatio(step.failure_rate)}</td>
                  <td class="num">{formatDuration(step.duration_p50_ms)}</td>
                  <td class="num">{formatDuration(step.duration_p95_ms)}</td>
                  <td class="num">{formatDuration(step.duration_p99_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section>
        <h3>Recent pipelines</h3>
        <div class="table-wrap">
          <table data-testid="pipeline-list">
            <thead>
              <tr>
                <th>Pipeline</th>
                <th>Status</th>
                <th>Branch</th>
                <th>Commit</th>
                <th>Environment</th>
                <th>First seen</th>
                <th class="num">Duration</th>
                <th class="num">Steps</th>
              </tr>
            </thead>
            <tbody>
              {pipelines.map((pipeline) => (
                <tr
                  key={pipeline.pipeline_id}
                  class="clickable"
                  data-testid="pipeline-row"
                  data-pipeline-id={pipeline.pipeline_id}
                  onClick={() =>
                    (location.hash = hrefOf({ view: 'pipeline', id: pipeline.pipeline_id }))
                  }
                >
                  <td>
                    <a href={hrefOf({ view: 'pipeline', id: pipeline.pipeline_id })}>
                      {pipeline.pipeline_id}
                    </a>
                  </td>
                  <td>
                    <StatusBadge status={pipeline.status} />
                  </td>
                  <td>{pipeline.git.branch ?? '—'}</td>
                  <td class="small">
                    <code>{pipeline.git.commit_sha?.slice(0, 8) ?? '—'}</code>{' '}
                    {pipeline.git.commit_message ?? ''}
                  </td>
                  <td>{pipeline.environment ?? '—'}</td>
                  <td>{formatTime(pipeline.first_seen)}</td>
                  <td class="num">{formatDuration(pipeline.duration_ms)}</td>
                  <td class="num">{formatCount(pipeline.steps)}</td>
                </tr>
              ))}
              {list.data && pipelines.length === 0 && (
                <tr>
                  <td colSpan={8} class="muted">
                    No pipelines yet: send <code>pipeline</code> events or point a GitLab webhook at
                    ingest.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
