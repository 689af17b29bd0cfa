import { z } from 'zod';
import { parseGitlabTime } from './gitlab-time';

/**
 * The parts of GitLab's hook payloads that become pipeline traces (GitLab's "Webhook events"
 * documentation). Only what the mapping reads is declared, and most of it may be null or
 * absent, because GitLab versions differ in what they send; unknown fields are ignored.
 */

/** A GitLab time as epoch milliseconds; an unreadable one is a malformed payload. */
const Time = z.string().transform((text, context) => {
  const ms = parseGitlabTime(text);
  if (ms === undefined) {
    context.addIssue({ code: 'custom', message: `"${text.slice(0, 40)}" is not a time` });
    return z.NEVER;
  }
  return ms;
});
const OptionalTime = Time.nullish();
const OptionalText = z.string().nullish();
const Seconds = z.number().nonnegative().nullish();

const Person = z.object({ name: OptionalText, email: OptionalText }).nullish();
const Project = z.object({ id: z.number().int().nullish(), path_with_namespace: OptionalText });
const Environment = z.object({ name: z.string() }).nullish();

const Build = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  status: z.string(),
  created_at: OptionalTime,
  started_at: OptionalTime,
  finished_at: OptionalTime,
  duration: Seconds,
  failure_reason: OptionalText,
  allow_failure: z.boolean().nullish(),
  environment: Environment,
});

export const PipelineHookPayload = z.object({
  object_kind: z.literal('pipeline'),
  object_attributes: z.object({
    id: z.number().int(),
    ref: OptionalText,
    sha: OptionalText,
    source: OptionalText,
    status: z.string(),
    created_at: OptionalTime,
    finished_at: OptionalTime,
  }),
  project: Project.nullish(),
  commit: z.object({ id: OptionalText, message: OptionalText, author: Person }).nullish(),
  builds: z.array(Build).nullish(),
});

export const JobHookPayload = z.object({
  object_kind: z.literal('build'),
  ref: OptionalText,
  sha: OptionalText,
  build_id: z.number().int(),
  build_name: z.string().min(1),
  build_status: z.string(),
  build_created_at: OptionalTime,
  build_started_at: OptionalTime,
  build_finished_at: OptionalTime,
  build_duration: Seconds,
  build_failure_reason: OptionalText,
  build_allow_failure: z.boolean().nullish(),
  pipeline_id: z.number().int(),
  project_name: OptionalText,
  project: Project.nullish(),
  commit: z
    .object({ message: OptionalText, author_name: OptionalText, author_email: OptionalText })
    .nullish(),
  environment: Environment,
});

const PushedCommit = z.object({
  id: z.string(),
  message: OptionalText,
  author: Person,
  added: z.array(z.string()).nullish(),
  modified: z.array(z.string()).nullish(),
  removed: z.array(z.string()).nullish(),
});

export const PushHookPayload = z.object({
  object_kind: z.literal('push'),
  before: z.string(),
  after: z.string(),
  ref: z.string(),
  checkout_sha: OptionalText,
  user_name: OptionalText,
  user_email: OptionalText,
  project_id: z.number().int(),
  project: Project.nullish(),
  commits: z.array(PushedCommit).nullish(),
});

export const MergeRequestHookPayload = z.object({
  object_kind: z.literal('merge_request'),
  project: Project.extend({ id: z.number().int() }),
  object_attributes: z.object({
    iid: z.number().int(),
    source_branch: OptionalText,
    state: z.string(),
    created_at: OptionalTime,
    updated_at: OptionalTime,
    target: z.object({ path_with_namespace: OptionalText }).nullish(),
    last_commit: z.object({ id: z.string(), message: OptionalText, author: Person }).nullish(),
  }),
});

export type PipelineHook = z.infer<typeof PipelineHookPayload>;
export type PipelineHookBuild = z.infer<typeof Build>;
export type JobHook = z.infer<typeof JobHookPayload>;
export type PushHook = z.infer<typeof PushHookPayload>;
export type MergeRequestHook = z.infer<typeof MergeRequestHookPayload>;
