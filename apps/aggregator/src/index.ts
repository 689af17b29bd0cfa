export { startAggregator } from './start-aggregator';
