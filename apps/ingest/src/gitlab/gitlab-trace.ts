import type { PipelineEventInput } from '@agentpulse/schema';
import { lifecycleRank } from './gitlab-status';

/** A hook as a `pipeline` event, before the delivery gives it its id. */
export type GitlabTrace = Omit<PipelineEventInput, 'id' | 'type' | 'source' | 'session_id'> & {
  timestamp: number;
};
export type TraceStep = NonNullable<PipelineEventInput['steps']>[number];
export type TraceGit = NonNullable<PipelineEventInput['git']>;

/**
 * Field sizes, so that a hook is never refused (GitLab disables a webhook that keeps failing)
 * and one event stays well under the event log's 1 MB record limit. The schema allows names of
 * 512 characters and shas of 64; commit messages and file lists are cut to a size no real
 * commit reaches.
 */
const NAME_MAX = 512;
const SHA_MAX = 64;
const MESSAGE_MAX = 64 * 1024;
const FILES_CHARS_MAX = 256 * 1024;
export const STEPS_MAX = 1000;

/** A name-like field: absent when GitLab sent nothing or an empty string. */
export function nameField(value: string | null | undefined): string | undefined {
  return value ? value.slice(0, NAME_MAX) : undefined;
}

export function shaField(value: string | null | undefined): string | undefined {
  return value ? value.slice(0, SHA_MAX) : undefined;
}

export function messageField(value: string | null | undefined): string | undefined {
  return value ? value.slice(0, MESSAGE_MAX) : undefined;
}

/** `refs/heads/main` → `main`; tags and other refs keep their full name. */
export function branchOf(ref: string | null | undefined): string | undefined {
  return nameField(ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref);
}

/** Distinct paths in order of first appearance, cut once their text reaches the size limit. */
export function fileList(paths: Iterable<string>): string[] {
  const seen = new Set<string>();
  let chars = 0;
  for (const path of paths) {
    if (seen.has(path) || path.length > 4096) continue;
    if (chars + path.length > FILES_CHARS_MAX) break;
    seen.add(path);
    chars += path.length;
  }
  return [...seen];
}

/** Drops the git fields GitLab did not send; no `git` at all when none is left. */
export function gitFields(git: TraceGit): TraceGit | undefined {
  const present = Object.entries(git).filter(([, value]) => value !== undefined);
  return present.length === 0 ? undefined : (Object.fromEntries(present) as TraceGit);
}

/**
 * The event time of a hook: the latest time its payload reports (so a redelivered or late hook
 * does not pass a newer state), plus the status's lifecycle rank in milliseconds (see
 * {@link lifecycleRank}). `fallback` is used when the payload carries no time at all.
 */
export function traceTime(
  times: Array<number | null | undefined>,
  gitlabStatus: string | undefined,
  fallback: number,
): number {
  const known = times.filter((time): time is number => typeof time === 'number');
  const latest = known.length === 0 ? fallback : Math.max(...known);
  return latest + lifecycleRank(gitlabStatus);
}

/** GitLab durations are seconds (fractional); steps carry milliseconds. */
export function durationMs(seconds: number | null | undefined): number | undefined {
  return typeof seconds === 'number' ? Math.round(seconds * 1000) : undefined;
}
