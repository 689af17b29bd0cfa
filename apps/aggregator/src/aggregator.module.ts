import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, type ReadinessCheck } from '@agentpulse/observability';

/** The aggregator serves only health and metrics over HTTP; its work is the Kafka consumer. */
@Module({})
export class AggregatorModule {
  static register(readiness: ReadinessCheck[]): DynamicModule {
    return { module: AggregatorModule, imports: [HealthModule.register(readiness)] };
  }
}
