import { join } from 'node:path';
import type { AgentPulseConfig } from '@agentpulse/config';
import { startLocalKafka, startLocalRedis, type LocalInfraLog } from '@agentpulse/local-infra';
import type { Logger } from '@agentpulse/observability';
import type { ResolvedConfig } from '@agentpulse/service-kit';

export interface LocalDependencies {
  config: ResolvedConfig;
  /** stops what was started here (nothing when everything was configured) */
  stop(): Promise<void>;
}

/**
 * Fills in Kafka and Redis: the configured ones, or a broker and a redis-server started under
 * the data dir (kept across restarts, so offsets and jobs survive them).
 */
export async function resolveLocalDependencies(
  config: AgentPulseConfig,
  logger: Logger,
): Promise<LocalDependencies> {
  const log: LocalInfraLog = {
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
  };
  const stops: Array<() => Promise<void>> = [];
  try {
    let brokers = config.kafka.brokers;
    if (!brokers) {
      logger.info('KAFKA_BROKERS is not set: starting a local Kafka broker');
      const kafka = await startLocalKafka({
        dataDir: join(config.dataDir, 'kafka'),
        partitions: config.kafka.partitions,
        log,
      });
      stops.push(() => kafka.stop());
      brokers = kafka.brokers;
    }
    let redisUrl = config.redis.url;
    if (!redisUrl) {
      logger.info('REDIS_URL is not set: starting a local redis-server');
      const redis = await startLocalRedis({
        dataDir: join(config.dataDir, 'redis'),
        persist: true,
        log,
      });
      stops.push(() => redis.stop());
      redisUrl = redis.url;
    }
    return {
      config: { ...config, kafka: { ...config.kafka, brokers }, redis: { url: redisUrl } },
      stop: async () => {
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
}
