import type { AgentPulseConfig } from '@agentpulse/config';
import type { Logger } from '@agentpulse/observability';

/** Configuration once the composition root has found (or started) Kafka and Redis. */
export type ResolvedConfig = AgentPulseConfig & {
  kafka: AgentPulseConfig['kafka'] & { brokers: string[] };
  redis: { url: string };
};

/** What every service gets from the composition root; services never know the run mode. */
export interface ServiceContext {
  config: ResolvedConfig;
  logger: Logger;
}

/** A started service. `stop` is idempotent and leaves nothing running. */
export interface RunningService {
  name: string;
  /** the HTTP port actually bound (differs from the configured one when that was 0) */
  port: number;
  stop(): Promise<void>;
}
