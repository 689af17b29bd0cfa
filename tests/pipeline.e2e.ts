import {
  expectedSummaries,
  generateSessions,
  type ExpectedSummary,
  type GeneratedEvent,
} from '@agentpulse/test-support';
import { eventually, getJson, postEvents } from './support/http-client';
import {
  keyOf,
  KEYS,
  pipelineEnv,
  rewindConsumerGroup,
  startPipeline,
  type TestPipeline,
  waitForConsumerCatchUp,
} from './support/test-pipeline';

jest.setTimeout(180_000);

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Sends one project's events in the three body forms the contract accepts, in turn. */
async function send(
  pipeline: TestPipeline,
  project: string,
  batch: GeneratedEvent[],
  form: number,
): Promise<void> {
  const events = batch.map((g) => g.event);
  const body =
    form === 0 ? events : form === 1 ? { events } : events.map((e) => JSON.stringify(e)).join('\n');
  const response = await postEvents(
    pipeline.ingestUrl,
    keyOf(project),
    body,
    form === 2 ? 'application/x-ndjson' : 'application/json',
  );
  expect(response).toMatchObject({ status: 202, body: { accepted: events.length } });
}

async function expectSummariesMatch(
  pipeline: TestPipeline,
  expected: Map<string, ExpectedSummary>,
): Promise<void> {
  for (const [key, want] of expected) {
    const [project, sessionId] = key.split('/');
    const { status, body } = await getJson(
      `${pipeline.gatewayUrl}/v1/sessions/${sessionId}/summary`,
      keyOf(project),
    );
    expect(status).toBe(200);
    const { cost_usd: cost, ...got } = body.summary as ExpectedSummary;
    const { cost_usd: wantCost, ...wantRest } = want;
    // This suite checks the message KPIs; tests/kpis.e2e.ts checks every KPI.
    expect({ key, ...got }).toMatchObject({ key, ...wantRest });
    expect(Math.abs(cost - wantCost)).toBeLessThanOrEqual(1e-9 * Math.max(1, wantCost));
  }
}

