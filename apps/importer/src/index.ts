export * from './import-source';
export { IMPORT_SOURCES } from './sources';
export { runImport, defaultCheckpointDir, type ImportOptions } from './import-driver';
export { formatSummary, formatRejection, type ImportSummary } from './import-summary';
export { ImportSetupError, IngestRefusedError, IngestUnavailableError } from './import-errors';
export { checkpointFile, type ImportCheckpoint, type FileCheckpoint } from './checkpoint-store';
