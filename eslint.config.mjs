import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// apps/cli is the composition root (type:root): the only project that may import apps, and only
// their entry points (start functions, runImport). Services never import each other;
// libs/schema imports nothing internal; the dashboard (scope:browser) runs in the browser and
// imports no internal project at all.
const boundaries = (allow) => ({
  allow,
  depConstraints: [
    { sourceTag: 'type:root', onlyDependOnLibsWithTags: ['type:app', 'type:lib'] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'scope:schema', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:schema'] },
    { sourceTag: 'scope:browser', onlyDependOnLibsWithTags: [] },
  ],
});

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'data/', '.local/', '.nx/', 'coverage/', 'artifacts/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries([])],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['apps/cli/src/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        boundaries([
          '@agentpulse/ingest',
          '@agentpulse/aggregator',
          '@agentpulse/gateway',
          '@agentpulse/importer',
        ]),
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'tests/**/*.ts', 'bench/**/*.ts', 'libs/test-support/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        URL: 'readonly',
      },
    },
  },
  prettier,
);
