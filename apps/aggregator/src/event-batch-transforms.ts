import { createHash } from 'node:crypto';
import type { ChangeNotice } from '@agentpulse/change-feed';
import { eventKey, RAW_TABLES, sessionKey } from '@agentpulse/clickhouse';
import type { ConsumedRecord } from '@agentpulse/kafka';
import type { NormalisedEvent } from '@agentpulse/schema';

export interface DecodedBatch {
  events: NormalisedEvent[];
  /** records that are not normalised events (a foreign producer); logged, never stored */
  malformed: Array<{ offset: string; reason: string }>;
}

/** Kafka records → normalised events, as ingest wrote them. */
export function decodeRecords(records: ConsumedRecord[]): DecodedBatch {
  const events: NormalisedEvent[] = [];
  const malformed: DecodedBatch['malformed'] = [];
  for (const record of records) {
    try {
      const event = JSON.parse(record.value?.toString('utf8') ?? '') as NormalisedEvent;
      if (
        typeof event?.project !== 'string' ||
        typeof event.id !== 'string' ||
        !(event.type in RAW_TABLES)
      ) {
        malformed.push({ offset: record.offset, reason: 'not a normalised AgentPulse event' });
      } else {
        events.push(event);
      }
    } catch (error) {
      malformed.push({ offset: record.offset, reason: `not JSON: ${(error as Error).message}` });
    }
  }
  return { events, malformed };
}

/**
 * Keeps the first occurrence of each (project, id) in the batch and drops ids already stored:
 * the same id sent again, in this batch or any earlier one, never counts twice.
 */
export function dropRepeats(
  events: NormalisedEvent[],
  stored: ReadonlySet<string>,
): NormalisedEvent[] {
  const seen = new Set(stored);
  return events.filter((event) => {
    const key = eventKey(event);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Insert-deduplication token for the events about to be written from one or more Kafka
 * batches (one per partition). The same batches retried with the same content get the same
 * token, in whatever order they were handed over (ClickHouse then adds nothing); a retry whose
 * content changed (part of it was stored meanwhile, or the batches were grouped differently)
 * gets another, so it cannot be mistaken for the earlier, different block.
 */
export function dedupToken(
  positions: ReadonlyArray<{
    topic: string;
    partition: number;
    firstOffset: string;
    lastOffset: string;
  }>,
  events: NormalisedEvent[],
): string {
  const ranges = positions
    .map((p) => `${p.topic}:${p.partition}:${p.firstOffset}-${p.lastOffset}`)
    .sort();
  const digest = createHash('sha1');
  for (const range of ranges) digest.update(range).update('\u0002');
  for (const event of events) digest.update(eventKey(event)).update('\u0001');
  return `${ranges.length === 1 ? ranges[0] : `${ranges.length}-batches`}:${digest.digest('hex')}`;
}

/**
 * One notice per project naming the sessions this batch changed and, given the sessions
 * stored before it ({@link sessionKey}), those it started.
 */
export function changeNotices(
  events: NormalisedEvent[],
  at: number,
  knownSessions?: ReadonlySet<string>,
): ChangeNotice[] {
  const byProject = new Map<string, Set<string>>();
  for (const event of events) {
    let sessions = byProject.get(event.project);
    if (!sessions) byProject.set(event.project, (sessions = new Set()));
    if (event.session_id) sessions.add(event.session_id);
  }
  return [...byProject].map(([project, sessions]) => {
    const notice: ChangeNotice = { project, session_ids: [...sessions], at };
    if (knownSessions)
      notice.started_session_ids = notice.session_ids.filter(
        (session_id) => !knownSessions.has(sessionKey({ project, session_id })),
      );
    return notice;
  });
}
