import { PipelineHookPayload, JobHookPayload } from './gitlab-hook-payloads';
import { jobHookTrace } from './job-hook.mapper';
import { pipelineHookTrace } from './pipeline-hook.mapper';
import {
  DOCUMENTED_STEP_STATUS,
  fixtureTime,
  gitlabFixture,
  type BuildFixture,
  type PipelineHookFixture,
} from './testdata/gitlab-fixtures';

const RECEIVED = Date.UTC(2026, 10, 23, 12, 0, 0);

const trace = (hook: PipelineHookFixture) =>
  pipelineHookTrace(PipelineHookPayload.parse(hook), RECEIVED);

/** What a build should become as a step, worked out from the fixture alone. */
function expectedStep(build: BuildFixture) {
  return {
    name: build.name,
    status: DOCUMENTED_STEP_STATUS[build.status],
    ...(build.started_at ? { started_at: fixtureTime(build.started_at) } : {}),
    ...(build.duration !== null ? { duration_ms: Math.round(build.duration * 1000) } : {}),
    ...(build.status === 'failed' && build.failure_reason
      ? { error: { failure_reason: build.failure_reason, allow_failure: build.allow_failure } }
      : {}),
  };
}

/** Per name, the build with the highest id (older GitLab versions list retried builds too). */
function newestBuilds(builds: BuildFixture[]): BuildFixture[] {
  return builds.filter((b) => !builds.some((o) => o.name === b.name && o.id > b.id));
}

function payloadTimes(hook: PipelineHookFixture): number[] {
  const texts = [hook.object_attributes.created_at, hook.object_attributes.finished_at];
  for (const build of newestBuilds(hook.builds))
    texts.push(build.created_at, build.started_at, build.finished_at);
  return texts.filter((t): t is string => t !== null).map(fixtureTime);
}

describe('Pipeline Hook → pipeline trace', () => {
  it('maps a running pipeline: id, status, trigger, git and one step per job name', () => {
    const hook = gitlabFixture('pipeline-running');
    const got = trace(hook);
    expect(got).toMatchObject({
      pipeline_id: `gitlab:pipeline:${hook.object_attributes.id}`,
      status: 'running',
      trigger_type: hook.object_attributes.source,
      trigger_source: 'gitlab',
      git: {
        commit_sha: hook.object_attributes.sha,
        commit_message: hook.commit.message,
        branch: hook.object_attributes.ref,
        author: hook.commit.author.name,
        author_email: hook.commit.author.email,
        project: hook.project.path_with_namespace,
      },
    });
    const names = new Set(hook.builds.map((b) => b.name));
    expect(hook.builds.length).toBeGreaterThan(names.size); // the fixture holds a retried job
    expect(got.steps).toHaveLength(names.size);
    const byName = new Map(got.steps?.map((step) => [step.name, step]));
    for (const build of newestBuilds(hook.builds))
      expect(byName.get(build.name)).toEqual(expectedStep(build));
  });

  it('sets no environment while the deploy job has not started, then the one it deployed to', () => {
    const running = gitlabFixture('pipeline-running');
    expect(running.builds.some((b) => b.environment && !b.started_at)).toBe(true);
    expect(trace(running).environment).toBeUndefined();
    const done = gitlabFixture('pipeline-success');
    const deployed = done.builds.find((b) => b.environment && b.started_at) as BuildFixture;
    expect(trace(done).environment).toBe(deployed.environment?.name);
  });

  it('times the event by the latest time in the payload plus the lifecycle rank', () => {
    const running = gitlabFixture('pipeline-running');
    const done = gitlabFixture('pipeline-success');
    expect(trace(running).timestamp).toBe(Math.max(...payloadTimes(running)) + 1);
    expect(trace(done).timestamp).toBe(Math.max(...payloadTimes(done)) + 2);
  });

  it('orders hooks of the same second by lifecycle: finished after running after pending', () => {
    const at = '2026-11-20 10:00:00 UTC';
    const hookWith = (status: string) => {
      const hook = gitlabFixture('pipeline-running');
      hook.object_attributes.status = status;
      for (const build of hook.builds)
        Object.assign(build, { created_at: at, started_at: at, finished_at: at });
      return trace(hook).timestamp;
    };
    expect(hookWith('pending')).toBeLessThan(hookWith('running'));
    expect(hookWith('running')).toBeLessThan(hookWith('success'));
    expect(hookWith('running')).toBeLessThan(hookWith('canceled'));
  });

  it.each([
    ['created', 'pending'],
    ['waiting_for_resource', 'pending'],
    ['preparing', 'pending'],
    ['pending', 'pending'],
    ['running', 'running'],
    ['success', 'success'],
    ['failed', 'failed'],
    ['canceled', 'failed'],
    ['skipped', 'failed'],
  ])('maps pipeline status %s to %s', (gitlab, status) => {
    const hook = gitlabFixture('pipeline-running');
    hook.object_attributes.status = gitlab;
    expect(trace(hook).status).toBe(status);
  });

  it('keeps a pipeline with a status GitLab adds later, without setting one', () => {
    const hook = gitlabFixture('pipeline-running');
    hook.object_attributes.status = 'some_future_status';
    const got = trace(hook);
    expect(got.status).toBeUndefined();
    expect(got.steps?.length).toBeGreaterThan(0);
  });
});

describe('Job Hook → one step of its pipeline', () => {
  it('carries the job as the only step, under the pipeline id of its pipeline hooks', () => {
    const job = gitlabFixture('job-unit-tests-success');
    const got = jobHookTrace(JobHookPayload.parse(job), RECEIVED);
    expect(got.pipeline_id).toBe(`gitlab:pipeline:${job.pipeline_id}`);
    expect(got.status).toBeUndefined(); // pipeline hooks own the pipeline's status
    expect(got.steps).toEqual([
      {
        name: job.build_name,
        status: DOCUMENTED_STEP_STATUS[job.build_status],
        started_at: fixtureTime(job.build_started_at as string),
        duration_ms: Math.round((job.build_duration as number) * 1000),
      },
    ]);
    expect(got.git).toMatchObject({
      commit_sha: job.sha,
      branch: job.ref,
      author: job.commit.author_name,
      author_email: job.commit.author_email,
      project: job.project.path_with_namespace,
    });
    expect(got.timestamp).toBe(fixtureTime(job.build_finished_at as string) + 2);
  });

  it('is newer than the pipeline hook that still showed the job running', () => {
    const job = gitlabFixture('job-unit-tests-success');
    const running = gitlabFixture('pipeline-running');
    expect(running.builds.find((b) => b.id === job.build_id)?.status).toBe('running');
    expect(jobHookTrace(JobHookPayload.parse(job), RECEIVED).timestamp).toBeGreaterThan(
      trace(running).timestamp,
    );
  });

  it('reports a failed job with its failure reason as the step error', () => {
    const job = gitlabFixture('job-unit-tests-success');
    Object.assign(job, { build_status: 'failed', build_failure_reason: 'script_failure' });
    const [step] = jobHookTrace(JobHookPayload.parse(job), RECEIVED).steps ?? [];
    expect(step).toMatchObject({
      status: 'failed',
      error: { failure_reason: 'script_failure', allow_failure: job.build_allow_failure },
    });
  });
});
