export * from './event-definitions';
export * from './event-validator';
export * from './normalised-event';
export * from './producer-json-schema';
export * from './timestamps';
