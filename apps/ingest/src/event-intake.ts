import { priceMessages, type ModelPriceTable } from '@agentpulse/pricing';
import type { RiskClassifier } from '@agentpulse/risk';
import {
  EventValidator,
  normaliseEvent,
  type NormalisedEvent,
  type ValidationIssue,
} from '@agentpulse/schema';

/** One event the caller must fix, by its position in the request. */
export interface Rejection {
  index: number;
  id?: string;
  errors: ValidationIssue[];
}

export interface IntakeResult {
  accepted: NormalisedEvent[];
  rejected: Rejection[];
}

/** The body holds more events than one request may carry (answered 413). */
export class BatchTooLargeError extends Error {
  constructor(count: number, max: number) {
    super(`a request may carry at most ${max} events; this one has ${count}: split it`);
    this.name = 'BatchTooLargeError';
  }
}

/** The body is not one of the accepted shapes (answered 400). */
export class UnreadableBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableBodyError';
  }
}

type Candidate = { raw: unknown } | { parseError: string };

/**
 * Ingest's processor chain for one request: body → candidate events → validated → normalised
 * (project from the key) → priced → file risk classified where the producer gave none. Pure
 * apart from the price table's cache; no I/O.
 */
export class EventIntake {
  private readonly validator = new EventValidator();

  constructor(
    private readonly prices: ModelPriceTable,
    private readonly risk: RiskClassifier,
    private readonly maxEvents: number,
  ) {}

  process(body: unknown, project: string, receivedAt: number): IntakeResult {
    const candidates = typeof body === 'string' ? splitNdjson(body) : fromJson(body);
    if (candidates.length === 0) throw new UnreadableBodyError('the request carries no events');
    if (candidates.length > this.maxEvents)
      throw new BatchTooLargeError(candidates.length, this.maxEvents);
    const accepted: NormalisedEvent[] = [];
    const rejected: Rejection[] = [];
    candidates.forEach((candidate, index) => {
      if ('parseError' in candidate) {
        rejected.push({ index, errors: [{ path: '', message: candidate.parseError }] });
        return;
      }
      const result = this.validator.validate(candidate.raw);
      if (result.ok) accepted.push(normaliseEvent(result.event, { project, receivedAt }));
      else rejected.push({ index, id: result.id, errors: result.errors });
    });
    return { accepted: classifyRisk(priceMessages(accepted, this.prices), this.risk), rejected };
  }
}

/** Enrichment step: a file operation without `risk` gets the configured rules' verdict. */
function classifyRisk(batch: NormalisedEvent[], risk: RiskClassifier): NormalisedEvent[] {
  return batch.map((event) => {
    if (event.type !== 'file_operation' || event.risk) return event;
    const { level, reason } = risk.classify(event.path, event.operation);
    return { ...event, risk: { level, reason } };
  });
}

function fromJson(body: unknown): Candidate[] {
  if (Array.isArray(body)) return body.map((raw) => ({ raw }));
  if (
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as { events?: unknown }).events)
  ) {
    return (body as { events: unknown[] }).events.map((raw) => ({ raw }));
  }
  throw new UnreadableBodyError(
    'the body must be a JSON array of events, {"events": [...]}, or NDJSON',
  );
}

/** NDJSON: one event per line; a line that is not JSON rejects that event only. */
function splitNdjson(text: string): Candidate[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return { raw: JSON.parse(line) as unknown };
      } catch (error) {
        return { parseError: `not valid JSON: ${(error as Error).message}` };
      }
    });
}

/** Kafka partition key: one session's (or pipeline's) events stay in order on one partition. */
export function partitionKey(event: NormalisedEvent): string {
  const stream = event.session_id || (event.type === 'pipeline' ? event.pipeline_id : event.id);
  return `${event.project}/${stream}`;
}
