export * from './event-log-producer';
export * from './kafka-client';
export * from './partition-batch-consumer';
export * from './batch-coalescer';
