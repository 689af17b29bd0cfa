import { ChangeFeed } from '@agentpulse/change-feed';
import {
  assertClickHouseReachable,
  clickHouseFor,
  closeClickHouse,
  EventStore,
  migrate,
} from '@agentpulse/clickhouse';
import { createKafka, ensureTopic, PartitionBatchConsumer } from '@agentpulse/kafka';
import {
  createHttpApp,
  listen,
  type RunningService,
  type ServiceContext,
} from '@agentpulse/service-kit';
import { AggregatorModule } from './aggregator.module';
import { eventStoreSink } from './event-store.sink';

/** Starts the aggregator: consumer group → ClickHouse, health and metrics on AGGREGATOR_PORT. */
export async function startAggregator({
  config,
  logger: root,
}: ServiceContext): Promise<RunningService> {
  const logger = root.child({ service: 'aggregator' });
  const clickhouse = clickHouseFor(config.clickhouse, config.dataDir);
  await migrate(clickhouse, config.clickhouse.database, (message) => logger.info(message));
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-aggregator` },
    logger,
  );
  await ensureTopic(kafka, config.kafka.topic, config.kafka.partitions);
  const changes = new ChangeFeed(config.redis.url);
  const consumer = new PartitionBatchConsumer(kafka, {
    topic: config.kafka.topic,
    groupId: config.kafka.consumerGroup,
    // Every partition this member owns may be in hand at once; their batches are stored
    // together, one lookup and one INSERT per table for all of them (see eventStoreSink).
    partitionsConsumedConcurrently: config.kafka.partitions,
  });
  const store = new EventStore(clickhouse, config.clickhouse.database);
  await consumer.start(eventStoreSink(store, changes, logger));

  const admin = kafka.admin();
  const app = await createHttpApp(
    AggregatorModule.register([
      { name: 'clickhouse', check: () => assertClickHouseReachable(clickhouse) },
      {
        name: 'kafka',
        check: async () => {
          await admin.connect();
          await admin.describeGroups([config.kafka.consumerGroup]);
        },
      },
      { name: 'redis', check: () => changes.ping() },
    ]),
    { logger, apiKeys: config.apiKeys },
  );
  const port = await listen(app, config.host, config.ports.aggregator);
  logger.info({ port, group: config.kafka.consumerGroup }, 'aggregator consuming');
  let stopped: Promise<void> | undefined;
  return {
    name: 'aggregator',
    port,
    stop: () =>
      (stopped ??= (async () => {
        await app.close();
        await consumer.stop();
        await admin.disconnect();
        await changes.close();
        await closeClickHouse(clickhouse);
      })()),
  };
}
