import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ApiKeyRegistry } from '@agentpulse/config';
import { HealthModule, type ReadinessCheck } from '@agentpulse/observability';
import { API_KEYS, ApiKeyGuard } from '@agentpulse/service-kit';
import { LiveGateway } from './live/live.gateway';
import { LiveSubscriptions } from './live/live-subscriptions';
import { MonitoringController } from './monitoring.controller';
import { PipelinesController } from './pipelines.controller';
import { ResponseCache } from './response-cache';
import { SessionsController } from './sessions.controller';
import { StatsController } from './stats.controller';

export interface GatewayModuleOptions {
  apiKeys: ApiKeyRegistry;
  /** query objects, each injected into controllers by its class */
  queries: object[];
  cache: ResponseCache;
  live: LiveSubscriptions;
  readiness: ReadinessCheck[];
}

@Module({})
export class GatewayModule {
  static register(options: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [HealthModule.register(options.readiness)],
      controllers: [SessionsController, StatsController, PipelinesController, MonitoringController],
      providers: [
        { provide: API_KEYS, useValue: options.apiKeys },
        ...options.queries.map((query) => ({ provide: query.constructor, useValue: query })),
        { provide: LiveSubscriptions, useValue: options.live },
        { provide: ResponseCache, useValue: options.cache },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        LiveGateway,
      ],
    };
  }
}
