import type { RejectedInput } from '../import-source';
import {
  type Json,
  type MessageRecord,
  type PartRecord,
  type SessionRecord,
  UnusableRecordError,
  readMessage,
  readPart,
  readSession,
} from './opencode-records';

/** What one read of an OpenCode store found changed since the previous read. */
export class StoreRead {
  readonly sessions: SessionRecord[] = [];
  readonly messages: MessageRecord[] = [];
  readonly parts: PartRecord[] = [];
  readonly rejected: RejectedInput[] = [];

  /** Adds one raw record of `kind`; a record missing what events need is reported as `where`. */
  add(kind: 'session' | 'message' | 'part', record: Json, where: string): void {
    try {
      if (kind === 'session') this.sessions.push(readSession(record));
      else if (kind === 'message') this.messages.push(readMessage(record));
      else this.parts.push(readPart(record));
    } catch (error) {
      if (!(error instanceof UnusableRecordError)) throw error;
      this.reject(where, error.message);
    }
  }

  reject(file: string, reason: string): void {
    this.rejected.push({ file, reason });
  }

  append(other: StoreRead): void {
    this.sessions.push(...other.sessions);
    this.messages.push(...other.messages);
    this.parts.push(...other.parts);
    this.rejected.push(...other.rejected);
  }
}
