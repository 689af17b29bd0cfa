import { z } from 'zod';

// 0 asks the OS for a free port (tests use it; the bound port is reported at start-up).
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/**
 * Every environment variable AgentPulse reads, with its default (CONTRACT.md "Running and
 * configuration"). Parsing fails with the variable's name, so a bad value stops start-up.
 */
export const EnvironmentSchema = z.object({
  AGENTPULSE_API_KEYS: optionalText,
  AGENTPULSE_API_KEYS_FILE: optionalText,
  AGENTPULSE_DATA_DIR: z.string().trim().min(1).default('./data'),
  /** interface the HTTP servers bind; 0.0.0.0 in containers */
  AGENTPULSE_HOST: z.string().trim().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  INGEST_PORT: port(8081),
  GATEWAY_PORT: port(8080),
  AGGREGATOR_PORT: port(8082),
  /** comma-separated host:port list; unset locally → a broker is started under the data dir */
  KAFKA_BROKERS: optionalText.pipe(
    z
      .string()
      .regex(
        /^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/,
        'must be a comma-separated list of host:port',
      )
      .optional(),
  ),
  KAFKA_TOPIC: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9._-]{1,200}$/, 'must be a valid Kafka topic name')
    .default('agentpulse.events.v1'),
  KAFKA_PARTITIONS: positiveInt(4),
  KAFKA_CONSUMER_GROUP: z.string().trim().min(1).default('agentpulse-aggregator'),
  KAFKA_CLIENT_ID: z.string().trim().min(1).default('agentpulse'),
  /** unset → the embedded engine (chDB) under the data dir */
  CLICKHOUSE_URL: optionalText.pipe(
    z.string().url('must be a URL such as http://localhost:8123').optional(),
  ),
  CLICKHOUSE_USER: optionalText,
  CLICKHOUSE_PASSWORD: optionalText,
  CLICKHOUSE_DATABASE: z
    .string()
    .trim()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/, 'must be a plain identifier (letters, digits, _)')
    .default('agentpulse'),
  /** unset locally → a redis-server is started under the data dir */
  REDIS_URL: optionalText.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
  ),
  INGEST_BODY_LIMIT_BYTES: positiveInt(5 * 1024 * 1024),
  INGEST_MAX_EVENTS_PER_REQUEST: positiveInt(10_000),
  /** requests per minute per API key */
  INGEST_RATE_LIMIT_PER_MINUTE: positiveInt(12_000),
  GATEWAY_RATE_LIMIT_PER_MINUTE: positiveInt(6_000),
  /** MiB of query answers kept by each gateway, invalidated by every stored batch; 0 = off */
  GATEWAY_CACHE_MB: z.coerce.number().int().min(0).default(64),
  /** gaps between a session's events longer than this count as idle time (docs/kpis.md) */
  IDLE_GAP_MS: positiveInt(300_000),
  /** a JSON file of file-risk rules that replaces the defaults (libs/risk/README.md) */
  AGENTPULSE_RISK_RULES_FILE: z.string().min(1).optional(),
  /** how long ingest waits for the broker's acknowledgement before answering 503 */
  INGEST_PUBLISH_TIMEOUT_MS: positiveInt(10_000),
  /** at most one live `kpi` push per subscription per this many ms */
  LIVE_COALESCE_MS: positiveInt(250),
});

export type Environment = z.infer<typeof EnvironmentSchema>;
