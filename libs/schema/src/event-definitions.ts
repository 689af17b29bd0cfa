import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { Timestamp } from './timestamps';

/**
 * The one definition of every event shape (CONTRACT.md "Events"). Validators, TypeScript types
 * and the JSON Schema published at GET /v1/schema are all derived from these objects.
 */

export const EVENT_TYPES = [
  'session',
  'message',
  'tool_call',
  'file_operation',
  'skill_load',
  'agent_trace',
  'pipeline',
  'http_request',
  'log',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Types that do not belong to an agent session and so carry no `session_id`. */
export const SESSIONLESS_TYPES: ReadonlySet<EventType> = new Set([
  'pipeline',
  'http_request',
  'log',
]);

const Id = Type.String({ minLength: 1, maxLength: 128 });
const Name = Type.String({ minLength: 1, maxLength: 512 });
const OptionalName = Type.Optional(Type.String({ maxLength: 512 }));
const Text = Type.String({ maxLength: 1_000_000 });
const NonNegativeInt = Type.Integer({ minimum: 0 });
const DurationMs = Type.Number({ minimum: 0 });
const AnyJson = Type.Unknown({ description: 'any JSON value' });

function envelope<T extends EventType, P extends TProperties>(
  type: T,
  props: P,
  sessionless = false,
) {
  return Type.Object(
    {
      id: Id,
      type: Type.Literal(type),
      timestamp: Timestamp,
      session_id: sessionless ? Type.Optional(Id) : Id,
      source: Type.Optional(Type.String({ maxLength: 64 })),
      ...props,
    },
    { $id: `agentpulse.event.${type}`, title: `${type} event` },
  );
}

export const TokenUsage = Type.Object(
  {
    input: Type.Optional(NonNegativeInt),
    output: Type.Optional(NonNegativeInt),
    reasoning: Type.Optional(NonNegativeInt),
    cache_read: Type.Optional(NonNegativeInt),
    cache_write: Type.Optional(NonNegativeInt),
  },
  {
    description:
      '`input` counts only input not served from or written to the cache; `reasoning` is part of `output` where the source counts it there',
  },
);

const Status3 = Type.Union([
  Type.Literal('running'),
  Type.Literal('completed'),
  Type.Literal('error'),
]);

export const SessionEvent = envelope('session', {
  title: Type.Optional(Text),
  directory: Type.Optional(Text),
  parent_session_id: Type.Optional(Id),
  started_at: Type.Optional(Timestamp),
  ended_at: Type.Optional(Timestamp),
  status: Type.Optional(Status3),
});

export const MessageEvent = envelope('message', {
  message_id: Id,
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant'), Type.Literal('system')]),
  agent: OptionalName,
  model: OptionalName,
  provider: OptionalName,
  content: Type.Optional(Text),
  trace_id: Type.Optional(Id),
  exchange_id: Type.Optional(Id),
  tokens: Type.Optional(TokenUsage),
  cost_usd: Type.Optional(Type.Number({ minimum: 0 })),
});

export const ToolCallEvent = envelope('tool_call', {
  call_id: Id,
  tool: Name,
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('running'),
    Type.Literal('completed'),
    Type.Literal('error'),
  ]),
  agent: OptionalName,
  trace_id: Type.Optional(Id),
  message_id: Type.Optional(Id),
  arguments: Type.Optional(AnyJson),
  result_summary: Type.Optional(Text),
  started_at: Type.Optional(Timestamp),
  ended_at: Type.Optional(Timestamp),
  duration_ms: Type.Optional(DurationMs),
  error: Type.Optional(AnyJson),
});

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;

export const FileOperationEvent = envelope('file_operation', {
  operation: Type.Union([
    Type.Literal('read'),
    Type.Literal('write'),
    Type.Literal('edit'),
    Type.Literal('delete'),
  ]),
  path: Type.String({ minLength: 1, maxLength: 4096 }),
  trace_id: Type.Optional(Id),
  tool_call_id: Type.Optional(Id),
  risk: Type.Optional(
    Type.Object({
      level: Type.Union(RISK_LEVELS.map((level) => Type.Literal(level))),
      reason: Type.Optional(Type.String({ maxLength: 1024 })),
    }),
  ),
});

