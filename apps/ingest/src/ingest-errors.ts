import { EventLogUnavailableError } from '@agentpulse/kafka';
import type { ErrorMapper } from '@agentpulse/service-kit';
import { BatchTooLargeError, UnreadableBodyError } from './event-intake';
import { GitlabWebhookError } from './gitlab/gitlab-errors';

/** Ingest's typed errors as HTTP answers (the rest is handled by service-kit's filter). */
export const mapIngestError: ErrorMapper = (error) => {
  if (error instanceof EventLogUnavailableError)
    return { status: 503, code: 'event_log_unavailable', retryAfter: 5 };
  if (error instanceof BatchTooLargeError) return { status: 413, code: 'payload_too_large' };
  if (error instanceof UnreadableBodyError) return { status: 400, code: 'invalid_request' };
  if (error instanceof GitlabWebhookError) return { status: error.status, code: error.code };
  return undefined;
};
