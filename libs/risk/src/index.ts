export * from './risk-classifier';
export * from './risk-rules';
