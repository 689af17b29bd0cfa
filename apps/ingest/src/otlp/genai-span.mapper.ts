import {
  emptyMappedExport,
  numberAttr,
  SPAN_STATUS_ERROR,
  stringAttr,
  type MappedExport,
  type OtlpSpan,
} from './otlp-model';

/**
 * Spans that follow the OpenTelemetry GenAI semantic conventions → CONTRACT events (source
 * `otlp`): `invoke_agent`/`create_agent` → agent_trace, `execute_tool` → tool_call, model
 * calls (`chat`, `text_completion`, `generate_content`) → assistant message. Other spans
 * (HTTP, database, embeddings, …) are ignored: an SDK exports everything its process traced.
 *
 * Ids: every event id is `otlp:<trace id>:<span id>:<kind>`, so an export that is retried
 * (OTLP exporters retry on 429/503 and timeouts) stores nothing twice.
 *
 * Session: `gen_ai.conversation.id` (or `session.id`) of the span, else of its nearest
 * ancestor in the same export, else the resource's `session.id`, else the trace id. Exporters
 * send a child span before its parent ends, often in an earlier export, so a span without the
 * id of its own can land in its trace's session. To keep such a trace with its conversation,
 * a span that names a conversation other than its trace id also emits a `session` event that
 * makes the trace's session a child of the conversation (same id every time: stored once),
 * and a session's summary includes its children (CONTRACT.md).
 */

const AGENT_OPERATIONS = new Set(['invoke_agent', 'create_agent']);
const TOOL_OPERATIONS = new Set(['execute_tool']);
const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content']);
const KNOWN_OPERATIONS = [...AGENT_OPERATIONS, ...TOOL_OPERATIONS, ...MODEL_OPERATIONS];

/** Attribute names of the current conventions first, then the older ones still emitted. */
const USAGE = {
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'],
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'],
  cacheRead: ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'],
  cacheWrite: [
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
  ],
  reasoning: ['gen_ai.usage.reasoning.output_tokens'],
};

export interface NonCachedInput {
  input: number;
  /** set when the reported figures contradict the convention and were read otherwise */
  note?: string;
}

/**
 * By the GenAI conventions `gen_ai.usage.input_tokens` INCLUDES the tokens read from and
 * written to the cache; CONTRACT's `tokens.input` excludes them, so they are subtracted and
 * nothing is counted or priced twice. An input smaller than the cached shares cannot include
 * them: that emitter reports the non-cached share (as Anthropic's API does), so it is kept
 * as it is, never made negative, and the caller is told.
 */
export function nonCachedInput(
  input: number,
  cacheRead: number,
  cacheWrite: number,
): NonCachedInput {
  const rest = input - cacheRead - cacheWrite;
  if (rest >= 0) return { input: rest };
  return {
    input,
    note: `input_tokens ${input} < cache_read ${cacheRead} + cache_creation ${cacheWrite}: read as already excluding the cache`,
  };
}

function operationOf(span: OtlpSpan): string | undefined {
  const declared = stringAttr(span.attributes, 'gen_ai.operation.name');
  if (declared) return declared;
  // Older instrumentations name the span after the operation but omit the attribute.
  const first = span.name.split(' ')[0];
  const isGenAi = Object.keys(span.attributes).some((key) => key.startsWith('gen_ai.'));
  return isGenAi && KNOWN_OPERATIONS.includes(first) ? first : undefined;
}

/** The part of a span name after its operation ("execute_tool Read" → "Read"). */
function nameAfterOperation(span: OtlpSpan, operation: string): string | undefined {
  const rest = span.name.startsWith(`${operation} `) ? span.name.slice(operation.length + 1) : '';
  return rest.trim() || undefined;
}

const ms = (value: number): number => Math.floor(value);

class SpanIndex {
  private readonly byId = new Map<string, OtlpSpan>();

  constructor(spans: OtlpSpan[]) {
    for (const span of spans) this.byId.set(`${span.traceId}:${span.spanId}`, span);
  }

