interface Stoppable {
  stop(): Promise<void>;
}

export default async function globalTeardown(): Promise<void> {
  const infra = (globalThis as { __apInfra?: { kafka: Stoppable; redis: Stoppable } }).__apInfra;
  await Promise.all([infra?.kafka.stop(), infra?.redis.stop()]);
}
