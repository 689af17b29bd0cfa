import { ChangeFeed } from '@agentpulse/change-feed';
import {
  assertClickHouseReachable,
  clickHouseFor,
  closeClickHouse,
  migrate,
} from '@agentpulse/clickhouse';
import {
  createHttpApp,
  listen,
  type RunningService,
  type ServiceContext,
} from '@agentpulse/service-kit';
import { serveDashboard } from './dashboard-assets';
import { GatewayModule } from './gateway.module';
import { serveOpenApi } from './openapi';
import { ResponseCache } from './response-cache';
import { LiveSubscriptions } from './live/live-subscriptions';
import { RedisIoAdapter } from './live/redis-io-adapter';
import { LiveGlobalQuery } from './queries/live-global.query';
import { DailyStatsQuery } from './queries/daily-stats.query';
import { EndpointMonitoringQuery } from './queries/endpoint-monitoring.query';
import { PipelinesQuery } from './queries/pipelines.query';
import { SessionListQuery } from './queries/session-list.query';
import { SessionSummaryQuery } from './queries/session-summary.query';

/** Starts the gateway: HTTP queries, socket.io `/live` and the dashboard page on GATEWAY_PORT. */
export async function startGateway({
  config,
  logger: root,
}: ServiceContext): Promise<RunningService> {
  const logger = root.child({ service: 'gateway' });
  const clickhouse = clickHouseFor(config.clickhouse, config.dataDir);
  await migrate(clickhouse, config.clickhouse.database, (message) => logger.info(message));
  const summaries = new SessionSummaryQuery(
    clickhouse,
    config.clickhouse.database,
    config.gateway.idleGapMs,
  );
  const daily = new DailyStatsQuery(clickhouse, config.clickhouse.database);
  const sessions = new SessionListQuery(clickhouse, config.clickhouse.database);
  const pipelines = new PipelinesQuery(clickhouse, config.clickhouse.database);
  const monitoring = new EndpointMonitoringQuery(clickhouse, config.clickhouse.database);
  const changes = new ChangeFeed(config.redis.url);
  // Gateways reading the same database serve the same clients: they share claims and rooms.
  const cluster = `agentpulse:live:${config.clickhouse.database}`;
  const live = new LiveSubscriptions(
    summaries,
    new LiveGlobalQuery(
      clickhouse,
      config.clickhouse.database,
      daily,
      pipelines,
      monitoring,
      config.gateway.idleGapMs,
    ),
    { claim: (key, ttlMs) => changes.claim(`${cluster}:${key}`, ttlMs) },
    config.live.coalesceMs,
    logger,
  );
  await changes.subscribe((notice) => live.onChange(notice));

  const app = await createHttpApp(
    GatewayModule.register({
      apiKeys: config.apiKeys,
      queries: [summaries, sessions, daily, pipelines, monitoring],
      cache: new ResponseCache(changes, config.gateway.cacheBytes),
      live,
      readiness: [
        { name: 'clickhouse', check: () => assertClickHouseReachable(clickhouse) },
        { name: 'redis', check: () => changes.ping() },
      ],
    }),
    { logger, apiKeys: config.apiKeys, rateLimitPerMinute: config.gateway.rateLimitPerMinute },
  );
  const sockets = new RedisIoAdapter(app, config.redis.url, cluster);
  app.useWebSocketAdapter(sockets);
  serveOpenApi(app);
  await serveDashboard(app);
  const port = await listen(app, config.host, config.ports.gateway);
  logger.info({ port }, 'gateway listening');
  let stopped: Promise<void> | undefined;
  return {
    name: 'gateway',
    port,
    stop: () =>
      (stopped ??= (async () => {
        live.close();
        await app.close();
        await sockets.closeRedis();
        await changes.close();
        await closeClickHouse(clickhouse);
      })()),
  };
}
