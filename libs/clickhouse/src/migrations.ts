import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
  checksum: string;
}

const MIGRATIONS_DIR = join(__dirname, 'migrations');
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.up\.sql$/;

/** Reads `migrations/NNNN_name.up.sql` in order, with `{{db}}` replaced by the database. */
export function loadMigrations(database: string, dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => FILE_PATTERN.test(file))
    .sort()
    .map((file) => {
      const [, version, name] = FILE_PATTERN.exec(file) as RegExpExecArray;
      const text = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(version),
        name,
        checksum: createHash('sha256').update(text).digest('hex').slice(0, 16),
        statements: splitStatements(text.replaceAll('{{db}}', database)),
      };
    });
}

function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order. Every statement is
 * idempotent (IF NOT EXISTS), so two services migrating at once, or a crash half-way, end in
 * the same schema.
 */
export async function migrate(
  client: ClickHouseClient,
  database: string,
  log: (message: string) => void = () => undefined,
): Promise<Migration[]> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations
      (version UInt32, name String, checksum String, applied_at DateTime DEFAULT now())
      ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const applied = await client.query({
    query: `SELECT version FROM ${database}.schema_migrations FINAL`,
    format: 'JSONEachRow',
  });
  const done = new Set(
    (await applied.json<{ version: number }>()).map((row) => Number(row.version)),
  );
  const pending = loadMigrations(database).filter((m) => !done.has(m.version));
  for (const migration of pending) {
    log(`applying migration ${migration.version} ${migration.name}`);
    for (const statement of migration.statements) {
      await client.command({ query: statement });
    }
    await client.insert({
      table: `${database}.schema_migrations`,
      values: [{ version: migration.version, name: migration.name, checksum: migration.checksum }],
      format: 'JSONEachRow',
    });
  }
  return pending;
}
