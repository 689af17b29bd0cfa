import type { MergeRequestHook } from './gitlab-hook-payloads';
import type { PipelineStatus } from './gitlab-status';
import {
  gitFields,
  messageField,
  nameField,
  shaField,
  traceTime,
  type GitlabTrace,
} from './gitlab-trace';

/**
 * Merge request state → trace status: an open (or locked, mid-merge) request is `running`,
 * `merged` is `success`, `closed` without merging is `failed`. An unknown state sets none.
 */
const MERGE_REQUEST_STATUS: Readonly<Record<string, PipelineStatus>> = {
  opened: 'running',
  locked: 'running',
  merged: 'success',
  closed: 'failed',
};

/**
 * Merge Request Hook → a `merge_request` trace per project, request (iid) and head commit: a
 * new push to the request starts a new trace, while approvals, merge or close of the same head
 * update it. The event time is the request's `updated_at`.
 */
export function mergeRequestHookTrace(hook: MergeRequestHook, receivedAt: number): GitlabTrace {
  const request = hook.object_attributes;
  const head = request.last_commit;
  const status = Object.hasOwn(MERGE_REQUEST_STATUS, request.state)
    ? MERGE_REQUEST_STATUS[request.state]
    : undefined;
  return {
    timestamp: traceTime([request.updated_at ?? request.created_at], status, receivedAt),
    pipeline_id: `gitlab:mr:${hook.project.id}:${request.iid}:${head?.id ?? 'none'}`.slice(0, 128),
    status,
    trigger_type: 'merge_request',
    trigger_source: 'gitlab',
    git: gitFields({
      commit_sha: shaField(head?.id),
      commit_message: messageField(head?.message),
      branch: nameField(request.source_branch),
      author: nameField(head?.author?.name),
      author_email: nameField(head?.author?.email),
      project: nameField(request.target?.path_with_namespace ?? hook.project.path_with_namespace),
    }),
  };
}
