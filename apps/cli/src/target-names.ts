/**
 * The names `agentpulse start` takes, apart from the services they start: the command line
 * parses them without loading every service (which takes seconds).
 */
export type ServiceName = 'ingest' | 'aggregator' | 'gateway';
export type Target = ServiceName | 'all';
export const TARGETS: readonly Target[] = ['all', 'ingest', 'aggregator', 'gateway'];
