import rateLimit from '@fastify/rate-limit';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { bearerKey, type ApiKeyRegistry } from '@agentpulse/config';
import { NestPinoLogger, type Logger } from '@agentpulse/observability';
import { HttpErrorFilter, type ErrorMapper } from './http-error.filter';

export interface HttpAppOptions {
  logger: Logger;
  bodyLimitBytes?: number;
  /** requests per minute per API key (per address when no key); omit for no limit */
  rateLimitPerMinute?: number;
  apiKeys: ApiKeyRegistry;
  mapError?: ErrorMapper;
}

/** A NestJS app on Fastify with the settings every AgentPulse HTTP service shares. */
export async function createHttpApp(
  module: DynamicModule,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new NestPinoLogger(options.logger),
    abortOnError: false,
  });
  app.useGlobalFilters(new HttpErrorFilter(options.logger, options.mapError));
  if (options.rateLimitPerMinute) {
    await app.register(rateLimit, {
      max: options.rateLimitPerMinute,
      timeWindow: 60_000,
      // Keyed by the key's hash (never the key itself), so one noisy project cannot starve another.
      keyGenerator: (request) =>
        options.apiKeys.authenticate(bearerKey(request.headers.authorization))?.keyId ?? request.ip,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: 'rate_limited',
        message: `rate limit of ${context.max} requests per minute exceeded; retry in ${Math.ceil(context.ttl / 1000)} s`,
      }),
    });
  }
  return app;
}

/** Starts listening and returns the port actually bound (useful when asked for port 0). */
export async function listen(app: INestApplication, host: string, port: number): Promise<number> {
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : port;
}
