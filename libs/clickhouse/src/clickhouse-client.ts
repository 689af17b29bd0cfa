import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

export type { ClickHouseClient } from '@clickhouse/client';

export interface ClickHouseSettings {
  /** a server's HTTP URL; undefined → embedded chDB under `<dataDir>/clickhouse` */
  url?: string;
  user?: string;
  password?: string;
  database: string;
}

type EmbeddedConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

const embedded = new Map<string, ClickHouseClient>();

/**
 * The same `@clickhouse/client` API against a server or the embedded engine. chDB binds one
 * data directory per process, so every service in an all-in-one process shares one embedded
 * client per directory; callers therefore never close it themselves (see closeClickHouse).
 */
export function clickHouseFor(settings: ClickHouseSettings, dataDir: string): ClickHouseClient {
  if (settings.url) {
    return createClient({
      url: settings.url,
      username: settings.user,
      password: settings.password,
      request_timeout: 30_000,
    });
  }
  const path = join(dataDir, 'clickhouse');
  let client = embedded.get(path);
  if (!client) {
    mkdirSync(path, { recursive: true });
    // chdb types its connection against @clickhouse/client-common while the client bundles
    // its own copy of those types; the shapes are the same at runtime (PLATFORM.md).
    const connection = createChdbConnection({ path }) as unknown as EmbeddedConnection;
    client = createClient({ connection });
    embedded.set(path, client);
  }
  return client;
}

/** Closes a client unless it is the process-wide embedded one (closed by closeEmbeddedClickHouse). */
export async function closeClickHouse(client: ClickHouseClient): Promise<void> {
  if ([...embedded.values()].includes(client)) return;
  await client.close();
}

/** Last step of shutdown: closes the embedded engines this process opened. */
export async function closeEmbeddedClickHouse(): Promise<void> {
  const clients = [...embedded.values()];
  embedded.clear();
  await Promise.all(clients.map((client) => client.close()));
}

/** Throws when the engine does not answer; `ping()` alone reports failure without throwing. */
export async function assertClickHouseReachable(client: ClickHouseClient): Promise<void> {
  const result = await client.ping();
  if (!result.success) throw result.error;
}

/**
 * Runs a SELECT and returns its rows as objects, with 64-bit integers as JSON numbers (counts
 * and sums here stay far below 2^53).
 */
export async function queryRows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const result = await client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return result.json<T>();
}
