import type { EventInput } from '@agentpulse/schema';
import type { CheckpointStore } from './checkpoint-store';
import type { RejectedInput } from './import-source';
import { IngestSender, type EventOrigin, type IngestSenderOptions } from './ingest-sender';

/** Running totals of one import, reported in its summary. */
export interface ImportStats {
  files: number;
  lines: number;
  bytes: number;
  eventsSent: number;
  eventsAccepted: number;
  /** malformed lines and events ingest refused, in the order they were found */
  rejected: RejectedInput[];
  /** how long the bulk pass took, when watching (the rates are over it, not the watch time) */
  bulkMs?: number;
}

const SAVE_EVERY_MS = 1_000;

/** What the phases of one import share: where events go, the checkpoint, totals, the stop signal. */
export class ImportRun {
  readonly stats: ImportStats = {
    files: 0,
    lines: 0,
    bytes: 0,
    eventsSent: 0,
    eventsAccepted: 0,
    rejected: [],
  };
  readonly sender: IngestSender;
  private savedAt = Date.now();

  constructor(
    sender: Omit<IngestSenderOptions, 'onAck'>,
    readonly store: CheckpointStore,
    readonly signal: AbortSignal,
  ) {
    this.sender = new IngestSender({
      ...sender,
      onAck: (accepted, rejected) => {
        this.stats.eventsAccepted += accepted;
        this.reject(rejected);
      },
    });
  }

  get stopped(): boolean {
    return this.signal.aborted;
  }

  async emit(events: EventInput[], origin: EventOrigin): Promise<void> {
    for (const event of events) await this.sender.push(event, origin);
    this.stats.eventsSent += events.length;
  }

  reject(rejected: RejectedInput[]): void {
    if (rejected.length > 0) this.stats.rejected.push(...rejected);
  }

  /** Persists the acknowledged checkpoint about once a second. */
  async saveIfDue(): Promise<void> {
    if (Date.now() - this.savedAt < SAVE_EVERY_MS) return;
    this.savedAt = Date.now();
    await this.store.save();
  }
}
