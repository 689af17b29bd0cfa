import type { PipelineHook, PipelineHookBuild } from './gitlab-hook-payloads';
import { pipelineStatus, stepStatus } from './gitlab-status';
import {
  branchOf,
  durationMs,
  gitFields,
  messageField,
  nameField,
  shaField,
  STEPS_MAX,
  traceTime,
  type GitlabTrace,
  type TraceStep,
} from './gitlab-trace';

/** The pipeline id a GitLab pipeline (and every job hook of it) is stored under. */
export function gitlabPipelineId(pipelineId: number): string {
  return `gitlab:pipeline:${pipelineId}`;
}

/**
 * Pipeline Hook → the pipeline's current state, its builds as steps. GitLab sends one on every
 * status change, each with all the builds, so the latest hook carries the whole picture.
 */
export function pipelineHookTrace(hook: PipelineHook, receivedAt: number): GitlabTrace {
  const attributes = hook.object_attributes;
  const builds = latestBuildPerName(hook.builds ?? []);
  const times = [attributes.created_at, attributes.finished_at];
  for (const build of builds) times.push(build.created_at, build.started_at, build.finished_at);
  return {
    timestamp: traceTime(times, attributes.status, receivedAt),
    pipeline_id: gitlabPipelineId(attributes.id),
    status: pipelineStatus(attributes.status),
    trigger_type: nameField(attributes.source),
    trigger_source: 'gitlab',
    environment: deployedEnvironment(builds),
    git: gitFields({
      commit_sha: shaField(attributes.sha ?? hook.commit?.id),
      commit_message: messageField(hook.commit?.message),
      branch: branchOf(attributes.ref),
      author: nameField(hook.commit?.author?.name),
      author_email: nameField(hook.commit?.author?.email),
      project: nameField(hook.project?.path_with_namespace),
    }),
    steps: builds.slice(0, STEPS_MAX).map((build) => stepOf(build)),
  };
}

/** A build (job) as a step; shared with the job hook, which reports one build. */
export function stepOf(build: {
  name: string;
  status: string;
  started_at?: number | null;
  duration?: number | null;
  failure_reason?: string | null;
  allow_failure?: boolean | null;
}): TraceStep {
  const step: TraceStep = {
    name: nameField(build.name) as string,
    status: stepStatus(build.status),
  };
  if (typeof build.started_at === 'number') step.started_at = build.started_at;
  const duration = durationMs(build.duration);
  if (duration !== undefined) step.duration_ms = duration;
  if (build.status === 'failed' && build.failure_reason)
    step.error = { failure_reason: build.failure_reason, allow_failure: !!build.allow_failure };
  return step;
}

/**
 * Older GitLab versions list retried builds too: per name only the newest build (highest id)
 * is the step, as the pipeline view shows it.
 */
function latestBuildPerName(builds: PipelineHookBuild[]): PipelineHookBuild[] {
  const byName = new Map<string, PipelineHookBuild>();
  for (const build of builds) {
    const kept = byName.get(build.name);
    if (!kept || build.id > kept.id) byName.set(build.name, build);
  }
  return [...byName.values()];
}

/**
 * The environment a pipeline deployed to: that of the most recently started build with one.
 * Builds that never started (manual, skipped, still created) touched no environment.
 */
function deployedEnvironment(builds: PipelineHookBuild[]): string | undefined {
  let latest: PipelineHookBuild | undefined;
  for (const build of builds) {
    if (!build.environment || typeof build.started_at !== 'number') continue;
    if (!latest || build.started_at >= (latest.started_at as number)) latest = build;
  }
  return nameField(latest?.environment?.name);
}
