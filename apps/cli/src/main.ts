import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '@agentpulse/config';
import { SOURCE_NAMES, type SourceName } from '@agentpulse/importer';
import type { ImportCommandOptions } from './import-command';
import { TARGETS, type Target } from './target-names';

function parseTarget(value: string): Target {
  if (!(TARGETS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${TARGETS.join(', ')}`);
  }
  return value as Target;
}

function parseSource(value: string): SourceName {
  if (!(SOURCE_NAMES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${SOURCE_NAMES.join(', ')}`);
  }
  return value as SourceName;
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
  .action((target: Target) =>
    import('./start-command.js').then(({ startCommand }) => startCommand(target)).catch(fail),
  );

program
  .command('migrate')
  .description('apply pending ClickHouse migrations and exit')
  .action(() =>
    import('./migrate-command.js').then(({ migrateCommand }) => migrateCommand()).catch(fail),
  );

program
  .command('import')
  .description('send a local session store through ingest; re-running never double counts')
  .argument('<source>', `one of ${SOURCE_NAMES.join(', ')}`, parseSource)
  .argument('<path>', 'the store, e.g. ~/.claude/projects, ~/.codex/sessions')
  .option('--watch', 'keep following new lines and files until interrupted')
  .option('--url <url>', 'ingest base URL', 'http://127.0.0.1:8081')
  .option('--key <key>', 'API key with the ingest scope (default: $AGENTPULSE_API_KEY)')
  .option(
    '--checkpoint-dir <dir>',
    'where progress is kept (default: $AGENTPULSE_DATA_DIR/imports)',
  )
  .action((source: SourceName, path: string, options: ImportCommandOptions) =>
    import('./import-command.js')
      .then(({ importCommand }) => importCommand(source, path, options))
      .catch(fail),
  );

program.parseAsync(process.argv).catch(fail);