describe('the all-in-one pipeline on a real Kafka broker, ClickHouse (chDB) and Redis', () => {
  const env = pipelineEnv('pipeline', {
    INGEST_MAX_EVENTS_PER_REQUEST: '500',
    INGEST_BODY_LIMIT_BYTES: '300000',
  });
  let pipeline: TestPipeline;
  const sent = generateSessions({
    seed: 7,
    projects: ['alpha', 'beta'],
    sessionsPerProject: 25,
    messages: [1, 14],
    from: Date.UTC(2026, 10, 1),
    duplicateShare: 0.1,
  });
  const expected = expectedSummaries(sent);

  beforeAll(async () => {
    pipeline = await startPipeline(env);
  });
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('stores every posted event exactly once: duplicates in a batch, a batch sent twice, out-of-order times', async () => {
    let posted = 0;
    for (const project of ['alpha', 'beta']) {
      const batches = chunk(
        sent.filter((g) => g.project === project),
        40,
      );
      for (const [i, batch] of batches.entries()) await send(pipeline, project, batch, i % 3);
      await send(pipeline, project, batches[0], 0);
      posted += batches.flat().length + batches[0].length;
    }
    await waitForConsumerCatchUp(env);
    expect(expected.size).toBe(50);
    await expectSummariesMatch(pipeline, expected);
    // Each record is read once: the only repeats the aggregator skips are the ones we sent.
    const distinct = new Set(sent.map((g) => `${g.project}/${g.event.id}`)).size;
    const metrics = await (await fetch(`${pipeline.aggregatorUrl}/metrics`)).text();
    const skipped = /^agentpulse_aggregator_duplicates_skipped_total (\d+)$/m.exec(metrics);
    expect(Number(skipped?.[1])).toBe(posted - distinct);
  });

  it('counts nothing twice when every batch is delivered again after a restart', async () => {
    await pipeline.stop();
    await rewindConsumerGroup(env);
    pipeline = await startPipeline(env);
    await waitForConsumerCatchUp(env);
    await expectSummariesMatch(pipeline, expected);
  });

  describe('answers bad requests as documented, and keeps the valid events', () => {
    const valid = (id: string) => ({
      id,
      type: 'message',
      timestamp: '2026-11-20T10:00:00Z',
      session_id: 'errors-session',
      message_id: id,
      role: 'assistant',
      model: 'claude-sonnet-4',
      tokens: { input: 100, output: 10 },
    });

    it('207 names each bad field and stores the rest', async () => {
      const bad = { ...valid('bad-1'), role: 'robot', tokens: { input: -1 } };
      const response = await postEvents(pipeline.ingestUrl, KEYS.alpha, [
        valid('ok-1'),
        bad,
        valid('ok-2'),
      ]);
      expect(response.status).toBe(207);
      expect(response.body).toEqual({
        accepted: 2,
        rejected: [
          {
            index: 1,
            id: 'bad-1',
            errors: [
              { path: 'role', message: 'must be one of user, assistant, system' },
              { path: 'tokens.input', message: 'must be >= 0' },
            ],
          },
        ],
      });
      const summary = await eventually(
        async () => {
          const { body } = await getJson(
            `${pipeline.gatewayUrl}/v1/sessions/errors-session/summary`,
            KEYS.alpha,
          );
          const s = body.summary as { tokens_in: number } | undefined;
          return s?.tokens_in === 200 ? s : undefined;
        },
        30_000,
        'the two valid events',
      );
      expect(summary).toMatchObject({ tokens_in: 200, tokens_out: 20, messages_assistant: 2 });
    });

    it('NDJSON rejects only the line that is not JSON', async () => {
      const body = [JSON.stringify(valid('nd-1')), '{not json', JSON.stringify(valid('nd-2'))].join(
        '\n',
      );
      const response = await postEvents(
        pipeline.ingestUrl,
        KEYS.alpha,
        body,
        'application/x-ndjson',
      );
      expect(response.status).toBe(207);
      expect(response.body).toMatchObject({
        accepted: 2,
        rejected: [{ index: 1, errors: [{ path: '' }] }],
      });
    });

    it('400 when nothing is valid or the body cannot be read', async () => {
      const none = await postEvents(pipeline.ingestUrl, KEYS.alpha, [
        { ...valid('x'), type: 'nope' },
      ]);
      expect(none.status).toBe(400);
      expect(none.body).toMatchObject({
        error: 'invalid_request',
        details: { rejected: [{ index: 0, errors: [{ path: 'type' }] }] },
      });
      expect((await postEvents(pipeline.ingestUrl, KEYS.alpha, '{"events": [')).status).toBe(400);
      expect((await postEvents(pipeline.ingestUrl, KEYS.alpha, { hello: 1 })).status).toBe(400);
      expect((await postEvents(pipeline.ingestUrl, KEYS.alpha, [])).status).toBe(400);
    });

    it('401 without a valid key, 403 without the ingest scope', async () => {
      expect((await postEvents(pipeline.ingestUrl, undefined, [valid('k')])).status).toBe(401);
      expect(
        (await postEvents(pipeline.ingestUrl, 'not-a-key-not-a-key', [valid('k')])).status,
      ).toBe(401);
      expect((await postEvents(pipeline.ingestUrl, KEYS.alphaReadOnly, [valid('k')])).status).toBe(
        403,
      );
    });

    it('413 for too many events or too many bytes, 415 for another media type', async () => {
      const many = Array.from({ length: 501 }, (_, i) => valid(`many-${i}`));
      const tooMany = await postEvents(pipeline.ingestUrl, KEYS.alpha, many);
      expect(tooMany.status).toBe(413);
      expect(tooMany.body.message).toMatch(/at most 500 events/);
      const big = [{ ...valid('big'), content: 'x'.repeat(310_000) }];
      expect((await postEvents(pipeline.ingestUrl, KEYS.alpha, big)).status).toBe(413);
      expect((await postEvents(pipeline.ingestUrl, KEYS.alpha, 'hello', 'text/plain')).status).toBe(
        415,
      );
    });
  });

  it('never shows one project another project’s session', async () => {
    const alphaSession = [...expected.keys()]
      .find((k) => k.startsWith('alpha/'))
      ?.split('/')[1] as string;
    const url = `${pipeline.gatewayUrl}/v1/sessions/${alphaSession}/summary`;
    expect((await getJson(url, KEYS.alpha)).status).toBe(200);
    expect((await getJson(url, KEYS.beta)).status).toBe(404);
    expect((await getJson(url)).status).toBe(401);
    expect((await getJson(url, KEYS.alphaIngestOnly)).status).toBe(403);
  });

  it('serves /healthz, /readyz with per-dependency detail, and /metrics on every service', async () => {
    const ports = pipeline.runtime.services;
    for (const [name, service] of Object.entries(ports)) {
      const base = `http://127.0.0.1:${service?.port}`;
      expect((await getJson(`${base}/healthz`)).body).toEqual({ status: 'ok' });
      const ready = await getJson(`${base}/readyz`);
      expect({ name, status: ready.status, ready: ready.body.status }).toEqual({
        name,
        status: 200,
        ready: 'ready',
      });
      expect(Object.keys(ready.body.dependencies as object).length).toBeGreaterThan(0);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('agentpulse_ingest_events_accepted_total');
    }
  });

  it('serves a cached answer only until the next committed batch', async () => {
    const gateway = pipeline.gatewayUrl;
    const cacheHits = async () => {
      const metrics = await (await fetch(`${gateway}/metrics`)).text();
      return Number(
        /^agentpulse_gateway_cache_lookups_total\{result="hit"\} (\d+)$/m.exec(metrics)?.[1] ?? 0,
      );
    };
    const message = (n: number) => ({
      id: `cache-m${n}`,
      type: 'message',
      timestamp: Date.UTC(2027, 2, 3, 10, 0, n),
      session_id: 'cache-session',
      message_id: `cache-m${n}`,
      role: 'user',
    });
    const summaryUrl = `${gateway}/v1/sessions/cache-session/summary`;
    // a day no other test of this suite writes to
    const statsUrl = `${gateway}/v1/stats/global?from=2027-03-03&to=2027-03-03`;
    expect((await postEvents(pipeline.ingestUrl, KEYS.alpha, [message(1)])).status).toBe(202);
    await waitForConsumerCatchUp(env);
    const before = await cacheHits();
    for (let i = 0; i < 3; i++) {
      expect((await getJson(summaryUrl, KEYS.alpha)).body.summary).toMatchObject({
        messages_user: 1,
      });
      await getJson(statsUrl, KEYS.alpha);
    }
    expect(await cacheHits()).toBe(before + 4);
    // Once the batch is committed, no cached answer from before it may be served: no polling.
    expect((await postEvents(pipeline.ingestUrl, KEYS.alpha, [message(2)])).status).toBe(202);
    await waitForConsumerCatchUp(env);
    expect((await getJson(summaryUrl, KEYS.alpha)).body.summary).toMatchObject({
      messages_user: 2,
    });
    const stats = (await getJson(statsUrl, KEYS.alpha)).body.details as {
      days: Array<{ messages: number }>;
    };
    expect(stats.days[0].messages).toBe(2);
    // and another project's key never gets alpha's cached answer
    expect((await getJson(summaryUrl, KEYS.beta)).status).toBe(404);
  });

  it('describes every query endpoint in OpenAPI at /docs, generated from the code', async () => {
    const docs = await fetch(`${pipeline.gatewayUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    const spec = (await getJson(`${pipeline.gatewayUrl}/docs-json`)).body as {
      paths: Record<string, { get?: { parameters?: Array<{ name: string; in: string }> } }>;
    };
    const paths = Object.keys(spec.paths);
    for (const path of [
      '/v1/sessions',
      '/v1/sessions/{id}/summary',
      '/v1/sessions/{id}/tokens',
      '/v1/sessions/{id}/tools',
      '/v1/sessions/{id}/files',
      '/v1/sessions/{id}/agents',
      '/v1/sessions/{id}/timeline',
      '/v1/sessions/{id}/exchanges',
      '/v1/sessions/compare',
      '/v1/stats/global',
      '/v1/pipelines',
      '/v1/pipelines/{id}',
      '/v1/pipelines/stats',
      '/v1/monitoring/endpoints',
    ])
      expect(paths).toContain(path);
    const queryOf = (path: string) =>
      (spec.paths[path].get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(queryOf('/v1/sessions')).toEqual(
      expect.arrayContaining([
        'from',
        'to',
        'status',
        'directory',
        'project_name',
        'sort',
        'limit',
        'cursor',
      ]),
    );
    expect(queryOf('/v1/monitoring/endpoints')).toEqual(expect.arrayContaining(['period']));
  });
});
