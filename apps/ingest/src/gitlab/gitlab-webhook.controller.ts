import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import type { ApiKeyRegistry } from '@agentpulse/config';
import type { EventLogProducer } from '@agentpulse/kafka';
import { webhookDeliveries } from '@agentpulse/observability';
import { API_KEYS } from '@agentpulse/service-kit';
import type { EventIntake } from '../event-intake';
import { publishAccepted } from '../event-publisher';
import { EVENT_INTAKE, EVENT_LOG } from '../events.controller';
import { deliveryEventId, hookKind, traceOf } from './gitlab-delivery';
import { GitlabTokenError, MalformedHookError } from './gitlab-errors';

type RequestHeaders = Record<string, string | string[] | undefined>;

/** The first value of a header; GitLab sends each once. */
function header(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const count = (hook: string, outcome: string) =>
  webhookDeliveries.inc({ source: 'gitlab', hook, outcome });

/** Runs `step`; if it throws (or rejects), the delivery is counted with `outcome` first. */
function counted<T>(hook: string, outcome: string, step: () => T): T {
  const fail = (error: unknown): never => {
    count(hook, outcome);
    throw error;
  };
  try {
    const result = step();
    return result instanceof Promise ? (result.catch(fail) as T) : result;
  } catch (error) {
    return fail(error);
  }
}

/**
 * GitLab's webhook receiver: push, merge request, pipeline and job hooks become `pipeline`
 * events and go through the same intake and event log as POST /v1/events. It needs no bearer
 * key (GitLab cannot send one): the route has no scope, so ApiKeyGuard lets it through, and
 * `X-Gitlab-Token` is checked here, in constant time, before the body is looked at.
 */
@Controller('webhooks')
export class GitlabWebhookController {
  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeyRegistry,
    @Inject(EVENT_INTAKE) private readonly intake: EventIntake,
    @Inject(EVENT_LOG) private readonly eventLog: EventLogProducer,
  ) {}

  /**
   * 202 `{accepted: 1, id, pipeline_id}` once the broker acknowledged the event; 202
   * `{accepted: 0, ignored}` for a hook kind that is not a pipeline trace (GitLab would disable
   * a hook that keeps failing); 401 without a known token; 400 for a malformed body.
   */
  @Post('gitlab')
  @HttpCode(202)
  async receive(
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
  ): Promise<Record<string, unknown>> {
    const token = header(headers, 'x-gitlab-token');
    const project = this.keys.projectForGitlabToken(token);
    if (!project) {
      count('unknown', 'unauthorized');
      throw new GitlabTokenError(!token);
    }
    const kind = hookKind(header(headers, 'x-gitlab-event'), body);
    if ('unsupported' in kind) {
      count(kind.unsupported, 'ignored');
      return { accepted: 0, ignored: kind.unsupported };
    }
    const hook = kind.supported;
    const receivedAt = Date.now();
    const trace = counted(hook, 'invalid', () => traceOf(hook, body, receivedAt));
    const id = deliveryEventId(
      hook,
      trace.pipeline_id,
      {
        idempotencyKey: header(headers, 'idempotency-key'),
        eventUuid: header(headers, 'x-gitlab-event-uuid'),
      },
      body,
    );
    const event = { ...trace, id, type: 'pipeline', source: 'gitlab' };
    const { accepted, rejected } = this.intake.process([event], project, receivedAt);
    if (accepted.length === 0) {
      count(hook, 'invalid');
      throw new MalformedHookError(
        hook,
        rejected.flatMap((rejection) => rejection.errors.map((e) => `${e.path}: ${e.message}`)),
      );
    }
    await counted(hook, 'unavailable', () => publishAccepted(this.eventLog, project, accepted));
    count(hook, 'accepted');
    return { accepted: 1, id, pipeline_id: trace.pipeline_id };
  }
}
