import {
  stepWaterfall,
  tallyByDay,
  toPipeline,
  toStep,
  topFailingSteps,
  type PipelineStateRow,
  type StepStats,
} from './pipeline-rows';

const T = Date.UTC(2026, 9, 1, 8);

function state(overrides: Partial<PipelineStateRow> = {}): PipelineStateRow {
  return {
    pipeline_id: 'pl-1',
    first_ms: T,
    last_ms: T + 90_000,
    first_day: '2026-10-01',
    latest_status: 'success',
    latest_trigger_type: 'push',
    latest_trigger_source: '',
    latest_environment: '',
    latest_branch: 'main',
    latest_commit_sha: 'abc',
    latest_commit_message: '',
    latest_author: 'Ada',
    latest_git_project: '',
    ...overrides,
  };
}

describe('toPipeline', () => {
  it('turns fields no event reported into null and measures first to last event', () => {
    expect(toPipeline(state(), 3)).toEqual({
      pipeline_id: 'pl-1',
      status: 'success',
      trigger_type: 'push',
      trigger_source: null,
      environment: null,
      git: {
        branch: 'main',
        commit_sha: 'abc',
        commit_message: null,
        author: 'Ada',
        project: null,
      },
      first_seen: '2026-10-01T08:00:00.000Z',
      last_seen: '2026-10-01T08:01:30.000Z',
      duration_ms: 90_000,
      steps: 3,
    });
  });
});

describe('toStep', () => {
  const row = {
    step_name: 'test',
    latest_step_status: 'failed',
    started_ms: T,
    latest_duration: 0,
    reports: 0,
    latest_error: '"runner lost"',
  };

  it('gives the error back as JSON and no duration when none was reported', () => {
    expect(toStep(row)).toEqual({
      name: 'test',
      status: 'failed',
      started_at: '2026-10-01T08:00:00.000Z',
      duration_ms: null,
      error: 'runner lost',
    });
  });

  it('keeps a reported zero duration and a structured error', () => {
    const step = toStep({ ...row, reports: 2, latest_error: '{"exit_code":1}', started_ms: null });
    expect(step).toMatchObject({ duration_ms: 0, error: { exit_code: 1 }, started_at: null });
  });
});

describe('tallyByDay', () => {
  it('fills every day of the range and rates success among finished pipelines only', () => {
    const { total, daily } = tallyByDay(
      [
        { first_day: '2026-10-01', latest_status: 'success', runs: 3 },
        { first_day: '2026-10-01', latest_status: 'failed', runs: 1 },
        { first_day: '2026-10-03', latest_status: 'running', runs: 2 },
        { first_day: '2026-10-03', latest_status: '', runs: 1 },
      ],
      { from: '2026-10-01', to: '2026-10-03' },
    );
    expect(total).toEqual({
      pipelines: 7,
      pending: 0,
      running: 2,
      success: 3,
      failed: 1,
      success_rate: 0.75,
    });
    expect(daily.map((d) => [d.day, d.pipelines, d.success_rate])).toEqual([
      ['2026-10-01', 4, 0.75],
      ['2026-10-02', 0, 0],
      ['2026-10-03', 3, 0],
    ]);
  });
});

describe('topFailingSteps', () => {
  const stats = (name: string, failures: number): StepStats => ({
    name,
    runs: 10,
    failures,
    failure_rate: failures / 10,
    duration_p50_ms: 1,
    duration_p95_ms: 2,
    duration_p99_ms: 3,
  });

  it('orders by failures, then name, leaving out steps that never failed', () => {
    const top = topFailingSteps([
      stats('lint', 2),
      stats('build', 0),
      stats('e2e', 5),
      stats('a', 2),
    ]);
    expect(top.map((s) => s.name)).toEqual(['e2e', 'a', 'lint']);
    expect(top[0]).toEqual({ name: 'e2e', runs: 10, failures: 5, failure_rate: 0.5 });
    expect(topFailingSteps([stats('x', 1), stats('y', 1)], 1)).toHaveLength(1);
  });
});

describe('stepWaterfall', () => {
  it('places started steps from the earliest start and leaves out the others', () => {
    const step = (name: string, started_at: string | null, duration_ms: number | null) => ({
      name,
      status: 'success',
      started_at,
      duration_ms,
      error: null,
    });
    expect(
      stepWaterfall([
        step('install', '2026-10-01T08:00:05.000Z', 1_000),
        step('test', '2026-10-01T08:00:07.500Z', null),
        step('deploy', null, null),
      ]),
    ).toEqual([
      { name: 'install', start_offset_ms: 0, duration_ms: 1_000 },
      { name: 'test', start_offset_ms: 2_500, duration_ms: null },
    ]);
    expect(stepWaterfall([])).toEqual([]);
  });
});