  parentOf(span: OtlpSpan): OtlpSpan | undefined {
    return span.parentSpanId ? this.byId.get(`${span.traceId}:${span.parentSpanId}`) : undefined;
  }

  /**
   * The nearest agent span above this one, or, when the chain leaves the export before one
   * is found, the id of the first missing ancestor (children are exported before their
   * parents end, so that is usually the agent span itself).
   */
  agentAbove(span: OtlpSpan): { span?: OtlpSpan; missingId?: string } {
    const seen = new Set<string>();
    let current = span;
    for (;;) {
      if (!current.parentSpanId || seen.has(current.spanId)) return {};
      seen.add(current.spanId);
      const parent = this.parentOf(current);
      if (!parent) return { missingId: current.parentSpanId };
      const operation = operationOf(parent);
      if (operation && AGENT_OPERATIONS.has(operation)) return { span: parent };
      current = parent;
    }
  }

  sessionOf(span: OtlpSpan): string {
    const seen = new Set<string>();
    for (let current: OtlpSpan | undefined = span; current; current = this.parentOf(current)) {
      if (seen.has(current.spanId)) break;
      seen.add(current.spanId);
      const own = stringAttr(current.attributes, 'gen_ai.conversation.id', 'session.id');
      if (own) return own;
    }
    return stringAttr(span.resource, 'gen_ai.conversation.id', 'session.id') ?? span.traceId;
  }
}

function agentName(span: OtlpSpan, operation: string): string | undefined {
  return (
    stringAttr(span.attributes, 'gen_ai.agent.name') ??
    nameAfterOperation(span, operation) ??
    stringAttr(span.attributes, 'gen_ai.agent.id')
  );
}

export function mapGenAiSpans(spans: OtlpSpan[]): MappedExport {
  const out = emptyMappedExport();
  const index = new SpanIndex(spans);
  const linkedTraces = new Set<string>();
  for (const span of spans) {
    linkTraceToConversation(span, linkedTraces, out);
    const operation = operationOf(span);
    // Non-GenAI spans are expected and skipped silently; GenAI operations AgentPulse does not
    // map (embeddings, retrieval, …) are named back to the sender.
    if (!operation) continue;
    if (!KNOWN_OPERATIONS.includes(operation)) {
      const name = `gen_ai ${operation}`;
      out.ignored.set(name, (out.ignored.get(name) ?? 0) + 1);
      continue;
    }
    const where = `span ${span.spanId || '(no id)'} (${operation})`;
    if (!span.traceId || !span.spanId) {
      out.rejected.push(`${where}: trace id and span id are required`);
      continue;
    }
    const above = index.agentAbove(span);
    const parentAgent = above.span
      ? agentName(above.span, operationOf(above.span) ?? '')
      : undefined;
    const base = {
      session_id: index.sessionOf(span),
      source: 'otlp',
    };
    const failed = span.status.code === SPAN_STATUS_ERROR;
    const error = failed
      ? {
          message: span.status.message || stringAttr(span.attributes, 'error.type') || 'error',
          type: stringAttr(span.attributes, 'error.type'),
        }
      : undefined;
    const eventId = (kind: string) => `otlp:${span.traceId}:${span.spanId}:${kind}`;

    if (AGENT_OPERATIONS.has(operation)) {
      const agent = agentName(span, operation);
      if (!agent) {
        out.rejected.push(`${where}: no gen_ai.agent.name`);
        continue;
      }
      out.events.push({
        ...base,
        id: eventId('agent'),
        type: 'agent_trace',
        timestamp: ms(span.startTimeMs),
        trace_id: span.spanId,
        agent,
        parent_trace_id: above.span?.spanId ?? above.missingId,
        parent_agent: parentAgent,
        status: failed ? 'error' : 'completed',
        started_at: ms(span.startTimeMs),
        ended_at: ms(span.endTimeMs),
      });
    } else if (TOOL_OPERATIONS.has(operation)) {
      const tool =
        stringAttr(span.attributes, 'gen_ai.tool.name') ?? nameAfterOperation(span, operation);
      if (!tool) {
        out.rejected.push(`${where}: no gen_ai.tool.name`);
        continue;
      }
      out.events.push({
        ...base,
        id: eventId('tool'),
        type: 'tool_call',
        timestamp: ms(span.endTimeMs),
        call_id: stringAttr(span.attributes, 'gen_ai.tool.call.id') ?? span.spanId,
        tool,
        status: failed ? 'error' : 'completed',
        agent: parentAgent,
        trace_id: above.span?.spanId,
        arguments: toolArguments(span.attributes['gen_ai.tool.call.arguments']),
        started_at: ms(span.startTimeMs),
        ended_at: ms(span.endTimeMs),
        duration_ms: Math.max(0, span.endTimeMs - span.startTimeMs),
        error,
      });
    } else {
      const usage = readUsage(span);
      if ('invalid' in usage) {
        out.rejected.push(`${where}: ${usage.invalid}`);
        continue;
      }
      if (usage.note) out.warnings.push(`${where}: ${usage.note}`);
      const model =
        stringAttr(span.attributes, 'gen_ai.response.model') ??
        stringAttr(span.attributes, 'gen_ai.request.model');
      if (failed && !usage.reported) {
        // A failed call that used nothing is an error to see, not an assistant message.
        out.events.push({
          ...base,
          id: eventId('error'),
          type: 'log',
          timestamp: ms(span.endTimeMs),
          service: 'otlp',
          level: 'error',
          message: `${operation} failed: ${error?.message ?? 'error'}`,
          fields: { model, error_type: error?.type, span_id: span.spanId },
          trace_id: above.span?.spanId,
        });
        continue;
      }
      out.events.push({
        ...base,
        id: eventId('message'),
        type: 'message',
        timestamp: ms(span.endTimeMs),
        message_id: span.spanId,
        role: 'assistant',
        agent: parentAgent,
        model,
        provider: stringAttr(span.attributes, 'gen_ai.provider.name', 'gen_ai.system'),
        trace_id: above.span?.spanId,
        tokens: usage.tokens,
      });
    }
  }
  return out;
}

