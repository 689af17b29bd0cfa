import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export const GITLAB_WEBHOOK_PATH = '/webhooks/gitlab';

/**
 * GitLab push hooks list every added, modified and removed path of up to 20 commits, so a
 * large push can pass the intake's general body limit. This route alone accepts up to 10 MiB
 * (413 beyond); what it stores is cut to size by the mapping (see gitlab-trace.ts).
 */
export const GITLAB_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** Sets the route's body limit as Nest registers it; call before the app starts listening. */
export function limitGitlabBodies(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (route.url === GITLAB_WEBHOOK_PATH) route.bodyLimit = GITLAB_BODY_LIMIT_BYTES;
    });
}
