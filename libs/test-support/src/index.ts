export * from './seeded-random';
export * from './session-generator';
export * from './summary-ground-truth';
