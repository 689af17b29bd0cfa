export { startIngest } from './start-ingest';
