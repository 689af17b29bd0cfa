export { ensurePrerequisites, type Prerequisite } from './prerequisites';
export { startLocalKafka, type LocalKafka, type LocalKafkaOptions } from './kafka-broker';
export { startLocalRedis, type LocalRedis, type LocalRedisOptions } from './redis-server';
export { PrerequisiteMissingError, ServiceStartError } from './local-infra-errors';
export { silentLog, type LocalInfraLog } from './local-infra-log';
export { findFreePort } from './free-port';
