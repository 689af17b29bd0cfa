import {
  expectedEndpointMonitoring,
  expectedPipelineDetail,
  expectedPipelineList,
  expectedPipelines,
  expectedPipelineStats,
  generateOpsWorld,
  type ExpectedPipeline,
  type GeneratedEvent,
  type PipelineFilter,
} from '@agentpulse/test-support';
import { getJson, inParallel, postEvents } from './support/http-client';
import {
  keyOf,
  KEYS,
  pipelineEnv,
  startPipeline,
  type TestPipeline,
  waitForConsumerCatchUp,
} from './support/test-pipeline';

const PROJECTS = ['alpha', 'beta'] as const;
const FROM = Date.UTC(2026, 9, 1);
const RANGE = { from: '2026-10-01', to: '2026-10-07' };
const UNTIL = Date.UTC(2026, 9, 8, 12, 0, 0);

type Json = Record<string, unknown>;

/** Differences between two JSON values; numbers equal to 1e-9 relative (rates are divisions). */
function mismatches(got: unknown, want: unknown, path = '$'): string[] {
  if (typeof want === 'number' && typeof got === 'number')
    return Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want))
      ? []
      : [`${path}: got ${got}, want ${want}`];
  if (Array.isArray(want) && Array.isArray(got)) {
    if (got.length !== want.length)
      return [`${path}: got ${got.length} items, want ${want.length}`];
    return want.flatMap((item, i) => mismatches(got[i], item, `${path}[${i}]`));
  }
  if (want && got && typeof want === 'object' && typeof got === 'object') {
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    return [...keys].flatMap((key) =>
      mismatches((got as Json)[key], (want as Json)[key], `${path}.${key}`),
    );
  }
  return got === want ? [] : [`${path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`];
}

function expectSame(got: unknown, want: unknown): void {
  expect(mismatches(got, want).slice(0, 20)).toEqual([]);
}

