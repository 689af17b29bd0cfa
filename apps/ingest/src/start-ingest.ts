import { loadRiskRules, RiskClassifier } from '@agentpulse/risk';
import { createKafka, ensureTopic, EventLogProducer } from '@agentpulse/kafka';
import { ModelPriceTable } from '@agentpulse/pricing';
import {
  createHttpApp,
  listen,
  type RunningService,
  type ServiceContext,
} from '@agentpulse/service-kit';
import { EventIntake } from './event-intake';
import { limitGitlabBodies } from './gitlab/gitlab-body-limit';
import { IngestModule } from './ingest.module';
import { mapIngestError } from './ingest-errors';
import { acceptNdjson } from './ndjson-content-type';
import { acceptOtlp } from './otlp/otlp-http';

/** Starts ingest: HTTP intake on INGEST_PORT, publishing to the event log. */
export async function startIngest({
  config,
  logger: root,
}: ServiceContext): Promise<RunningService> {
  const logger = root.child({ service: 'ingest' });
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-ingest` },
    logger,
  );
  await ensureTopic(kafka, config.kafka.topic, config.kafka.partitions);
  const eventLog = new EventLogProducer(kafka, config.kafka.topic, config.ingest.publishTimeoutMs);
  await eventLog.connect();
  const admin = kafka.admin();
  const module = IngestModule.register({
    apiKeys: config.apiKeys,
    intake: new EventIntake(
      new ModelPriceTable(),
      new RiskClassifier(loadRiskRules(config.riskRulesFile)),
      config.ingest.maxEventsPerRequest,
    ),
    eventLog,
    readiness: [
      {
        name: 'kafka',
        check: async () => {
          await admin.connect();
          await admin.fetchTopicMetadata({ topics: [config.kafka.topic] });
        },
      },
    ],
  });
  const app = await createHttpApp(module, {
    logger,
    apiKeys: config.apiKeys,
    bodyLimitBytes: config.ingest.bodyLimitBytes,
    rateLimitPerMinute: config.ingest.rateLimitPerMinute,
    mapError: mapIngestError,
  });
  acceptNdjson(app);
  limitGitlabBodies(app);
  await acceptOtlp(app);
  const port = await listen(app, config.host, config.ports.ingest);
  logger.info({ port }, 'ingest listening');
  let stopped: Promise<void> | undefined;
  return {
    name: 'ingest',
    port,
    stop: () =>
      (stopped ??= (async () => {
        await app.close();
        await eventLog.disconnect();
        await admin.disconnect();
      })()),
  };
}
