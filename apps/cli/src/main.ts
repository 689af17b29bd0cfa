import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '@agentpulse/config';
import { migrateCommand } from './migrate-command';
import { TARGETS, type Target } from './service-targets';
import { startCommand } from './start-command';

function parseTarget(value: string): Target {
  if (!(TARGETS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${TARGETS.join(', ')}`);
  }
  return value as Target;
}

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`agentpulse: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`agentpulse: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
}

const program = new Command('agentpulse')
  .description('Realtime analytics for AI coding-agent sessions (see README.md)')
  .showHelpAfterError();

program
  .command('start')
  .description('run the pipeline: all services in one process (default) or one of them')
  .argument('[target]', `one of ${TARGETS.join(', ')}`, parseTarget, 'all')
  .action((target: Target) => startCommand(target).catch(fail));

program
  .command('migrate')
  .description('apply pending ClickHouse migrations and exit')
  .action(() => migrateCommand().catch(fail));

program.parseAsync(process.argv).catch(fail);
