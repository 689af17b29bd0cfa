import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@agentpulse/observability';
import type { FastifyReply } from 'fastify';

/** How an app answers one of its own typed errors. */
export interface ErrorMapping {
  status: number;
  code: string;
  /** seconds, sent as Retry-After */
  retryAfter?: number;
}
export type ErrorMapper = (error: unknown) => ErrorMapping | undefined;

const CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * The one place an app turns errors into HTTP answers: `{error, message, details?}`. Unknown
 * errors are logged and answered 500 without internals.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly mapError: ErrorMapper = () => undefined,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const mapped = this.mapError(error);
    if (mapped) {
      if (mapped.retryAfter !== undefined)
        void reply.header('retry-after', String(mapped.retryAfter));
      void reply
        .code(mapped.status)
        .send({ error: mapped.code, message: (error as Error).message });
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const details =
        typeof body === 'object' ? (body as { details?: unknown }).details : undefined;
      void reply.code(status).send({
        error: CODES[status] ?? 'error',
        message: error.message,
        ...(details ? { details } : {}),
      });
      return;
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      void reply
        .code(status)
        .send({ error: CODES[status] ?? 'invalid_request', message: (error as Error).message });
      return;
    }
    this.logger.error({ err: error }, 'unhandled error');
    void reply
      .code(500)
      .send({ error: 'internal', message: 'internal error; see the service log' });
  }
}
