import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import {
  ServiceStartError,
  startLocalKafka,
  startLocalRedis,
  type LocalKafka,
  type LocalRedis,
} from '@agentpulse/local-infra';

const TOPIC = 'local-infra-spec';

function kafkaClient(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'local-infra-spec', brokers, logLevel: logLevel.NOTHING });
}

async function readFirstMessage(kafka: Kafka): Promise<string | undefined> {
  const consumer = kafka.consumer({ groupId: `local-infra-spec-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    return await new Promise<string | undefined>((resolve, reject) => {
      consumer
        .run({ eachMessage: async ({ message }) => resolve(message.value?.toString()) })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startLocalKafka', () => {
  let dataDir: string;
  let broker: LocalKafka | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'local-kafka-spec-'));
  });

  afterAll(async () => {
    await broker?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs a real broker whose data survives a restart on the same dataDir', async () => {
    broker = await startLocalKafka({ dataDir, partitions: 1 });
    const firstBrokers = broker.brokers;
    expect(firstBrokers).toEqual([expect.stringMatching(/^127\.0\.0\.1:\d+$/)]);

    const kafka = kafkaClient(broker.brokers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: TOPIC, numPartitions: 1 }],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: 'k', value: 'kept' }] });
    await producer.disconnect();
    expect(await readFirstMessage(kafka)).toBe('kept');

    await broker.stop();
    await broker.stop();
    broker = await startLocalKafka({ dataDir });
    // ports.json makes the restarted broker reuse its port, so configured clients keep working.
    expect(broker.brokers).toEqual(firstBrokers);
    expect(await readFirstMessage(kafkaClient(broker.brokers))).toBe('kept');

    await broker.stop();
    broker = undefined;
  });
});

describe('startLocalRedis', () => {
  let dataDir: string;
  let redis: LocalRedis | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'local-redis-spec-'));
  });

  afterAll(async () => {
    await redis?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves SET/GET and closes its port on stop', async () => {
    redis = await startLocalRedis({ dataDir });
    const port = Number(new URL(redis.url).port);
    const client = new Redis(redis.url);
    await client.set('greeting', 'hello');
    expect(await client.get('greeting')).toBe('hello');
    client.disconnect();

    await redis.stop();
    await redis.stop();
    expect(await portAcceptsConnections(port)).toBe(false);
  });

  it('refuses a port that is already taken, saying which', async () => {
    redis = await startLocalRedis({ dataDir });
    const port = Number(new URL(redis.url).port);
    await expect(startLocalRedis({ dataDir, port })).rejects.toThrow(ServiceStartError);
    await expect(startLocalRedis({ dataDir, port })).rejects.toThrow(`port ${port}`);
  });
});
