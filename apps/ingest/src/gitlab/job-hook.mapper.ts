import type { JobHook } from './gitlab-hook-payloads';
import { gitlabPipelineId, stepOf } from './pipeline-hook.mapper';
import {
  branchOf,
  gitFields,
  messageField,
  nameField,
  shaField,
  traceTime,
  type GitlabTrace,
} from './gitlab-trace';

/**
 * Job Hook → an event for the job's pipeline carrying that one step, so a job's progress shows
 * before the next pipeline hook. It sets no pipeline status: job hooks report the pipeline's
 * status as it was when the job changed, which often lags; pipeline hooks own that field.
 */
export function jobHookTrace(hook: JobHook, receivedAt: number): GitlabTrace {
  const started = typeof hook.build_started_at === 'number';
  return {
    timestamp: traceTime(
      [hook.build_created_at, hook.build_started_at, hook.build_finished_at],
      hook.build_status,
      receivedAt,
    ),
    pipeline_id: gitlabPipelineId(hook.pipeline_id),
    trigger_source: 'gitlab',
    environment: started ? nameField(hook.environment?.name) : undefined,
    git: gitFields({
      commit_sha: shaField(hook.sha),
      commit_message: messageField(hook.commit?.message),
      branch: branchOf(hook.ref),
      author: nameField(hook.commit?.author_name),
      author_email: nameField(hook.commit?.author_email),
      project: nameField(hook.project?.path_with_namespace ?? hook.project_name),
    }),
    steps: [
      stepOf({
        name: hook.build_name,
        status: hook.build_status,
        started_at: hook.build_started_at,
        duration: hook.build_duration,
        failure_reason: hook.build_failure_reason,
        allow_failure: hook.build_allow_failure,
      }),
    ],
  };
}
