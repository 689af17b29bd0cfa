import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

const keys = JSON.stringify([{ key: 'k'.repeat(20), project: 'alpha', scopes: ['read'] }]);

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig({ AGENTPULSE_API_KEYS: keys });
    expect(config.ports).toEqual({ ingest: 8081, gateway: 8080, aggregator: 8082 });
    expect(config.kafka.brokers).toBeUndefined();
    expect(config.clickhouse.url).toBeUndefined();
    expect(config.devApiKey).toBeUndefined();
  });

  it('names each wrong variable', () => {
    const found = problems({
      AGENTPULSE_API_KEYS: keys,
      INGEST_PORT: 'eighty',
      KAFKA_BROKERS: 'localhost',
      CLICKHOUSE_URL: 'not a url',
      CLICKHOUSE_DATABASE: 'drop table;',
    });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'CLICKHOUSE_DATABASE',
      'CLICKHOUSE_URL',
      'INGEST_PORT',
      'KAFKA_BROKERS',
    ]);
  });

  it('explains bad key lists down to the field', () => {
    expect(problems({ AGENTPULSE_API_KEYS: '[{"key":"short","project":"a"}]' })).toEqual([
      'AGENTPULSE_API_KEYS[0].key: must be at least 16 characters',
    ]);
    expect(problems({ AGENTPULSE_API_KEYS: '{' })[0]).toMatch(
      /^AGENTPULSE_API_KEYS: not valid JSON/,
    );
    expect(problems({ NODE_ENV: 'production' })[0]).toMatch(/^AGENTPULSE_API_KEYS: required/);
  });

  it('reads keys from a file and authenticates by hash only', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ap-cfg-')), 'keys.json');
    writeFileSync(file, keys);
    const config = loadConfig({ AGENTPULSE_API_KEYS_FILE: file });
    const principal = config.apiKeys.authenticate('k'.repeat(20));
    expect(principal?.project).toBe('alpha');
    expect([...(principal?.scopes ?? [])]).toEqual(['read']);
    expect(JSON.stringify(principal)).not.toContain('kkkk');
    expect(config.apiKeys.authenticate('x'.repeat(20))).toBeUndefined();
  });

  it('creates one development key per data dir and reuses it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ap-data-'));
    const first = loadConfig({ AGENTPULSE_DATA_DIR: dataDir });
    const second = loadConfig({ AGENTPULSE_DATA_DIR: dataDir });
    expect(first.devApiKey).toBeDefined();
    expect(second.devApiKey).toBe(first.devApiKey);
    expect(readFileSync(join(dataDir, 'dev-api-key'), 'utf8').trim()).toBe(first.devApiKey);
    expect(first.apiKeys.authenticate(first.devApiKey)?.project).toBe('default');
  });
});
