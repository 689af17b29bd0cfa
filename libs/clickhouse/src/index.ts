export * from './clickhouse-client';
export * from './event-rows';
export * from './event-store';
export * from './migrations';
