import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startAgentPulse, type AgentPulseRuntime } from '@agentpulse/cli';

/** API keys of the e2e projects: alpha and beta (full), alpha-ingest (ingest only). */
export const KEYS = {
  alpha: 'alpha-key-0123456789abcdef',
  beta: 'beta-key-0123456789abcdef',
  alphaIngestOnly: 'alpha-ingest-0123456789ab',
  alphaReadOnly: 'alpha-read-0123456789abcd',
} as const;

/** The full-scope key of an e2e project (alpha or beta). */
export const keyOf = (project: string): string => (project === 'alpha' ? KEYS.alpha : KEYS.beta);

/** GitLab webhook secret tokens (`X-Gitlab-Token`) of the e2e projects. */
export const GITLAB_TOKENS = {
  alpha: 'alpha-gitlab-token-0123456789',
  beta: 'beta-gitlab-token-0123456789',
} as const;

const API_KEYS = JSON.stringify([
  {
    key: KEYS.alpha,
    project: 'alpha',
    scopes: ['ingest', 'read'],
    gitlab_token: GITLAB_TOKENS.alpha,
  },
  { key: KEYS.beta, project: 'beta', scopes: ['ingest', 'read'], gitlab_token: GITLAB_TOKENS.beta },
  { key: KEYS.alphaIngestOnly, project: 'alpha', scopes: ['ingest'] },
  { key: KEYS.alphaReadOnly, project: 'alpha', scopes: ['read'] },
]);

export interface TestPipeline {
  runtime: AgentPulseRuntime;
  env: NodeJS.ProcessEnv;
  ingestUrl: string;
  gatewayUrl: string;
  aggregatorUrl: string;
  stop(): Promise<void>;
}

/**
 * The all-in-one pipeline in this test process, on the run's broker and Redis, with its own
 * topic, consumer group and ClickHouse database. chDB binds one directory per process, so all
 * suites of one Jest worker share `AGENTPULSE_DATA_DIR` and differ by database.
 */
export function pipelineEnv(suite: string, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const brokers = process.env.AP_E2E_KAFKA_BROKERS;
  const redis = process.env.AP_E2E_REDIS_URL;
  if (!brokers || !redis) throw new Error('the e2e global setup did not run (AP_E2E_* unset)');
  const unique = `${suite}_${Date.now().toString(36)}`;
  return {
    PATH: process.env.PATH,
    AGENTPULSE_API_KEYS: API_KEYS,
    AGENTPULSE_DATA_DIR: join(process.env.AP_E2E_DIR as string, `worker-${process.pid}`),
    KAFKA_BROKERS: brokers,
    REDIS_URL: redis,
    KAFKA_TOPIC: `e2e.${unique}`,
    KAFKA_CONSUMER_GROUP: `e2e-${unique}`,
    CLICKHOUSE_DATABASE: `e2e_${unique}`,
    INGEST_PORT: '0',
    GATEWAY_PORT: '0',
    AGGREGATOR_PORT: '0',
    LOG_LEVEL: process.env.AP_E2E_LOG_LEVEL ?? 'fatal',
    LIVE_COALESCE_MS: '100',
    ...overrides,
  };
}

export async function startPipeline(env: NodeJS.ProcessEnv): Promise<TestPipeline> {
  const runtime = await startAgentPulse({ target: 'all', env, keepEmbeddedEngine: true });
  return {
    runtime,
    env,
    ingestUrl: `http://127.0.0.1:${runtime.services.ingest?.port}`,
    gatewayUrl: `http://127.0.0.1:${runtime.services.gateway?.port}`,
    aggregatorUrl: `http://127.0.0.1:${runtime.services.aggregator?.port}`,
    stop: () => runtime.stop(),
  };
}

/** Resolves once the consumer group has committed every offset of the topic. */
export async function waitForConsumerCatchUp(
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<void> {
  const kafka = new Kafka({
    brokers: (env.KAFKA_BROKERS as string).split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ends = await admin.fetchTopicOffsets(env.KAFKA_TOPIC as string);
      const [committed] = await admin.fetchOffsets({
        groupId: env.KAFKA_CONSUMER_GROUP as string,
        topics: [env.KAFKA_TOPIC as string],
      });
      const behind = ends.some((end) => {
        const done =
          committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        return BigInt(end.high) > 0n && BigInt(done) < BigInt(end.high);
      });
      if (!behind) return;
      if (Date.now() > deadline) throw new Error('the aggregator did not catch up in time');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Rewinds the consumer group to the start of the topic: every batch will be delivered again. */
export async function rewindConsumerGroup(env: NodeJS.ProcessEnv): Promise<void> {
  const kafka = new Kafka({
    brokers: (env.KAFKA_BROKERS as string).split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.resetOffsets({
      groupId: env.KAFKA_CONSUMER_GROUP as string,
      topic: env.KAFKA_TOPIC as string,
      earliest: true,
    });
  } finally {
    await admin.disconnect();
  }
}
