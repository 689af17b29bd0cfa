import type { EventLogProducer } from '@agentpulse/kafka';
import { eventsAccepted } from '@agentpulse/observability';
import type { NormalisedEvent } from '@agentpulse/schema';
import { partitionKey } from './event-intake';

/**
 * The exporter step every receiver (events, GitLab, OTLP) ends with: publishes accepted events
 * keyed by their stream and resolves once the broker acknowledged all of them.
 */
export async function publishAccepted(
  eventLog: EventLogProducer,
  project: string,
  events: NormalisedEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await eventLog.publish(
    events.map((event) => ({ key: partitionKey(event), value: JSON.stringify(event) })),
  );
  // One increment per type, not per event: a label lookup per event showed in ingest's profile.
  const byType = new Map<string, number>();
  for (const event of events) byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
  for (const [type, count] of byType) eventsAccepted.inc({ project, type }, count);
}
