import { startAggregator } from '@agentpulse/aggregator';
import { startGateway } from '@agentpulse/gateway';
import { startIngest } from '@agentpulse/ingest';
import type { RunningService, ServiceContext } from '@agentpulse/service-kit';

import type { ServiceName, Target } from './target-names';

export { TARGETS, type ServiceName, type Target } from './target-names';

/** Every service and how to start it, like Loki's module table. */
const SERVICES: Record<ServiceName, (context: ServiceContext) => Promise<RunningService>> = {
  aggregator: startAggregator,
  gateway: startGateway,
  ingest: startIngest,
};

/**
 * Start order: storage side first (the aggregator migrates ClickHouse), intake last, so the
 * process accepts events only when everything behind ingest is up. Shutdown runs in reverse.
 */
const START_ORDER: readonly ServiceName[] = ['aggregator', 'gateway', 'ingest'];

export function servicesOf(target: Target): ServiceName[] {
  return START_ORDER.filter((name) => target === 'all' || name === target);
}

export function starterOf(name: ServiceName): (context: ServiceContext) => Promise<RunningService> {
  return SERVICES[name];
}