export const SkillLoadEvent = envelope('skill_load', {
  skill: Name,
  duration_ms: Type.Optional(DurationMs),
});

export const AgentTraceEvent = envelope('agent_trace', {
  trace_id: Id,
  agent: Name,
  parent_trace_id: Type.Optional(Id),
  parent_agent: OptionalName,
  child_session_id: Type.Optional(Id),
  status: Type.Optional(Status3),
  started_at: Type.Optional(Timestamp),
  ended_at: Type.Optional(Timestamp),
});

export const PipelineEvent = envelope(
  'pipeline',
  {
    pipeline_id: Id,
    trigger_type: OptionalName,
    trigger_source: OptionalName,
    git: Type.Optional(
      Type.Object({
        commit_sha: Type.Optional(Type.String({ maxLength: 64 })),
        commit_message: Type.Optional(Text),
        branch: OptionalName,
        author: OptionalName,
        author_email: OptionalName,
        project: OptionalName,
        files_changed: Type.Optional(
          Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 10_000 }),
        ),
      }),
    ),
    environment: OptionalName,
    status: Type.Optional(
      Type.Union([
        Type.Literal('pending'),
        Type.Literal('running'),
        Type.Literal('success'),
        Type.Literal('failed'),
      ]),
    ),
    steps: Type.Optional(
      Type.Array(
        Type.Object({
          name: Name,
          status: Type.Optional(Type.String({ maxLength: 64 })),
          started_at: Type.Optional(Timestamp),
          duration_ms: Type.Optional(DurationMs),
          error: Type.Optional(AnyJson),
        }),
        { maxItems: 1000 },
      ),
    ),
  },
  true,
);

export const HttpRequestEvent = envelope(
  'http_request',
  {
    service: Name,
    method: Type.String({ minLength: 1, maxLength: 16 }),
    route: Type.String({ minLength: 1, maxLength: 2048 }),
    status_code: Type.Integer({ minimum: 100, maximum: 599 }),
    duration_ms: DurationMs,
    trace_id: Type.Optional(Id),
  },
  true,
);

export const LogEvent = envelope(
  'log',
  {
    service: Name,
    level: Type.Union([
      Type.Literal('debug'),
      Type.Literal('info'),
      Type.Literal('warn'),
      Type.Literal('error'),
    ]),
    message: Text,
    fields: Type.Optional(AnyJson),
    trace_id: Type.Optional(Id),
  },
  true,
);

export const EVENT_SCHEMAS = {
  session: SessionEvent,
  message: MessageEvent,
  tool_call: ToolCallEvent,
  file_operation: FileOperationEvent,
  skill_load: SkillLoadEvent,
  agent_trace: AgentTraceEvent,
  pipeline: PipelineEvent,
  http_request: HttpRequestEvent,
  log: LogEvent,
} satisfies Record<EventType, TObject>;

export type SessionEventInput = Static<typeof SessionEvent>;
export type MessageEventInput = Static<typeof MessageEvent>;
export type ToolCallEventInput = Static<typeof ToolCallEvent>;
export type FileOperationEventInput = Static<typeof FileOperationEvent>;
export type SkillLoadEventInput = Static<typeof SkillLoadEvent>;
export type AgentTraceEventInput = Static<typeof AgentTraceEvent>;
export type PipelineEventInput = Static<typeof PipelineEvent>;
export type HttpRequestEventInput = Static<typeof HttpRequestEvent>;
export type LogEventInput = Static<typeof LogEvent>;

/** Any valid incoming event, as a producer sends it. */
export type EventInput = { [T in EventType]: Static<(typeof EVENT_SCHEMAS)[T]> }[EventType];
