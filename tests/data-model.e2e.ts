import { clickHouseFor, migrate, queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';
import { getJson, postEvents } from './support/http-client';
import {
  KEYS,
  pipelineEnv,
  startPipeline,
  waitForConsumerCatchUp,
  type TestPipeline,
} from './support/test-pipeline';

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);

describe('the ClickHouse data model', () => {
  const env = pipelineEnv('datamodel');
  let pipeline: TestPipeline;
  let clickhouse: ClickHouseClient;
  let db: string;

  const rows = <T>(query: string) => queryRows<T>(clickhouse, query);

  beforeAll(async () => {
    pipeline = await startPipeline(env);
    clickhouse = clickHouseFor(pipeline.runtime.config.clickhouse, pipeline.runtime.config.dataDir);
    db = pipeline.runtime.config.clickhouse.database;
    const events = [
      // The session's own events arrive after its messages and out of order.
      {
        id: 'm1',
        type: 'message',
        timestamp: T0 + 1_000,
        session_id: 's1',
        message_id: 'm1',
        role: 'user',
      },
      {
        id: 'st2',
        type: 'session',
        timestamp: T0 + 9_000,
        session_id: 's1',
        title: 'final title',
        status: 'completed',
      },
      {
        id: 'st1',
        type: 'session',
        timestamp: T0,
        session_id: 's1',
        title: 'first title',
        status: 'running',
        directory: '/repo',
      },
      {
        id: 'c1a',
        type: 'tool_call',
        timestamp: T0 + 2_000,
        session_id: 's1',
        call_id: 'c1',
        tool: 'read',
        status: 'running',
      },
      {
        id: 'c1b',
        type: 'tool_call',
        timestamp: T0 + 3_000,
        session_id: 's1',
        call_id: 'c1',
        tool: 'read',
        status: 'error',
        error: { code: 'ENOENT', message: 'no such file' },
        arguments: { path: 'a.ts' },
      },
      {
        id: 'f1',
        type: 'file_operation',
        timestamp: T0 + 4_000,
        session_id: 's1',
        operation: 'edit',
        path: 'deploy/.env',
      },
      {
        id: 'p1',
        type: 'pipeline',
        timestamp: T0,
        pipeline_id: 'pl-9',
        status: 'running',
        trigger_type: 'push',
        git: { branch: 'main', commit_sha: 'abc' },
        steps: [{ name: 'build', status: 'running' }],
      },
      {
        id: 'p2',
        type: 'pipeline',
        timestamp: T0 + 60_000,
        pipeline_id: 'pl-9',
        status: 'failed',
        steps: [
          { name: 'build', status: 'success', duration_ms: 4_000 },
          { name: 'test', status: 'failed', duration_ms: 9_000, error: { code: 'EXIT_1' } },
        ],
      },
      {
        id: 'l1',
        type: 'log',
        timestamp: T0,
        service: 'api',
        level: 'error',
        message: 'boom',
        fields: { user: { id: 7 } },
      },
    ];
    const response = await postEvents(pipeline.ingestUrl, KEYS.alpha, events);
    expect(response).toMatchObject({ status: 202, body: { accepted: events.length } });
    await waitForConsumerCatchUp(env);
  });
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('applies its migrations once, in order, and again as a no-op', async () => {
    const applied = await rows<{ version: number }>(
      `SELECT version FROM ${db}.schema_migrations FINAL ORDER BY version`,
    );
    expect(applied.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await migrate(clickhouse, db)).toEqual([]);
  });

  it("serves the producers' JSON Schema, one branch per event type", async () => {
    const { status, body } = await getJson(`${pipeline.ingestUrl}/v1/schema`, KEYS.alpha);
    expect(status).toBe(200);
    const text = JSON.stringify(body);
    for (const type of [
      'session',
      'message',
      'tool_call',
      'file_operation',
      'skill_load',
      'agent_trace',
      'pipeline',
      'http_request',
      'log',
    ])
      expect(text).toContain(`"const":"${type}"`);
    expect((await getJson(`${pipeline.ingestUrl}/v1/schema`, 'no-such-key')).status).toBe(401);
  });

  it('filters JSON columns on a field', async () => {
    const failed = await rows<{ call_id: string; path: string }>(
      `SELECT call_id, arguments.path::String AS path FROM ${db}.tool_calls
       WHERE project = 'alpha' AND error.code = 'ENOENT'`,
    );
    expect(failed).toEqual([{ call_id: 'c1', path: 'a.ts' }]);
    const logs = await rows<{ id: string }>(`SELECT id FROM ${db}.logs WHERE fields.user.id = 7`);
    expect(logs).toEqual([{ id: 'l1' }]);
  });

  it('lets later events update earlier ones by event time, whatever the arrival order', async () => {
    const { body } = await getJson(`${pipeline.gatewayUrl}/v1/sessions/s1/summary`, KEYS.alpha);
    expect(body.summary).toMatchObject({
      status: 'completed',
      tool_calls: 1,
      tool_failure_rate: 1,
      files_written: 1,
      risky_files: 1,
      duration_ms: 9_000,
    });
    const [session] = await rows<{ title: string; directory: string }>(
      `SELECT argMaxMerge(title) AS title, argMaxMerge(directory) AS directory
       FROM ${db}.session_stats WHERE project = 'alpha' AND session_id = 's1'`,
    );
    expect(session).toEqual({ title: 'final title', directory: '/repo' });
  });

  it('serves daily stats, and names a bad parameter', async () => {
    const url = `${pipeline.gatewayUrl}/v1/stats/global`;
    const { status, body } = await getJson(`${url}?from=2026-11-01&to=2026-11-03`, KEYS.alpha);
    expect(status).toBe(200);
    expect(body.details).toMatchObject({
      days: [{ day: '2026-11-02', sessions: 1, messages: 1, tool_calls: 1, tool_errors: 1 }],
    });
    const bad = await getJson(`${url}?from=yesterday`, KEYS.alpha);
    expect(bad).toMatchObject({ status: 400, body: { details: { parameter: 'from' } } });
    const reversed = await getJson(`${url}?from=2026-11-03&to=2026-11-01`, KEYS.alpha);
    expect(reversed.status).toBe(400);
  });

  it('stores the classified risk of a file operation that came without one', async () => {
    const [file] = await rows<{ risk_level: string; risk_reason: string }>(
      `SELECT risk_level, risk_reason FROM ${db}.file_operations WHERE id = 'f1'`,
    );
    expect(file.risk_level).toBe('critical');
    expect(file.risk_reason).not.toBe('');
  });

  it('keeps the latest state of a pipeline and of each of its steps', async () => {
    const [state] = await rows<Record<string, string>>(
      `SELECT argMaxMerge(status) AS status, argMaxMerge(trigger_type) AS trigger_type,
         argMaxMerge(git_branch) AS branch
       FROM ${db}.pipeline_state WHERE project = 'alpha' AND pipeline_id = 'pl-9'`,
    );
    expect(state).toEqual({ status: 'failed', trigger_type: 'push', branch: 'main' });
    const steps = await rows<Record<string, unknown>>(
      `SELECT step, argMaxMerge(status) AS status, argMaxMerge(duration_ms) AS duration_ms,
         argMaxMerge(error) AS error
       FROM ${db}.pipeline_step_state WHERE project = 'alpha' AND pipeline_id = 'pl-9'
       GROUP BY step ORDER BY step`,
    );
    expect(steps).toEqual([
      { step: 'build', status: 'success', duration_ms: 4_000, error: '' },
      { step: 'test', status: 'failed', duration_ms: 9_000, error: '{"code":"EXIT_1"}' },
    ]);
  });
});
