import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { ApiKeyListSchema, ApiKeyRegistry, generateApiKey, type ApiKeyEntry } from './api-keys';
import { ConfigError } from './config-error';
import { EnvironmentSchema, type Environment } from './environment.schema';

export interface AgentPulseConfig {
  dataDir: string;
  host: string;
  logLevel: Environment['LOG_LEVEL'];
  ports: { ingest: number; gateway: number; aggregator: number };
  kafka: {
    /** undefined → start a local broker */
    brokers?: string[];
    topic: string;
    partitions: number;
    consumerGroup: string;
    clientId: string;
  };
  clickhouse: {
    /** undefined → embedded chDB under `<dataDir>/clickhouse` */
    url?: string;
    user?: string;
    password?: string;
    database: string;
  };
  redis: { /** undefined → start a local redis-server */ url?: string };
  ingest: {
    bodyLimitBytes: number;
    maxEventsPerRequest: number;
    rateLimitPerMinute: number;
    publishTimeoutMs: number;
  };
  gateway: { rateLimitPerMinute: number; idleGapMs: number; cacheBytes: number };
  /** a JSON file of file-risk rules replacing the defaults (libs/risk) */
  riskRulesFile?: string;
  live: { coalesceMs: number };
  apiKeys: ApiKeyRegistry;
  /** set when no keys were configured and a local development key is in use (print it) */
  devApiKey?: string;
}

/** Reads and validates the environment. Throws {@link ConfigError} naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AgentPulseConfig {
  const parsed = EnvironmentSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(issuesOf(parsed.error));
  const e = parsed.data;
  const dataDir = resolve(e.AGENTPULSE_DATA_DIR);
  const { entries, devApiKey } = readApiKeys(e, dataDir, env.NODE_ENV === 'production');
  return {
    dataDir,
    host: e.AGENTPULSE_HOST,
    logLevel: e.LOG_LEVEL,
    ports: { ingest: e.INGEST_PORT, gateway: e.GATEWAY_PORT, aggregator: e.AGGREGATOR_PORT },
    kafka: {
      brokers: e.KAFKA_BROKERS?.split(','),
      topic: e.KAFKA_TOPIC,
      partitions: e.KAFKA_PARTITIONS,
      consumerGroup: e.KAFKA_CONSUMER_GROUP,
      clientId: e.KAFKA_CLIENT_ID,
    },
    clickhouse: {
      url: e.CLICKHOUSE_URL,
      user: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
      database: e.CLICKHOUSE_DATABASE,
    },
    redis: { url: e.REDIS_URL },
    ingest: {
      bodyLimitBytes: e.INGEST_BODY_LIMIT_BYTES,
      maxEventsPerRequest: e.INGEST_MAX_EVENTS_PER_REQUEST,
      rateLimitPerMinute: e.INGEST_RATE_LIMIT_PER_MINUTE,
      publishTimeoutMs: e.INGEST_PUBLISH_TIMEOUT_MS,
    },
    gateway: {
      rateLimitPerMinute: e.GATEWAY_RATE_LIMIT_PER_MINUTE,
      idleGapMs: e.IDLE_GAP_MS,
      cacheBytes: e.GATEWAY_CACHE_MB * 1024 * 1024,
    },
    riskRulesFile: e.AGENTPULSE_RISK_RULES_FILE,
    live: { coalesceMs: e.LIVE_COALESCE_MS },
    apiKeys: new ApiKeyRegistry(entries),
    devApiKey,
  };
}

function issuesOf(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('');
    const name = prefix ? `${prefix}${path}` : path.replace(/^\./, '');
    return `${name}: ${issue.message}`;
  });
}

function readApiKeys(
  e: Environment,
  dataDir: string,
  production: boolean,
): { entries: ApiKeyEntry[]; devApiKey?: string } {
  if (e.AGENTPULSE_API_KEYS && e.AGENTPULSE_API_KEYS_FILE) {
    throw new ConfigError([
      'AGENTPULSE_API_KEYS_FILE: set either it or AGENTPULSE_API_KEYS, not both',
    ]);
  }
  if (e.AGENTPULSE_API_KEYS)
    return { entries: parseKeys('AGENTPULSE_API_KEYS', e.AGENTPULSE_API_KEYS) };
  if (e.AGENTPULSE_API_KEYS_FILE) {
    let text: string;
    try {
      text = readFileSync(e.AGENTPULSE_API_KEYS_FILE, 'utf8');
    } catch (error) {
      throw new ConfigError([
        `AGENTPULSE_API_KEYS_FILE: cannot read ${e.AGENTPULSE_API_KEYS_FILE} (${(error as Error).message})`,
      ]);
    }
    return { entries: parseKeys('AGENTPULSE_API_KEYS_FILE', text) };
  }
  if (production) {
    throw new ConfigError([
      'AGENTPULSE_API_KEYS: required when NODE_ENV=production (or AGENTPULSE_API_KEYS_FILE)',
    ]);
  }
  const devApiKey = localDevelopmentKey(dataDir);
  return {
    entries: [{ key: devApiKey, project: 'default', scopes: ['ingest', 'read'] }],
    devApiKey,
  };
}

function parseKeys(variable: string, text: string): ApiKeyEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${variable}: not valid JSON (${(error as Error).message})`]);
  }
  const parsed = ApiKeyListSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(issuesOf(parsed.error, variable));
  return parsed.data;
}

/** The development key of a local data dir: created once, kept readable only by its owner. */
function localDevelopmentKey(dataDir: string): string {
  const file = join(dataDir, 'dev-api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = generateApiKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
