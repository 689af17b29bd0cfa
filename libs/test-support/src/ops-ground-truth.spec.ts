import {
  expectedEndpointMonitoring,
  expectedPipelineDetail,
  expectedPipelineList,
  expectedPipelines,
  expectedPipelineStats,
  nearestRank,
} from './ops-ground-truth';
import { generateOpsWorld } from './ops-world';
import type { GeneratedEvent } from './session-generator';

/** 2026-10-01T08:00:00.000Z */
const T = Date.UTC(2026, 9, 1, 8);

const pipelineEvent = (id: string, ts: number | string, fields: Record<string, unknown>) =>
  ({ project: 'p', event: { id, type: 'pipeline', timestamp: ts, ...fields } }) as GeneratedEvent;

const request = (id: string, ts: number, status_code: number, duration_ms: number, route = '/a') =>
  ({
    project: 'p',
    event: {
      id,
      type: 'http_request',
      timestamp: ts,
      service: 'api',
      method: 'GET',
      route,
      status_code,
      duration_ms,
    },
  }) as GeneratedEvent;

describe('nearestRank', () => {
  it('is the value at rank ceil(p × n / 100) of the sorted values', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(nearestRank(values, 50)).toBe(5);
    expect(nearestRank(values, 95)).toBe(10);
    expect(nearestRank([3, 1], 50)).toBe(1);
    expect(nearestRank([7], 99)).toBe(7);
    expect(nearestRank([], 50)).toBeNull();
    expect(
      nearestRank(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
  });
});

describe('expectedPipelines', () => {
  const sent = [
    pipelineEvent('a-e2', T + 60_000, {
      pipeline_id: 'pl',
      status: 'failed',
      steps: [{ name: 'test', status: 'failed', duration_ms: 9_000, error: { code: 1 } }],
    }),
    pipelineEvent('a-e0', new Date(T).toISOString(), {
      pipeline_id: 'pl',
      status: 'running',
      git: { branch: 'main', commit_sha: 'abc' },
      steps: [
        { name: 'build', status: 'running', started_at: T + 5_000 },
        { name: 'test', status: 'created' },
      ],
    }),
    // same time as a-e2 but a smaller id: earlier, so a-e2's status stands
    pipelineEvent('a-e1', T + 60_000, {
      pipeline_id: 'pl',
      status: 'running',
      git: { branch: '' },
      steps: [{ name: 'build', status: 'success', started_at: T + 1_000, duration_ms: 4_000 }],
    }),
    // a repeated id counts once, whatever it carries
    pipelineEvent('a-e1', T + 90_000, { pipeline_id: 'pl', status: 'success' }),
  ];

  it('keeps the latest non-empty value by (time, id) and the earliest step start', () => {
    const pipeline = expectedPipelines(sent, 'p').get('pl');
    expect(pipeline).toMatchObject({
      status: 'failed',
      git: { branch: 'main', commit_sha: 'abc', author: null },
      first_seen: '2026-10-01T08:00:00.000Z',
      last_seen: '2026-10-01T08:01:00.000Z',
      duration_ms: 60_000,
      steps: 2,
    });
    expect(expectedPipelineDetail(pipeline as never)).toMatchObject({
      summary: { status: 'failed', steps: 2, failed_steps: 1 },
      details: {
        steps: [
          {
            name: 'build',
            status: 'success',
            started_at: '2026-10-01T08:00:01.000Z',
            duration_ms: 4_000,
            error: null,
          },
          { name: 'test', status: 'failed', started_at: null, error: { code: 1 } },
        ],
      },
      charts: { step_waterfall: [{ name: 'build', start_offset_ms: 0, duration_ms: 4_000 }] },
    });
  });

  it('counts a range by first-seen day and rates success among finished pipelines', () => {
    const pipelines = expectedPipelines(sent, 'p');
    const list = expectedPipelineList(pipelines, { from: '2026-09-30', to: '2026-10-01' });
    expect(list.summary).toEqual({
      pipelines: 1,
      pending: 0,
      running: 0,
      success: 0,
      failed: 1,
      success_rate: 0,
    });
    expect(list.charts.runs_per_day.map((d) => d.pipelines)).toEqual([0, 1]);
    expect(
      expectedPipelineList(pipelines, { from: '2026-10-02', to: '2026-10-02' }).pipelines,
    ).toEqual([]);
    const stats = expectedPipelineStats(pipelines, { from: '2026-10-01', to: '2026-10-01' });
    expect(stats.details.top_failing_steps).toEqual([
      { name: 'test', runs: 1, failures: 1, failure_rate: 1 },
    ]);
  });
});

describe('expectedEndpointMonitoring', () => {
  it('takes [until − period, until), counts 5xx as errors and 4xx apart', () => {
    const until = T;
    const sent = [
      request('r1', until - 300_000, 200, 10),
      request('r2', until - 300_001, 500, 99),
      request('r3', until - 1, 404, 30),
      request('r4', until, 503, 99),
      request('r5', until - 10, 503, 20, '/b'),
      request('r5', until - 10, 503, 20, '/b'),
    ];
    const got = expectedEndpointMonitoring(sent, 'p', { period: '5m', until });
    expect(got.summary).toMatchObject({
      endpoints: 2,
      requests: 3,
      throughput_per_min: 0.6,
      errors: 1,
      client_errors: 1,
      duration_p50_ms: 20,
      top_errors: [
        { status_code: 404, count: 1 },
        { status_code: 503, count: 1 },
      ],
    });
    expect(got.details.endpoints.map((e) => [e.route, e.requests])).toEqual([
      ['/a', 2],
      ['/b', 1],
    ]);
    expect(got.charts.requests).toHaveLength(30);
    expect(got.charts.requests[0]).toEqual({
      start: '2026-10-01T07:55:00.000Z',
      requests: 1,
      errors: 0,
      client_errors: 0,
    });
    expect(got.charts.requests[29]).toMatchObject({ requests: 2, errors: 1, client_errors: 1 });
  });
});

describe('generateOpsWorld', () => {
  const options = {
    seed: 3,
    projects: ['a', 'b'],
    pipelinesPerProject: 20,
    from: T,
    days: 2,
    requestsPerProject: 50,
    requestsUntil: T + 86_400_000,
    requestsSpanMs: 86_400_000,
    duplicateShare: 0.1,
  };

  it('is deterministic, repeats some ids and shares some pipeline ids between projects', () => {
    const sent = generateOpsWorld(options);
    expect(generateOpsWorld(options)).toEqual(sent);
    const ids = sent.map((g) => `${g.project}/${g.event.id}`);
    expect(new Set(ids).size).toBeLessThan(ids.length);
    expect(expectedPipelines(sent, 'a').has('pl-shared-0')).toBe(true);
    expect(expectedPipelines(sent, 'b').has('pl-shared-0')).toBe(true);
  });
});
