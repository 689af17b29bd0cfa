/** Errors of the GitLab receiver; ingest-errors.ts turns them into HTTP answers. */
export abstract class GitlabWebhookError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
}

/** Missing or unknown `X-Gitlab-Token` (401). The message never repeats the token. */
export class GitlabTokenError extends GitlabWebhookError {
  readonly status = 401;
  readonly code = 'unauthorized';
  constructor(missing: boolean) {
    super(
      missing
        ? 'send the secret token configured as "gitlab_token" in the X-Gitlab-Token header'
        : 'the X-Gitlab-Token does not match any configured "gitlab_token"',
    );
    this.name = 'GitlabTokenError';
  }
}

/** A supported hook whose body GitLab would never send (400), with every reason. */
export class MalformedHookError extends GitlabWebhookError {
  readonly status = 400;
  readonly code = 'invalid_request';
  constructor(hook: string, reasons: string[]) {
    super(`the ${hook} body is malformed: ${reasons.slice(0, 10).join('; ')}`);
    this.name = 'MalformedHookError';
  }
}
