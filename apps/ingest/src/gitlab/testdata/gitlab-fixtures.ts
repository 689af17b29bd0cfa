import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Hook payloads written after GitLab's "Webhook events" documentation, for the receiver's
 * unit specs and tests/gitlab-webhooks.e2e.ts. Only the fields the tests read are typed.
 */
export interface BuildFixture {
  id: number;
  name: string;
  status: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration: number | null;
  failure_reason: string | null;
  allow_failure: boolean;
  environment: { name: string } | null;
}

export interface PipelineHookFixture {
  object_kind: 'pipeline';
  object_attributes: {
    id: number;
    ref: string;
    sha: string;
    source: string;
    status: string;
    created_at: string;
    finished_at: string | null;
  };
  project: { id: number; path_with_namespace: string };
  commit: { id: string; message: string; author: { name: string; email: string } };
  builds: BuildFixture[];
}

export interface JobHookFixture {
  object_kind: 'build';
  ref: string;
  sha: string;
  build_id: number;
  build_name: string;
  build_status: string;
  build_created_at: string;
  build_started_at: string | null;
  build_finished_at: string | null;
  build_duration: number | null;
  build_failure_reason: string | null;
  build_allow_failure: boolean;
  pipeline_id: number;
  project: { path_with_namespace: string };
  commit: { message: string; author_name: string; author_email: string };
}

export interface PushHookFixture {
  object_kind: 'push';
  before: string;
  after: string;
  ref: string;
  checkout_sha: string | null;
  user_name: string;
  project_id: number;
  project: { path_with_namespace: string };
  commits: Array<{
    id: string;
    message: string;
    author: { name: string; email: string };
    added: string[];
    modified: string[];
    removed: string[];
  }>;
}

export interface MergeRequestHookFixture {
  object_kind: 'merge_request';
  project: { id: number; path_with_namespace: string };
  object_attributes: {
    iid: number;
    source_branch: string;
    state: string;
    action: string;
    updated_at: string;
    target: { path_with_namespace: string };
    last_commit: { id: string; message: string; author: { name: string; email: string } };
  };
}

interface Fixtures {
  'pipeline-running': PipelineHookFixture;
  'pipeline-success': PipelineHookFixture;
  'job-unit-tests-success': JobHookFixture;
  'push-main': PushHookFixture;
  'merge-request-opened': MergeRequestHookFixture;
  'note-hook': Record<string, unknown>;
}

/** The documented job status → step status mapping (README "GitLab webhooks"). */
export const DOCUMENTED_STEP_STATUS: Readonly<Record<string, string>> = {
  created: 'pending',
  pending: 'pending',
  running: 'running',
  success: 'success',
  failed: 'failed',
  skipped: 'skipped',
  manual: 'manual',
  canceled: 'canceled',
};

/** A fresh copy of a fixture, safe to modify. */
export function gitlabFixture<K extends keyof Fixtures>(name: K): Fixtures[K] {
  return JSON.parse(readFileSync(join(__dirname, `${name}.json`), 'utf8')) as Fixtures[K];
}

/** `2026-11-20 10:00:00 UTC` or ISO-8601 → epoch ms (the two forms the fixtures use). */
export function fixtureTime(text: string): number {
  return Date.parse(text.endsWith(' UTC') ? `${text.slice(0, -4).replace(' ', 'T')}Z` : text);
}
