export * from './api-key.guard';
export * from './http-app';
export * from './http-error.filter';
export * from './service-context';
