import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MalformedHookError } from './gitlab-errors';
import {
  JobHookPayload,
  MergeRequestHookPayload,
  PipelineHookPayload,
  PushHookPayload,
} from './gitlab-hook-payloads';
import { jobHookTrace } from './job-hook.mapper';
import { mergeRequestHookTrace } from './merge-request-hook.mapper';
import { pipelineHookTrace } from './pipeline-hook.mapper';
import { pushHookTrace } from './push-hook.mapper';
import type { GitlabTrace } from './gitlab-trace';

export type SupportedHook = 'push' | 'merge_request' | 'pipeline' | 'job';

/** `X-Gitlab-Event` values that become traces; a system hook says what it is in `object_kind`. */
const HOOK_BY_HEADER: Readonly<Record<string, SupportedHook>> = {
  'Push Hook': 'push',
  'Merge Request Hook': 'merge_request',
  'Pipeline Hook': 'pipeline',
  'Job Hook': 'job',
};
const HOOK_BY_OBJECT_KIND: Readonly<Record<string, SupportedHook>> = {
  push: 'push',
  merge_request: 'merge_request',
  pipeline: 'pipeline',
  build: 'job',
};

export type HookKind = { supported: SupportedHook } | { unsupported: string };

/**
 * What a delivery is, from `X-Gitlab-Event` (or, for system hooks and senders without the
 * header, the body's `object_kind`). An unsupported kind comes back as a bounded metric label:
 * header text is caller-controlled, so anything unusual is reported as `other`.
 */
export function hookKind(header: string | undefined, body: unknown): HookKind {
  if (header && header !== 'System Hook') {
    if (Object.hasOwn(HOOK_BY_HEADER, header)) return { supported: HOOK_BY_HEADER[header] };
    return { unsupported: /^[A-Za-z][A-Za-z ]{0,39}$/.test(header) ? header : 'other' };
  }
  const kind = (body as { object_kind?: unknown } | null)?.object_kind;
  if (typeof kind === 'string' && Object.hasOwn(HOOK_BY_OBJECT_KIND, kind))
    return { supported: HOOK_BY_OBJECT_KIND[kind] };
  return { unsupported: header ?? 'missing' };
}

type HookMapper = (hook: SupportedHook, body: unknown, receivedAt: number) => GitlabTrace;

/** Validates the body against the hook's schema, then maps it; a malformed body says why. */
function parsedWith<S extends z.ZodType>(
  schema: S,
  trace: (hook: z.infer<S>, receivedAt: number) => GitlabTrace,
): HookMapper {
  return (hook, body, receivedAt) => {
    const parsed = schema.safeParse(body);
    if (parsed.success) return trace(parsed.data, receivedAt);
    throw new MalformedHookError(
      hook,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
    );
  };
}

const MAPPERS: Readonly<Record<SupportedHook, HookMapper>> = {
  push: parsedWith(PushHookPayload, pushHookTrace),
  merge_request: parsedWith(MergeRequestHookPayload, mergeRequestHookTrace),
  pipeline: parsedWith(PipelineHookPayload, pipelineHookTrace),
  job: parsedWith(JobHookPayload, jobHookTrace),
};

/** Parses a supported hook's body and maps it to a trace (MalformedHookError when it cannot). */
export function traceOf(hook: SupportedHook, body: unknown, receivedAt: number): GitlabTrace {
  return MAPPERS[hook](hook, body, receivedAt);
}

/**
 * The event id of a delivery. GitLab repeats `Idempotency-Key` (and `X-Gitlab-Event-UUID`) when
 * it retries a delivery; without either, the body itself identifies it. The hook kind and the
 * pipeline are part of the id because recursive hooks (set off by an earlier hook) share their
 * event UUID yet are distinct events. Hashed to a fixed length.
 */
export function deliveryEventId(
  hook: SupportedHook,
  pipelineId: string,
  headers: { idempotencyKey?: string; eventUuid?: string },
  body: unknown,
): string {
  const delivery =
    headers.idempotencyKey ??
    headers.eventUuid ??
    `body:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
  const digest = createHash('sha256')
    .update(`${hook}\n${pipelineId}\n${delivery}`)
    .digest('hex')
    .slice(0, 32);
  return `gitlab:${hook}:${digest}`;
}
