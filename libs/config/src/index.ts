export * from './api-keys';
export * from './config-error';
export * from './environment.schema';
export * from './load-config';