/** The `session` event that files a trace's own session under the conversation it serves. */
function linkTraceToConversation(span: OtlpSpan, linked: Set<string>, out: MappedExport): void {
  const conversation = stringAttr(span.attributes, 'gen_ai.conversation.id', 'session.id');
  if (!conversation || !span.traceId || conversation === span.traceId || linked.has(span.traceId))
    return;
  if (stringAttr(span.resource, 'gen_ai.conversation.id', 'session.id')) return;
  linked.add(span.traceId);
  out.events.push({
    id: `otlp:${span.traceId}:session`,
    type: 'session',
    timestamp: ms(span.startTimeMs),
    session_id: span.traceId,
    source: 'otlp',
    parent_session_id: conversation,
  });
}

type Usage =
  | {
      tokens: {
        input: number;
        output: number;
        reasoning: number;
        cache_read: number;
        cache_write: number;
      };
      reported: boolean;
      note?: string;
    }
  | { invalid: string };

function readUsage(span: OtlpSpan): Usage {
  const read = (keys: string[]) => numberAttr(span.attributes, ...keys);
  const raw = {
    input: read(USAGE.input),
    output: read(USAGE.output),
    cache_read: read(USAGE.cacheRead),
    cache_write: read(USAGE.cacheWrite),
    reasoning: read(USAGE.reasoning),
  };
  for (const [name, value] of Object.entries(raw))
    if (value !== undefined && !(Number.isInteger(value) && value >= 0))
      return { invalid: `token count ${name} must be a non-negative integer` };
  const cacheRead = raw.cache_read ?? 0;
  const cacheWrite = raw.cache_write ?? 0;
  const { input, note } = nonCachedInput(raw.input ?? 0, cacheRead, cacheWrite);
  return {
    tokens: {
      input,
      output: raw.output ?? 0,
      reasoning: raw.reasoning ?? 0,
      cache_read: cacheRead,
      cache_write: cacheWrite,
    },
    reported: Object.values(raw).some((value) => value !== undefined),
    note,
  };
}

/** `gen_ai.tool.call.arguments` is meant to be an object; serialised JSON is read back. */
function toolArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
