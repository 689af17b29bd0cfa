import type {
  AgentTraceEventInput,
  EventInput,
  EventType,
  FileOperationEventInput,
  HttpRequestEventInput,
  LogEventInput,
  MessageEventInput,
  PipelineEventInput,
  SessionEventInput,
  SkillLoadEventInput,
  ToolCallEventInput,
} from './event-definitions';
import { toEpochMs, toOptionalEpochMs } from './timestamps';

/**
 * The form every event takes on the event log (Kafka) after ingest: times as epoch
 * milliseconds, the project set from the API key, optional counters filled in.
 */
export interface NormalisedEnvelope {
  project: string;
  id: string;
  /** the envelope `timestamp`, epoch ms */
  ts: number;
  /** '' for pipeline, http_request and log events */
  session_id: string;
  source: string;
  /** when ingest accepted the event, epoch ms */
  received_at: number;
}

/** Where a message's `cost_usd` came from. */
export type CostSource = 'reported' | 'computed' | 'unknown_model' | 'unpriced';

export interface TokenCounts {
  input: number;
  output: number;
  reasoning: number;
  cache_read: number;
  cache_write: number;
}

type Timed<T, K extends keyof T> = Omit<T, K | 'timestamp' | 'session_id' | 'source'> & {
  [P in K]?: number;
};

export type NormalisedSession = NormalisedEnvelope &
  Timed<SessionEventInput, 'started_at' | 'ended_at'>;
export type NormalisedMessage = NormalisedEnvelope &
  Omit<MessageEventInput, 'timestamp' | 'session_id' | 'source' | 'tokens' | 'cost_usd'> & {
    tokens: TokenCounts;
    cost_usd: number;
    cost_source: CostSource;
  };
export type NormalisedToolCall = NormalisedEnvelope &
  Timed<ToolCallEventInput, 'started_at' | 'ended_at'>;
export type NormalisedFileOperation = NormalisedEnvelope & Timed<FileOperationEventInput, never>;
export type NormalisedSkillLoad = NormalisedEnvelope & Timed<SkillLoadEventInput, never>;
export type NormalisedAgentTrace = NormalisedEnvelope &
  Timed<AgentTraceEventInput, 'started_at' | 'ended_at'>;
export type NormalisedPipeline = NormalisedEnvelope &
  Omit<PipelineEventInput, 'timestamp' | 'session_id' | 'source' | 'steps'> & {
    steps?: Array<
      Omit<NonNullable<PipelineEventInput['steps']>[number], 'started_at'> & { started_at?: number }
    >;
  };
export type NormalisedHttpRequest = NormalisedEnvelope & Timed<HttpRequestEventInput, never>;
export type NormalisedLog = NormalisedEnvelope & Timed<LogEventInput, never>;

export type NormalisedEvent =
  | NormalisedSession
  | NormalisedMessage
  | NormalisedToolCall
  | NormalisedFileOperation
  | NormalisedSkillLoad
  | NormalisedAgentTrace
  | NormalisedPipeline
  | NormalisedHttpRequest
  | NormalisedLog;

export type NormalisedEventOf<T extends EventType> = Extract<NormalisedEvent, { type: T }>;

export interface NormaliseContext {
  project: string;
  receivedAt: number;
}

/** Maps a validated event to its normalised form. Pure: no I/O, no clock. */
export function normaliseEvent(event: EventInput, context: NormaliseContext): NormalisedEvent {
  const { timestamp, session_id, source, ...fields } = event;
  const envelope: NormalisedEnvelope = {
    project: context.project,
    id: event.id,
    ts: toEpochMs(timestamp),
    session_id: session_id ?? '',
    source: source ?? '',
    received_at: context.receivedAt,
  };
  switch (fields.type) {
    case 'message': {
      const { tokens, cost_usd, ...rest } = fields;
      return {
        ...envelope,
        ...rest,
        tokens: {
          input: tokens?.input ?? 0,
          output: tokens?.output ?? 0,
          reasoning: tokens?.reasoning ?? 0,
          cache_read: tokens?.cache_read ?? 0,
          cache_write: tokens?.cache_write ?? 0,
        },
        cost_usd: cost_usd ?? 0,
        cost_source: cost_usd === undefined ? 'unpriced' : 'reported',
      };
    }
    case 'session':
    case 'tool_call':
    case 'agent_trace':
      return {
        ...envelope,
        ...fields,
        started_at: toOptionalEpochMs(fields.started_at),
        ended_at: toOptionalEpochMs(fields.ended_at),
      } as NormalisedEvent;
    case 'pipeline':
      return {
        ...envelope,
        ...fields,
        steps: fields.steps?.map((step) => ({
          ...step,
          started_at: toOptionalEpochMs(step.started_at),
        })),
      };
    default:
      return { ...envelope, ...fields };
  }
}
