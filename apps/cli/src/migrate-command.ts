import {
  clickHouseFor,
  closeClickHouse,
  closeEmbeddedClickHouse,
  migrate,
} from '@agentpulse/clickhouse';
import { loadConfig } from '@agentpulse/config';

/** `agentpulse migrate`: applies pending ClickHouse migrations and exits. */
export async function migrateCommand(): Promise<void> {
  const config = loadConfig();
  const client = clickHouseFor(config.clickhouse, config.dataDir);
  try {
    const applied = await migrate(client, config.clickhouse.database, (m) =>
      process.stdout.write(`${m}\n`),
    );
    process.stdout.write(
      applied.length === 0 ? 'schema is up to date\n' : `applied ${applied.length} migration(s)\n`,
    );
  } finally {
    await closeClickHouse(client);
    await closeEmbeddedClickHouse();
  }
}