describe('pipeline and API-monitoring endpoints against an independent calculation', () => {
  const env = pipelineEnv('ops');
  const sent = generateOpsWorld({
    seed: 11,
    projects: [...PROJECTS],
    pipelinesPerProject: 150,
    from: FROM,
    days: 7,
    requestsPerProject: 2_000,
    requestsUntil: UNTIL,
    requestsSpanMs: 8 * 86_400_000,
    duplicateShare: 0.05,
  });
  const truth = new Map(PROJECTS.map((p) => [p, expectedPipelines(sent, p)]));
  let pipeline: TestPipeline;

  const get = (path: string, project: string) =>
    getJson(`${pipeline.gatewayUrl}${path}`, keyOf(project));

  beforeAll(async () => {
    pipeline = await startPipeline(env);
    const batches: Array<{ project: string; events: GeneratedEvent['event'][] }> = [];
    for (const project of PROJECTS) {
      const events = sent.filter((g) => g.project === project).map((g) => g.event);
      for (let i = 0; i < events.length; i += 500)
        batches.push({ project, events: events.slice(i, i + 500) });
    }
    // one batch at a time per project keeps the delivery order of the generated world
    await Promise.all(
      PROJECTS.map(async (project) => {
        for (const batch of batches.filter((b) => b.project === project)) {
          const response = await postEvents(pipeline.ingestUrl, keyOf(project), batch.events);
          expect(response).toMatchObject({ status: 202, body: { accepted: batch.events.length } });
        }
      }),
    );
    await waitForConsumerCatchUp(env);
  });
  afterAll(async () => {
    await pipeline?.stop();
  });

  /** Follows next_cursor to the end; every page repeats the same summary and chart. */
  async function allPages(project: string, query: string, limit: number) {
    const rows: Json[] = [];
    let cursor: string | null = null;
    let first: Json | undefined;
    do {
      const page = `/v1/pipelines?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const { status, body } = await get(page, project);
      expect(status).toBe(200);
      first ??= body;
      expect(body.summary).toEqual(first.summary);
      const details = body.details as { pipelines: Json[]; next_cursor: string | null };
      expect(details.pipelines.length).toBeLessThanOrEqual(limit);
      rows.push(...details.pipelines);
      cursor = details.next_cursor;
    } while (cursor !== null);
    return { rows, first: first as Json };
  }

  it('generates a world worth checking', () => {
    for (const project of PROJECTS) {
      const list = expectedPipelineList(truth.get(project) as Map<string, ExpectedPipeline>, RANGE);
      expect(list.pipelines.length).toBe(150);
      for (const status of ['pending', 'running', 'success', 'failed'] as const)
        expect(list.summary[status]).toBeGreaterThan(0);
      const hour = expectedEndpointMonitoring(sent, project, { period: '1h', until: UNTIL });
      expect(hour.summary.requests).toBeGreaterThan(500);
      expect(hour.summary.errors).toBeGreaterThan(0);
    }
  });

  it('lists every pipeline of the range newest first, page after page, without gaps or repeats', async () => {
    for (const project of PROJECTS) {
      const want = expectedPipelineList(truth.get(project) as Map<string, ExpectedPipeline>, RANGE);
      const { rows, first } = await allPages(project, `from=${RANGE.from}&to=${RANGE.to}`, 37);
      expect(new Set(rows.map((row) => row.pipeline_id)).size).toBe(rows.length);
      expectSame(rows, want.pipelines);
      expectSame(first.summary, want.summary);
      expectSame(first.charts, want.charts);
      expect(first.meta).toMatchObject({
        project,
        period: { start: '2026-10-01T00:00:00.000Z', end: '2026-10-07T23:59:59.999Z' },
      });
    }
  });

  it('filters by status, branch, environment and a narrower range (days or date-times)', async () => {
    const filters: Array<{ query: string; filter: PipelineFilter }> = [
      { query: 'status=failed', filter: { ...RANGE, status: 'failed' } },
      { query: 'status=running', filter: { ...RANGE, status: 'running' } },
      { query: 'branch=main', filter: { ...RANGE, branch: 'main' } },
      { query: 'environment=production', filter: { ...RANGE, environment: 'production' } },
      {
        query: 'status=success&branch=develop',
        filter: { ...RANGE, status: 'success', branch: 'develop' },
      },
    ];
    const queries = filters.map(({ query, filter }) => ({
      query: `from=${RANGE.from}&to=${RANGE.to}&${query}`,
      filter,
    }));
    queries.push(
      { query: 'from=2026-10-03&to=2026-10-04', filter: { from: '2026-10-03', to: '2026-10-04' } },
      {
        query: `from=${encodeURIComponent('2026-10-02T23:30:00-03:00')}&to=2026-10-05T00:00:00Z`,
        filter: { from: '2026-10-03', to: '2026-10-05' },
      },
    );
    for (const project of PROJECTS)
      for (const { query, filter } of queries) {
        const want = expectedPipelineList(
          truth.get(project) as Map<string, ExpectedPipeline>,
          filter,
        );
        const { rows, first } = await allPages(project, query, 500);
        expect(want.pipelines.length).toBeGreaterThan(0);
        expectSame(rows, want.pipelines);
        expectSame(first.summary, want.summary);
        expectSame(first.charts, want.charts);
      }
  });

  it("shows each pipeline with its steps, and never another project's", async () => {
    const problems: string[] = [];
    const all = PROJECTS.flatMap((project) =>
      [...(truth.get(project) as Map<string, ExpectedPipeline>).values()].map((p) => ({
        project,
        p,
      })),
    );
    await inParallel(all, 8, async ({ project, p }) => {
      const { status, body } = await get(
        `/v1/pipelines/${encodeURIComponent(p.pipeline_id)}`,
        project,
      );
      const want = expectedPipelineDetail(p);
      if (status !== 200) problems.push(`${project}/${p.pipeline_id}: HTTP ${status}`);
      else
        for (const part of ['summary', 'details', 'charts'] as const)
          problems.push(
            ...mismatches(body[part], want[part], `${project}/${p.pipeline_id}.${part}`),
          );
    });
    expect(problems.slice(0, 20)).toEqual([]);

    const betaOnly = [...(truth.get('beta') as Map<string, ExpectedPipeline>).keys()].find(
      (id) => !truth.get('alpha')?.has(id),
    ) as string;
    expect((await get(`/v1/pipelines/${betaOnly}`, 'alpha')).status).toBe(404);
    expect((await get('/v1/pipelines/no-such-pipeline', 'alpha')).status).toBe(404);
    const shared = await get('/v1/pipelines/pl-shared-0', 'beta');
    expect((shared.body.details as Json).pipeline).toEqual(
      expectedPipelineDetail(truth.get('beta')?.get('pl-shared-0') as ExpectedPipeline).details
        .pipeline,
    );
  });

  it('computes success rate, step failures and nearest-rank step durations', async () => {
    for (const project of PROJECTS)
      for (const range of [RANGE, { from: '2026-10-02', to: '2026-10-03' }]) {
        const { status, body } = await get(
          `/v1/pipelines/stats?from=${range.from}&to=${range.to}`,
          project,
        );
        expect(status).toBe(200);
        const want = expectedPipelineStats(
          truth.get(project) as Map<string, ExpectedPipeline>,
          range,
        );
        expect(want.details.top_failing_steps.length).toBeGreaterThan(0);
        expectSame(body.summary, want.summary);
        expectSame(body.details, want.details);
        expectSame(body.charts, want.charts);
      }
  });

  it('monitors every route over each period, window edges included, per service too', async () => {
    const cases = [
      ...['5m', '15m', '1h', '6h', '24h', '7d'].map((period) => ({ period, until: UNTIL })),
      { period: '1h', until: UNTIL - 1_800_000 },
      { period: '24h', until: UNTIL, service: 'billing' },
    ];
    for (const project of PROJECTS)
      for (const { period, until, service } of cases as Array<{
        period: string;
        until: number;
        service?: string;
      }>) {
        const query = `period=${period}&until=${new Date(until).toISOString()}${
          service ? `&service=${service}` : ''
        }`;
        const { status, body } = await get(`/v1/monitoring/endpoints?${query}`, project);
        expect(status).toBe(200);
        const want = expectedEndpointMonitoring(sent, project, { period, until, service });
        expect(want.summary.requests).toBeGreaterThan(0);
        expectSame(body.summary, want.summary);
        expectSame(body.details, want.details);
        expectSame(body.charts, want.charts);
        expect((body.meta as Json).period).toEqual({
          start: want.charts.requests[0].start,
          end: new Date(until).toISOString(),
        });
      }
  });

  it('answers 400 naming the parameter, 401 without a key, 403 without the read scope', async () => {
    const bad: Array<[string, string]> = [
      ['/v1/monitoring/endpoints?period=2h', 'period'],
      ['/v1/monitoring/endpoints?until=yesterday', 'until'],
      ['/v1/pipelines?limit=0', 'limit'],
      ['/v1/pipelines?limit=501', 'limit'],
      ['/v1/pipelines?limit=ten', 'limit'],
      ['/v1/pipelines?cursor=not-a-cursor', 'cursor'],
      [`/v1/pipelines?cursor=${Buffer.from('{"last_seen":"x"}').toString('base64url')}`, 'cursor'],
      ['/v1/pipelines?status=done', 'status'],
      ['/v1/pipelines?from=last-week', 'from'],
      ['/v1/pipelines/stats?from=2026-10-05&to=2026-10-01', 'from'],
    ];
    for (const [path, parameter] of bad) {
      const { status, body } = await get(path, 'alpha');
      expect({ path, status, parameter: (body.details as Json)?.parameter }).toEqual({
        path,
        status: 400,
        parameter,
      });
    }
    for (const path of [
      '/v1/pipelines',
      '/v1/pipelines/stats',
      '/v1/pipelines/pl-shared-0',
      '/v1/monitoring/endpoints',
    ]) {
      expect((await getJson(`${pipeline.gatewayUrl}${path}`)).status).toBe(401);
      expect((await getJson(`${pipeline.gatewayUrl}${path}`, KEYS.alphaIngestOnly)).status).toBe(
        403,
      );
    }
  });
});
