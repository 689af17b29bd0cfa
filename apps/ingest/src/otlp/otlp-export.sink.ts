import type { EventLogProducer } from '@agentpulse/kafka';
import { eventsRejected, otlpRecords } from '@agentpulse/observability';
import type { EventIntake } from '../event-intake';
import { publishAccepted } from '../event-publisher';
import type { MappedExport } from './otlp-model';

/** What the OTLP response reports back: `partial_success` when rejected > 0 or a message is set. */
export interface ExportOutcome {
  accepted: number;
  rejected: number;
  /** '' when everything was taken as it was */
  message: string;
}

const MAX_REASONS = 5;

/**
 * The mapped events through the same chain as POST /v1/events (validate → normalise with the
 * key's project → price → classify risk) and onto the event log. Resolves only once the broker
 * acknowledged every accepted event, as every 2xx of ingest does.
 */
export async function publishMappedExport(
  signal: 'traces' | 'logs',
  mapped: MappedExport,
  project: string,
  intake: EventIntake,
  eventLog: EventLogProducer,
): Promise<ExportOutcome> {
  const reasons = [...mapped.rejected];
  let accepted = 0;
  if (mapped.events.length > 0) {
    const result = intake.process(mapped.events, project, Date.now());
    for (const rejection of result.rejected)
      reasons.push(
        `${rejection.id ?? `record ${rejection.index}`}: ${rejection.errors
          .map((e) => `${e.path || '/'} ${e.message}`)
          .join('; ')}`,
      );
    await publishAccepted(eventLog, project, result.accepted);
    accepted = result.accepted.length;
  }
  if (reasons.length > 0) eventsRejected.inc({ project }, reasons.length);
  const ignored = [...mapped.ignored.values()].reduce((sum, count) => sum + count, 0);
  otlpRecords.inc({ signal, outcome: 'accepted' }, accepted);
  otlpRecords.inc({ signal, outcome: 'rejected' }, reasons.length);
  otlpRecords.inc({ signal, outcome: 'ignored' }, ignored);
  return { accepted, rejected: reasons.length, message: describe(reasons, mapped) };
}

function describe(reasons: string[], mapped: MappedExport): string {
  const parts: string[] = [];
  if (reasons.length > 0)
    parts.push(
      `rejected ${reasons.length}: ${reasons.slice(0, MAX_REASONS).join(' | ')}${reasons.length > MAX_REASONS ? ' | …' : ''}`,
    );
  if (mapped.ignored.size > 0)
    parts.push(
      `ignored (not mapped by AgentPulse): ${[...mapped.ignored]
        .map(([name, count]) => `${name} ×${count}`)
        .join(', ')}`,
    );
  if (mapped.warnings.length > 0)
    parts.push(`warnings: ${mapped.warnings.slice(0, MAX_REASONS).join(' | ')}`);
  return parts.join('; ');
}
