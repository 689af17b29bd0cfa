export * from './message-cost';
export * from './model-prices';
