import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ApiKeyRegistry } from '@agentpulse/config';
import { HealthModule, type ReadinessCheck } from '@agentpulse/observability';
import { API_KEYS, ApiKeyGuard } from '@agentpulse/service-kit';
import { LiveGateway } from './live/live.gateway';
import { LiveSubscriptions } from './live/live-subscriptions';
import { SessionSummaryQuery } from './queries/session-summary.query';
import { SessionsController } from './sessions.controller';
import { StatsController } from './stats.controller';
import { DailyStatsQuery } from './queries/daily-stats.query';

export interface GatewayModuleOptions {
  apiKeys: ApiKeyRegistry;
  summaries: SessionSummaryQuery;
  daily: DailyStatsQuery;
  live: LiveSubscriptions;
  readiness: ReadinessCheck[];
}

@Module({})
export class GatewayModule {
  static register(options: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [HealthModule.register(options.readiness)],
      controllers: [SessionsController, StatsController],
      providers: [
        { provide: API_KEYS, useValue: options.apiKeys },
        { provide: SessionSummaryQuery, useValue: options.summaries },
        { provide: DailyStatsQuery, useValue: options.daily },
        { provide: LiveSubscriptions, useValue: options.live },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        LiveGateway,
      ],
    };
  }
}
