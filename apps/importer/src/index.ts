export * from './import-source';
