import type { EventInput } from '@agentpulse/schema';
import { Agent, RetryAgent, errors, request, type Dispatcher } from 'undici';
import type { RejectedInput } from './import-source';
import { IngestRefusedError, IngestUnavailableError } from './import-errors';

/** Where an event came from, so that a rejection can be reported as `file:line`. */
export interface EventOrigin {
  file: string;
  line?: number;
}

export interface IngestSenderOptions {
  ingestUrl: string;
  apiKey: string;
  /** events per request; ingest takes up to INGEST_MAX_EVENTS_PER_REQUEST (10 000) */
  maxEvents?: number;
  /** body bytes per request; well under ingest's INGEST_BODY_LIMIT_BYTES (5 MiB) */
  maxBytes?: number;
  /** requests in flight at once */
  inFlight?: number;
  /** retries of one request on network errors, 429 and 503 (Retry-After honoured) */
  maxRetries?: number;
  /** called once per acknowledged request */
  onAck?: (accepted: number, rejected: RejectedInput[]) => void;
}

interface Batch {
  parts: string[];
  origins: EventOrigin[];
  bytes: number;
}

interface RejectedEvent {
  index: number;
  errors?: Array<{ path?: string; message?: string }>;
}

const emptyBatch = (): Batch => ({ parts: [], origins: [], bytes: 2 });

/**
 * Sends events to ingest's `POST /v1/events` in bounded batches with a few requests in flight.
 * undici's RetryAgent retries network errors, 429 and 503 with backoff, honouring Retry-After;
 * 401/403 stop everything. Requests finish out of order, so {@link whenAcked} tells the caller
 * when everything pushed before a point has been acknowledged: only then may a checkpoint
 * covering that point be written.
 */
export class IngestSender {
  private readonly dispatcher: Dispatcher;
  private readonly url: string;
  private readonly maxEvents: number;
  private readonly maxBytes: number;
  private readonly inFlight: number;
  private batch = emptyBatch();
  private sealed = 0;
  private acked = 0;
  private readonly done = new Set<number>();
  private readonly running = new Set<Promise<void>>();
  private readonly markers: Array<{ upTo: number; run: () => void }> = [];
  private failure?: Error;

  constructor(private readonly options: IngestSenderOptions) {
    this.url = new URL('/v1/events', options.ingestUrl).toString();
    this.maxEvents = options.maxEvents ?? 1_000;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.inFlight = options.inFlight ?? 4;
    this.dispatcher = new RetryAgent(new Agent({ connections: this.inFlight }), {
      methods: ['POST'],
      statusCodes: [429, 502, 503, 504],
      maxRetries: options.maxRetries ?? 8,
      minTimeout: 250,
      maxTimeout: 30_000,
    });
  }

  /** Queues one event; sends the batch when it is full (waiting while too many are in flight). */
  async push(event: EventInput, origin: EventOrigin): Promise<void> {
    this.throwIfFailed();
    const json = JSON.stringify(event);
    const bytes = Buffer.byteLength(json) + 1;
    if (this.batch.parts.length > 0 && this.batch.bytes + bytes > this.maxBytes) await this.flush();
    this.batch.parts.push(json);
    this.batch.origins.push(origin);
    this.batch.bytes += bytes;
    if (this.batch.parts.length >= this.maxEvents) await this.flush();
  }

  /** Sends the batch being filled, if any (without waiting for its answer). */
  async flush(): Promise<void> {
    this.throwIfFailed();
    if (this.batch.parts.length === 0) return;
    while (this.running.size >= this.inFlight) await Promise.race(this.running);
    this.throwIfFailed();
    const batch = this.batch;
    const index = this.sealed++;
    this.batch = emptyBatch();
    const sending = this.send(batch).then(
      () => this.acknowledge(index),
      (error: Error) => {
        this.failure ??= error;
      },
    );
    this.running.add(sending);
    void sending.finally(() => this.running.delete(sending));
  }

  /**
   * Runs `fn` once ingest has acknowledged every event pushed so far (at once if it has).
   * Markers run in the order they were placed.
   */
  whenAcked(fn: () => void): void {
    const upTo = this.sealed + (this.batch.parts.length > 0 ? 1 : 0);
    if (upTo <= this.acked && this.markers.length === 0) fn();
    else this.markers.push({ upTo, run: fn });
  }

  /** Sends what is left and waits for every answer; throws the first permanent failure. */
  async drain(): Promise<void> {
    await this.flush();
    await this.idle();
    this.throwIfFailed();
  }

  /** Waits for the requests in flight to be answered (or to fail), sending nothing new. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
  }

  /** Batches handed to ingest so far: changes each time a batch fills up and is sent. */
  get batchesSent(): number {
    return this.sealed;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private acknowledge(index: number): void {
    this.done.add(index);
    while (this.done.delete(this.acked)) this.acked++;
    while (this.markers.length > 0 && this.markers[0].upTo <= this.acked)
      this.markers.shift()?.run();
  }

  private async send(batch: Batch): Promise<void> {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(this.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.options.apiKey}`,
        },
        body: `[${batch.parts.join(',')}]`,
      });
    } catch (error) {
      throw unavailable(error);
    }
    const text = await response.body.text();
    const status = response.statusCode;
    if (status === 401 || status === 403) throw new IngestRefusedError(status);
    const body = parseBody(text);
    if (status === 202) return this.options.onAck?.(batch.parts.length, []);
    if (status === 207 || status === 400) {
      const listed = (body.rejected ?? body.details?.rejected) as RejectedEvent[] | undefined;
      if (status === 400 && !Array.isArray(listed))
        throw new IngestUnavailableError(`ingest refused a batch (400): ${body.message ?? text}`);
      const rejected = (listed ?? []).map((r) => rejection(r, batch.origins[r.index]));
      return this.options.onAck?.(batch.parts.length - rejected.length, rejected);
    }
    throw new IngestUnavailableError(
      `ingest answered ${status} to a batch of ${batch.parts.length} events: ${body.message ?? text.slice(0, 200)}`,
    );
  }
}

function parseBody(text: string): Record<string, unknown> & {
  message?: string;
  rejected?: unknown;
  details?: { rejected?: unknown };
} {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function rejection(r: RejectedEvent, origin: EventOrigin | undefined): RejectedInput {
  const reason =
    r.errors?.map((e) => `${e.path ?? ''} ${e.message ?? ''}`.trim()).join('; ') || 'rejected';
  return { file: origin?.file ?? '(unknown)', line: origin?.line, reason: `ingest: ${reason}` };
}

function unavailable(error: unknown): IngestUnavailableError {
  if (error instanceof errors.RequestRetryError)
    return new IngestUnavailableError(
      `ingest kept answering ${error.statusCode} after retries; try again later`,
    );
  const code = (error as { code?: string }).code;
  return new IngestUnavailableError(
    `cannot reach ingest${code ? ` (${code})` : ''}: ${(error as Error).message}`,
  );
}
