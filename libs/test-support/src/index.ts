export * from './seeded-random';
export * from './session-generator';
export * from './summary-ground-truth';
export * from './world-generator';
export * from './kpi-ground-truth';
export * from './ops-world';
export * from './ops-ground-truth';
export * from './session-views-ground-truth';
