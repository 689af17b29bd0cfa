import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Anything that may hold a secret is censored before a log line is written. */
const REDACT = [
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-gitlab-token"]',
  'key',
  '*.key',
  'password',
  '*.password',
  'token',
  '*.token',
  'gitlab_token',
  '*.gitlab_token',
];

/** The process's root logger: structured JSON (pino), one child per service. */
export function createRootLogger(level: string): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: '[redacted]' },
  });
}

/** Routes NestJS's own messages into pino with the service name as a field. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
