import type { PushHook } from './gitlab-hook-payloads';
import {
  branchOf,
  fileList,
  gitFields,
  messageField,
  nameField,
  shaField,
  type GitlabTrace,
} from './gitlab-trace';

const NO_COMMIT = /^0+$/;

/**
 * Push Hook → a finished `push` trace (status `success`: GitLab only reports pushes it
 * accepted), one per project and new head commit, so the same push redelivered updates the
 * same trace. A branch deletion (new head all zeros) is keyed by the commit the branch held.
 *
 * The payload has no push time (commit timestamps are author times, possibly months old), so
 * the event time is when ingest received the hook. `files_changed` covers the commits in the
 * payload: GitLab lists at most the newest 20 of a push.
 */
export function pushHookTrace(hook: PushHook, receivedAt: number): GitlabTrace {
  const deleted = NO_COMMIT.test(hook.after);
  const headSha = hook.checkout_sha ?? hook.after;
  const commits = hook.commits ?? [];
  const head = commits.find((commit) => commit.id === headSha) ?? commits.at(-1);
  const files = fileList(
    commits.flatMap((commit) => [
      ...(commit.added ?? []),
      ...(commit.modified ?? []),
      ...(commit.removed ?? []),
    ]),
  );
  return {
    timestamp: receivedAt,
    pipeline_id: deleted
      ? `gitlab:push:${hook.project_id}:deleted:${hook.before}`.slice(0, 128)
      : `gitlab:push:${hook.project_id}:${hook.after}`.slice(0, 128),
    status: 'success',
    trigger_type: 'push',
    trigger_source: 'gitlab',
    git: gitFields({
      commit_sha: deleted ? undefined : shaField(headSha),
      commit_message: messageField(head?.message),
      branch: branchOf(hook.ref),
      author: nameField(head?.author?.name ?? hook.user_name),
      author_email: nameField(head?.author?.email ?? hook.user_email),
      project: nameField(hook.project?.path_with_namespace),
      files_changed: files.length > 0 ? files : undefined,
    }),
  };
}
