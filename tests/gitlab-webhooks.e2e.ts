import {
  DOCUMENTED_STEP_STATUS,
  fixtureTime,
  gitlabFixture,
  type BuildFixture,
  type PipelineHookFixture,
} from '../apps/ingest/src/gitlab/testdata/gitlab-fixtures';
import { eventually, getJson } from './support/http-client';
import {
  GITLAB_TOKENS,
  KEYS,
  pipelineEnv,
  startPipeline,
  type TestPipeline,
  waitForConsumerCatchUp,
} from './support/test-pipeline';

type Json = Record<string, unknown>;

const PIPELINE_STATUS: Record<string, string> = { running: 'running', success: 'success' };

const today = () => new Date().toISOString().slice(0, 10);
const RANGE = () => `from=2026-11-01&to=${today()}`;

/** Per job name, the newest build (older GitLab versions also list retried ones). */
function newestBuilds(builds: BuildFixture[]): BuildFixture[] {
  return builds.filter((b) => !builds.some((o) => o.name === b.name && o.id > b.id));
}

/**
 * The steps the gateway should show after `hooks` (in order of their state), worked out from
 * the fixtures: each step's status, duration and error from the latest hook that lists it, its
 * start the earliest any hook reported.
 */
function expectedSteps(hooks: PipelineHookFixture[]): Json[] {
  const latest = new Map<string, BuildFixture>();
  const firstStart = new Map<string, number>();
  for (const hook of hooks) {
    for (const build of newestBuilds(hook.builds)) {
      latest.set(build.name, build);
      if (build.started_at) {
        const at = fixtureTime(build.started_at);
        firstStart.set(build.name, Math.min(at, firstStart.get(build.name) ?? at));
      }
    }
  }
  return [...latest.values()]
    .map((build) => ({
      name: build.name,
      status: DOCUMENTED_STEP_STATUS[build.status],
      started_at: firstStart.has(build.name)
        ? new Date(firstStart.get(build.name) as number).toISOString()
        : null,
      duration_ms: build.duration === null ? null : Math.round(build.duration * 1000),
      error:
        build.status === 'failed' && build.failure_reason
          ? { failure_reason: build.failure_reason, allow_failure: build.allow_failure }
          : null,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

const byName = (steps: Json[]) =>
  [...steps].sort((a, b) => ((a.name as string) < (b.name as string) ? -1 : 1));

describe('GitLab webhooks → pipeline traces', () => {
  const env = pipelineEnv('gitlab');
  let pipeline: TestPipeline;
  let uuid = 0;

  beforeAll(async () => {
    pipeline = await startPipeline(env);
  });
  afterAll(async () => {
    await pipeline?.stop();
  });

  async function deliver(
    hook: string,
    body: unknown,
    headers: Record<string, string | undefined> = {},
  ): Promise<{ status: number; body: Json }> {
    const sent: Record<string, string> = {
      'content-type': 'application/json',
      'x-gitlab-event': hook,
      'x-gitlab-token': GITLAB_TOKENS.alpha,
      'x-gitlab-event-uuid': `e2e-delivery-${++uuid}`,
    };
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) delete sent[name];
      else sent[name] = value;
    }
    const response = await fetch(`${pipeline.ingestUrl}/webhooks/gitlab`, {
      method: 'POST',
      headers: sent,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  }

  const pipelineDetail = (id: string, key: string = KEYS.alpha) =>
    getJson(`${pipeline.gatewayUrl}/v1/pipelines/${encodeURIComponent(id)}`, key);

  /** A counter's value in the process's /metrics (all three services share one registry). */
  async function metric(name: string, labels: Record<string, string>): Promise<number> {
    const text = await (await fetch(`${pipeline.ingestUrl}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith(`${name}{`) &&
          Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
      );
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  }
  const storedPipelineRows = () =>
    metric('agentpulse_aggregator_rows_inserted_total', { table: 'pipelines' });

  /** Waits until the pipeline's detail satisfies `ready`, and returns it. */
  const detailWhen = (id: string, ready: (body: Json) => boolean) =>
    eventually(
      async () => {
        const { status, body } = await pipelineDetail(id);
        return status === 200 && ready(body) ? body : undefined;
      },
      30_000,
      `pipeline ${id}`,
    );

  it('refuses a missing or wrong token with 401 and stores nothing', async () => {
    const hook = gitlabFixture('pipeline-running');
    hook.object_attributes.id = 990_001;
    const refusedId = `gitlab:pipeline:${hook.object_attributes.id}`;
    const rowsBefore = await storedPipelineRows();
    const unauthorizedBefore = await metric('agentpulse_webhooks_total', {
      outcome: 'unauthorized',
    });

    const missing = await deliver('Pipeline Hook', hook, { 'x-gitlab-token': undefined });
    expect(missing.status).toBe(401);
    const wrong = await deliver('Pipeline Hook', hook, { 'x-gitlab-token': 'not-the-token-42' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('not-the-token-42');
    // an API key is not a GitLab token, even a valid one
    const apiKey = await deliver('Pipeline Hook', hook, {
      'x-gitlab-token': undefined,
      authorization: `Bearer ${KEYS.alpha}`,
    });
    expect(apiKey.status).toBe(401);
    expect(
      (await metric('agentpulse_webhooks_total', { outcome: 'unauthorized' })) - unauthorizedBefore,
    ).toBe(3);

    // barrier: an accepted delivery after the refused ones; once it is stored, they would be too
    const barrier = gitlabFixture('pipeline-running');
    barrier.object_attributes.id = 990_002;
    expect((await deliver('Pipeline Hook', barrier)).status).toBe(202);
    await waitForConsumerCatchUp(env);
    await detailWhen(`gitlab:pipeline:${barrier.object_attributes.id}`, () => true);
    expect((await storedPipelineRows()) - rowsBefore).toBe(1);
    expect((await pipelineDetail(refusedId)).status).toBe(404);
  });

  it('stores a pipeline hook as a pipeline whose steps are its jobs', async () => {
    const hook = gitlabFixture('pipeline-running');
    const response = await deliver('Pipeline Hook', hook);
    const id = `gitlab:pipeline:${hook.object_attributes.id}`;
    expect(response).toEqual({
      status: 202,
      body: expect.objectContaining({ accepted: 1, pipeline_id: id }),
    });
    const body = await detailWhen(id, () => true);
    const details = body.details as { pipeline: Json; steps: Json[] };
    expect(details.pipeline).toMatchObject({
      pipeline_id: id,
      status: PIPELINE_STATUS[hook.object_attributes.status],
      trigger_type: hook.object_attributes.source,
      trigger_source: 'gitlab',
      environment: null,
      git: {
        branch: hook.object_attributes.ref,
        commit_sha: hook.object_attributes.sha,
        commit_message: hook.commit.message,
        author: hook.commit.author.name,
        project: hook.project.path_with_namespace,
      },
    });
    expect(byName(details.steps)).toEqual(expectedSteps([hook]));
  });

  it('lets a job hook and then a later pipeline hook update the same pipeline', async () => {
    const running = gitlabFixture('pipeline-running');
    const job = gitlabFixture('job-unit-tests-success');
    const done = gitlabFixture('pipeline-success');
    const id = `gitlab:pipeline:${job.pipeline_id}`;
    expect(running.object_attributes.id).toBe(job.pipeline_id);
    await detailWhen(id, () => true); // stored by the previous test

    expect((await deliver('Job Hook', job)).status).toBe(202);
    const afterJob = await detailWhen(id, (body) =>
      (body.details as { steps: Json[] }).steps.some(
        (s) => s.name === job.build_name && s.status === DOCUMENTED_STEP_STATUS[job.build_status],
      ),
    );
    const jobStep = (afterJob.details as { steps: Json[] }).steps.find(
      (s) => s.name === job.build_name,
    );
    expect(jobStep?.duration_ms).toBe(Math.round((job.build_duration as number) * 1000));
    // the job hook sets no pipeline status: the pipeline is still running
    expect((afterJob.summary as Json).status).toBe(
      PIPELINE_STATUS[running.object_attributes.status],
    );

    expect((await deliver('Pipeline Hook', done)).status).toBe(202);
    const final = await detailWhen(
      id,
      (body) => (body.summary as Json).status === PIPELINE_STATUS[done.object_attributes.status],
    );
    const details = final.details as { pipeline: Json; steps: Json[] };
    expect(byName(details.steps)).toEqual(expectedSteps([running, done]));
    const deployed = newestBuilds(done.builds).find((b) => b.environment && b.started_at);
    expect(details.pipeline.environment).toBe(deployed?.environment?.name);
    expect((final.summary as Json).failed_steps).toBe(
      newestBuilds(done.builds).filter((b) => b.status === 'failed').length,
    );
  });

  it('keeps the newer state when an older hook arrives late', async () => {
    const done = gitlabFixture('pipeline-success');
    const running = gitlabFixture('pipeline-running');
    done.object_attributes.id = running.object_attributes.id = 7_302;
    const id = 'gitlab:pipeline:7302';
    expect((await deliver('Pipeline Hook', done)).status).toBe(202);
    expect((await deliver('Pipeline Hook', running)).status).toBe(202);
    await waitForConsumerCatchUp(env);
    const body = await detailWhen(id, () => true);
    expect((body.summary as Json).status).toBe(PIPELINE_STATUS[done.object_attributes.status]);
    expect(byName((body.details as { steps: Json[] }).steps)).toEqual(
      expectedSteps([running, done]),
    );
  });

  it('counts a redelivery (same X-Gitlab-Event-UUID) once', async () => {
    const push = gitlabFixture('push-main');
    push.after = push.checkout_sha = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
    push.commits[push.commits.length - 1].id = push.after;
    const id = `gitlab:push:${push.project_id}:${push.after}`;
    const listing = () =>
      getJson(`${pipeline.gatewayUrl}/v1/pipelines?${RANGE()}&limit=200`, KEYS.alpha);
    await waitForConsumerCatchUp(env);
    const before = (await listing()).body.summary as Json;
    const rowsBefore = await storedPipelineRows();
    const headers = { 'x-gitlab-event-uuid': 'e2e-redelivered-push' };
    const first = await deliver('Push Hook', push, headers);
    const again = await deliver('Push Hook', push, headers);
    expect(first.status).toBe(202);
    expect(again).toEqual(first);
    await waitForConsumerCatchUp(env);
    const body = await detailWhen(id, () => true);
    expect(body.details).toMatchObject({
      pipeline: { status: 'success', trigger_type: 'push', git: { branch: 'main' } },
    });
    expect((await storedPipelineRows()) - rowsBefore).toBe(1);
    const after = (await listing()).body;
    expect((after.summary as Json).pipelines).toBe((before.pipelines as number) + 1);
    expect((after.summary as Json).success).toBe((before.success as number) + 1);
    const listed = (after.details as { pipelines: Json[] }).pipelines.filter(
      (p) => p.pipeline_id === id,
    );
    expect(listed).toHaveLength(1);
  });

  it('acknowledges an unsupported hook with 202 and counts it', async () => {
    const labels = { source: 'gitlab', hook: 'Note Hook', outcome: 'ignored' };
    const before = await metric('agentpulse_webhooks_total', labels);
    const response = await deliver('Note Hook', gitlabFixture('note-hook'));
    expect(response).toEqual({ status: 202, body: { accepted: 0, ignored: 'Note Hook' } });
    expect((await metric('agentpulse_webhooks_total', labels)) - before).toBe(1);
  });

  it('answers a malformed supported hook with 400 and the reason', async () => {
    const labels = { source: 'gitlab', hook: 'pipeline', outcome: 'invalid' };
    const before = await metric('agentpulse_webhooks_total', labels);
    const hook = gitlabFixture('pipeline-running') as unknown as { object_attributes: Json };
    delete hook.object_attributes.id;
    const response = await deliver('Pipeline Hook', hook);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/object_attributes\.id/);
    expect((await metric('agentpulse_webhooks_total', labels)) - before).toBe(1);
    const notJson = await deliver('Push Hook', '{"object_kind": "push",');
    expect(notJson.status).toBe(400);
  });

  it("stores a hook sent with beta's token in beta only", async () => {
    const hook = gitlabFixture('merge-request-opened');
    const request = hook.object_attributes;
    const id = `gitlab:mr:${hook.project.id}:${request.iid}:${request.last_commit.id}`;
    const response = await deliver('Merge Request Hook', hook, {
      'x-gitlab-token': GITLAB_TOKENS.beta,
    });
    expect(response.status).toBe(202);
    await waitForConsumerCatchUp(env);
    const inBeta = await eventually(async () => {
      const { status, body } = await pipelineDetail(id, KEYS.beta);
      return status === 200 ? body : undefined;
    });
    expect((inBeta.details as { pipeline: Json }).pipeline).toMatchObject({
      status: 'running',
      trigger_type: 'merge_request',
      git: { branch: request.source_branch, commit_sha: request.last_commit.id },
    });
    expect((await pipelineDetail(id, KEYS.alpha)).status).toBe(404);
  });

  it('accepts a push above the general body limit, and answers 413 beyond 10 MiB', async () => {
    const push = gitlabFixture('push-main');
    const files = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => `src/${tag}/${'deep/'.repeat(16)}module-${i}.ts`);
    push.after = push.checkout_sha = 'b1gb1gb1gb1gb1gb1gb1gb1gb1gb1gb1gb1gb1g0';
    push.commits = Array.from({ length: 20 }, (_, c) => ({
      ...push.commits[0],
      id: c === 19 ? (push.after as string) : `${c}`.padStart(40, 'a'),
      added: files(1_500, `c${c}`),
      modified: files(1_500, `m${c}`),
      removed: [],
    }));
    const big = JSON.stringify(push);
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(big.length).toBeLessThan(10 * 1024 * 1024);
    expect((await deliver('Push Hook', big)).status).toBe(202);
    const tooBig = `{"object_kind":"push","padding":"${'x'.repeat(10 * 1024 * 1024)}"}`;
    expect((await deliver('Push Hook', tooBig)).status).toBe(413);
  });
});
