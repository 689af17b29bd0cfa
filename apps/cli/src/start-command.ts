import { startAgentPulse } from './agentpulse-runtime';
import { servicesOf, type Target } from './service-targets';

/** `agentpulse start [target]`: runs until SIGINT/SIGTERM, then shuts down in order. */
export async function startCommand(target: Target): Promise<void> {
  const runtime = await startAgentPulse({ target });
  const { config, services } = runtime;
  const lines = [``, `AgentPulse is running (${target === 'all' ? 'all-in-one' : target})`];
  for (const name of servicesOf(target))
    lines.push(`  ${name.padEnd(10)} http://${config.host}:${services[name]?.port}`);
  if (services.gateway) {
    lines.push(`  live       ws://${config.host}:${services.gateway.port}/live (socket.io)`);
    lines.push(
      `  dashboard  http://${config.host}:${services.gateway.port}/ (sign in with a read key)`,
    );
  }
  lines.push(`  kafka      ${config.kafka.brokers.join(',')}   redis ${config.redis.url}`);
  lines.push(
    `  clickhouse ${config.clickhouse.url ?? `embedded (chDB) in ${config.dataDir}/clickhouse`}`,
  );
  if (config.devApiKey) {
    // Printed to the terminal on purpose (CONTRACT.md: local runs print their key); never logged.
    lines.push(
      ``,
      `  development API key (project "default", scopes ingest+read):`,
      `    ${config.devApiKey}`,
    );
    lines.push(
      `  try: curl -H "Authorization: Bearer ${config.devApiKey}" http://${config.host}:${services.gateway?.port ?? config.ports.gateway}/readyz`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\nCtrl-C stops everything.\n`);

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      runtime.logger.warn({ signal }, 'second signal: exiting without a clean shutdown');
      process.exit(130);
    }
    runtime.logger.info({ signal }, 'shutting down');
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        runtime.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
