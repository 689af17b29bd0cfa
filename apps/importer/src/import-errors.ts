/**
 * Ingest refused the API key (401) or its scope (403): nothing more can be sent, so the import
 * stops at once. The message never contains the key.
 */
export class IngestRefusedError extends Error {
  constructor(readonly status: number) {
    super(
      status === 401
        ? 'ingest refused the API key (401): check --key or AGENTPULSE_API_KEY'
        : 'ingest refused the API key (403): the key needs the ingest scope',
    );
    this.name = 'IngestRefusedError';
  }
}

/** Ingest could not take a batch even after retries (down, overloaded, or it refused it). */
export class IngestUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestUnavailableError';
  }
}

/** The import cannot start: unknown source, unreadable root, bad options. */
export class ImportSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportSetupError';
  }
}
