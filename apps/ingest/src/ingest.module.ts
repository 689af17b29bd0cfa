import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ApiKeyRegistry } from '@agentpulse/config';
import type { EventLogProducer } from '@agentpulse/kafka';
import { HealthModule, type ReadinessCheck } from '@agentpulse/observability';
import { API_KEYS, ApiKeyGuard } from '@agentpulse/service-kit';
import type { EventIntake } from './event-intake';
import { EVENT_INTAKE, EVENT_LOG, EventsController } from './events.controller';
import { GitlabWebhookController } from './gitlab/gitlab-webhook.controller';
import { OtlpController } from './otlp/otlp.controller';

export interface IngestModuleOptions {
  apiKeys: ApiKeyRegistry;
  intake: EventIntake;
  eventLog: EventLogProducer;
  readiness: ReadinessCheck[];
}

@Module({})
export class IngestModule {
  static register(options: IngestModuleOptions): DynamicModule {
    return {
      module: IngestModule,
      imports: [HealthModule.register(options.readiness)],
      controllers: [EventsController, GitlabWebhookController, OtlpController],
      providers: [
        { provide: API_KEYS, useValue: options.apiKeys },
        { provide: EVENT_INTAKE, useValue: options.intake },
        { provide: EVENT_LOG, useValue: options.eventLog },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}
