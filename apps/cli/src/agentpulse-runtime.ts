import { loadConfig } from '@agentpulse/config';
import { closeEmbeddedClickHouse } from '@agentpulse/clickhouse';
import { createRootLogger, type Logger } from '@agentpulse/observability';
import type { ResolvedConfig, RunningService } from '@agentpulse/service-kit';
import { resolveLocalDependencies } from './local-dependencies';
import { servicesOf, starterOf, type ServiceName, type Target } from './service-targets';

export interface AgentPulseRuntime {
  config: ResolvedConfig;
  services: Partial<Record<ServiceName, RunningService>>;
  logger: Logger;
  stop(): Promise<void>;
}

export interface StartOptions {
  target: Target;
  env?: NodeJS.ProcessEnv;
  /** keep the embedded ClickHouse open after stop (tests reuse one engine per process) */
  keepEmbeddedEngine?: boolean;
}

/**
 * The composition root: one target or all of them in this process. Shutdown order (STYLE.md):
 * HTTP and sockets (ingest, gateway) → consumer commits (aggregator) → embedded engine →
 * the broker and Redis this process started.
 */
export async function startAgentPulse(options: StartOptions): Promise<AgentPulseRuntime> {
  const base = loadConfig(options.env ?? process.env);
  const logger = createRootLogger(base.logLevel);
  const dependencies = await resolveLocalDependencies(base, logger);
  const services: Partial<Record<ServiceName, RunningService>> = {};
  const started: RunningService[] = [];
  const stop = async () => {
    for (const service of started.reverse()) await service.stop();
    started.length = 0;
    if (!options.keepEmbeddedEngine) await closeEmbeddedClickHouse();
    await dependencies.stop();
  };
  try {
    for (const name of servicesOf(options.target)) {
      const service = await starterOf(name)({ config: dependencies.config, logger });
      services[name] = service;
      started.push(service);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return { config: dependencies.config, services, logger, stop: () => (stopping ??= stop()) };
}
