import { MergeRequestHookPayload, PushHookPayload } from './gitlab-hook-payloads';
import { mergeRequestHookTrace } from './merge-request-hook.mapper';
import { pushHookTrace } from './push-hook.mapper';
import {
  fixtureTime,
  gitlabFixture,
  type MergeRequestHookFixture,
  type PushHookFixture,
} from './testdata/gitlab-fixtures';

const RECEIVED = Date.UTC(2026, 10, 23, 12, 0, 0);
const push = (hook: PushHookFixture) => pushHookTrace(PushHookPayload.parse(hook), RECEIVED);
const mergeRequest = (hook: MergeRequestHookFixture) =>
  mergeRequestHookTrace(MergeRequestHookPayload.parse(hook), RECEIVED);

describe('Push Hook → push trace', () => {
  it('is a finished push keyed by project and new head, with the head commit and every file', () => {
    const hook = gitlabFixture('push-main');
    const head = hook.commits.find((c) => c.id === hook.checkout_sha);
    expect(head).toBeDefined();
    const files = [
      ...new Set(hook.commits.flatMap((c) => [...c.added, ...c.modified, ...c.removed])),
    ];
    expect(push(hook)).toEqual({
      timestamp: RECEIVED,
      pipeline_id: `gitlab:push:${hook.project_id}:${hook.after}`,
      status: 'success',
      trigger_type: 'push',
      trigger_source: 'gitlab',
      git: {
        commit_sha: hook.checkout_sha,
        commit_message: head?.message,
        branch: hook.ref.replace('refs/heads/', ''),
        author: head?.author.name,
        author_email: head?.author.email,
        project: hook.project.path_with_namespace,
        files_changed: files,
      },
    });
  });

  it('keys a branch deletion by the commit the branch held, with no head sha', () => {
    const hook = gitlabFixture('push-main');
    Object.assign(hook, { after: '0'.repeat(40), checkout_sha: null, commits: [] });
    const got = push(hook);
    expect(got.pipeline_id).toBe(`gitlab:push:${hook.project_id}:deleted:${hook.before}`);
    expect(got.git?.commit_sha).toBeUndefined();
    expect(got.git?.author).toBe(hook.user_name);
  });

  it('cuts an enormous file list to a bounded size instead of refusing the push', () => {
    const hook = gitlabFixture('push-main');
    const many = Array.from(
      { length: 20_000 },
      (_, i) => `src/generated/${'x'.repeat(40)}-${i}.ts`,
    );
    hook.commits[0].added = many;
    const files = push(hook).git?.files_changed ?? [];
    expect(files.length).toBeGreaterThan(1000);
    expect(files.length).toBeLessThan(many.length);
    expect(files.slice(0, 10)).toEqual(many.slice(0, 10));
    expect(files.join('').length).toBeLessThanOrEqual(256 * 1024);
  });
});

describe('Merge Request Hook → merge request trace', () => {
  it('is a running trace per request and head commit while the request is open', () => {
    const hook = gitlabFixture('merge-request-opened');
    const request = hook.object_attributes;
    expect(mergeRequest(hook)).toEqual({
      timestamp: fixtureTime(request.updated_at) + 1,
      pipeline_id: `gitlab:mr:${hook.project.id}:${request.iid}:${request.last_commit.id}`,
      status: 'running',
      trigger_type: 'merge_request',
      trigger_source: 'gitlab',
      git: {
        commit_sha: request.last_commit.id,
        commit_message: request.last_commit.message,
        branch: request.source_branch,
        author: request.last_commit.author.name,
        author_email: request.last_commit.author.email,
        project: request.target.path_with_namespace,
      },
    });
  });

  it.each([
    ['merged', 'success'],
    ['closed', 'failed'],
    ['locked', 'running'],
  ])('maps state %s to %s, updating the same trace', (state, status) => {
    const opened = gitlabFixture('merge-request-opened');
    const hook = gitlabFixture('merge-request-opened');
    Object.assign(hook.object_attributes, {
      state,
      updated_at: opened.object_attributes.updated_at,
    });
    const got = mergeRequest(hook);
    expect(got.status).toBe(status);
    expect(got.pipeline_id).toBe(mergeRequest(opened).pipeline_id);
    if (status !== 'running') expect(got.timestamp).toBeGreaterThan(mergeRequest(opened).timestamp);
  });

  it('starts a new trace when the request gets a new head commit', () => {
    const opened = gitlabFixture('merge-request-opened');
    const updated = gitlabFixture('merge-request-opened');
    updated.object_attributes.last_commit.id = 'a'.repeat(40);
    expect(mergeRequest(updated).pipeline_id).not.toBe(mergeRequest(opened).pipeline_id);
  });
});
