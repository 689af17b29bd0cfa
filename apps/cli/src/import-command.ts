import {
  ImportSetupError,
  IngestRefusedError,
  formatSummary,
  runImport,
  type SourceName,
} from '@agentpulse/importer';

export interface ImportCommandOptions {
  watch?: boolean;
  url: string;
  key?: string;
  checkpointDir?: string;
}

/** Exit codes: 2 for a command that cannot start (usage, missing key), 1 for a failed import. */
const USAGE_ERROR = 2;
const FAILED = 1;

/**
 * `agentpulse import <source> <path>`: runs the import in this process, with the progress bar on
 * stderr and the summary on stdout. SIGINT/SIGTERM stop it cleanly (flush, checkpoint, summary,
 * exit 0); a second signal exits at once.
 */
export async function importCommand(
  source: SourceName,
  path: string,
  options: ImportCommandOptions,
): Promise<void> {
  const apiKey = options.key ?? process.env.AGENTPULSE_API_KEY;
  if (!apiKey) {
    process.stderr.write(
      'agentpulse import: an API key is required: pass --key <key> or set AGENTPULSE_API_KEY\n',
    );
    process.exitCode = USAGE_ERROR;
    return;
  }
  const controller = new AbortController();
  const stop = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('agentpulse import: stopping (flushing and writing the checkpoint)…\n');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const summary = await runImport({
      source,
      path,
      ingestUrl: options.url,
      apiKey,
      watch: options.watch,
      checkpointDir: options.checkpointDir,
      signal: controller.signal,
    });
    process.stdout.write(formatSummary(summary));
  } catch (error) {
    process.stderr.write(`agentpulse import: ${(error as Error).message}\n`);
    process.exitCode =
      error instanceof ImportSetupError || error instanceof IngestRefusedError
        ? USAGE_ERROR
        : FAILED;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
