import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per process. In all-in-one mode the three services share it and
 * every `/metrics` shows the whole process; each metric carries a `service` label.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'agentpulse_' });

export const eventsAccepted = new Counter({
  name: 'agentpulse_ingest_events_accepted_total',
  help: 'Events acknowledged by the event log',
  labelNames: ['project', 'type'] as const,
  registers: [metricsRegistry],
});

export const eventsRejected = new Counter({
  name: 'agentpulse_ingest_events_rejected_total',
  help: 'Events rejected by validation',
  labelNames: ['project'] as const,
  registers: [metricsRegistry],
});

export const ingestRequests = new Counter({
  name: 'agentpulse_ingest_requests_total',
  help: 'Event intake requests by HTTP status',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
});

export const rowsInserted = new Counter({
  name: 'agentpulse_aggregator_rows_inserted_total',
  help: 'Rows inserted into ClickHouse raw tables',
  labelNames: ['table'] as const,
  registers: [metricsRegistry],
});

export const duplicatesSkipped = new Counter({
  name: 'agentpulse_aggregator_duplicates_skipped_total',
  help: 'Events not stored because their id was already stored or repeated in the batch',
  registers: [metricsRegistry],
});

export const batchDuration = new Histogram({
  name: 'agentpulse_aggregator_batch_seconds',
  help: 'Time from a Kafka batch arriving to its offsets being committed',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const livePushes = new Counter({
  name: 'agentpulse_gateway_live_pushes_total',
  help: 'kpi messages pushed to socket.io rooms',
  labelNames: ['scope'] as const,
  registers: [metricsRegistry],
});

export const liveSnapshotDuration = new Histogram({
  name: 'agentpulse_gateway_live_snapshot_seconds',
  help: 'Time to read the KPIs of one live push or subscription snapshot',
  labelNames: ['scope'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

export const gatewayCacheLookups = new Counter({
  name: 'agentpulse_gateway_cache_lookups_total',
  help: 'Query answers served from the response cache (hit), computed (miss), or computed because the generation could not be read or the cache is off (bypass)',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

export const webhookDeliveries = new Counter({
  name: 'agentpulse_webhooks_total',
  help: 'Webhook deliveries by source, hook kind and outcome (accepted, ignored, unauthorized, invalid, unavailable)',
  labelNames: ['source', 'hook', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const otlpRecords = new Counter({
  name: 'agentpulse_otlp_records_total',
  help: 'OTLP spans and log records by signal and outcome (accepted, rejected, ignored)',
  labelNames: ['signal', 'outcome'] as const,
  registers: [metricsRegistry],
});
