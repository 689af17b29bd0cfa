// Two projects: `unit` (pure logic beside the code, *.spec.ts) and `e2e` (tests/, against a real
// Kafka broker, ClickHouse engine and Redis started by tests/support/global-setup.ts).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

// ESM-only packages reached through CommonJS ones (@fastify/static, for the gateway's /docs):
// Node runs them with require(esm); Jest needs them compiled to CommonJS.
const esmOnly = ['content-disposition'];
const swcEsm = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'ecmascript' } }, module: { type: 'commonjs' } },
];

const shared = {
  transform: {
    '^.+\\.ts$': swc,
    [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: swcEsm,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper: {
    '^@agentpulse/(ingest|aggregator|gateway|importer|cli)$': '<rootDir>/apps/$1/src/index.ts',
    '^@agentpulse/(.*)$': '<rootDir>/libs/$1/src/index.ts',
  },
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      setupFilesAfterEnv: ['<rootDir>/tests/support/e2e-timeout.ts'],
      testMatch: ['<rootDir>/tests/**/*.e2e.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
    },
  ],
};
