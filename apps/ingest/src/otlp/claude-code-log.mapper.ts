import { createHash } from 'node:crypto';
import {
  emptyMappedExport,
  numberAttr,
  stringAttr,
  type AttributeValue,
  type MappedExport,
  type OtlpLogRecord,
} from './otlp-model';

/**
 * Claude Code's own telemetry events (CLAUDE_CODE_ENABLE_TELEMETRY=1, OTLP logs exporter) →
 * CONTRACT events (source `claude_code`), keyed by the record's `session.id`:
 * - `claude_code.api_request` → assistant message with its tokens and reported `cost_usd`.
 *   Claude Code copies the Anthropic API's usage, where `input_tokens` already EXCLUDES
 *   `cache_read_tokens` and `cache_creation_tokens`, so nothing is subtracted here (unlike
 *   the GenAI spans, whose input includes the cache).
 * - `claude_code.tool_result` → tool call, completed or error.
 * - `claude_code.user_prompt` → user message (the text only when Claude Code logs prompts).
 * - `claude_code.api_error` → an error `log` event in the session: a failed request is neither
 *   a message nor tokens.
 * Other event names (`claude_code.tool_decision`, future ones) are ignored and named back to
 * the sender as a partial-success warning, never rejected: rejecting makes exporters log
 * errors for data nobody lost. User, organisation and terminal attributes have no CONTRACT
 * field, so they are not kept.
 *
 * Ids: Claude Code sends no record id, so the event id is a hash of session.id, event name,
 * event.timestamp, event.sequence and the record's content: a retried export maps to the same
 * ids and counts once, while two distinct records differ in at least one of them.
 */

const PREFIX = 'claude_code.';
const EVENT_NAME = /^[\w.-]{1,128}$/;
const MAPPED = new Set(['api_request', 'tool_result', 'user_prompt', 'api_error']);

/** The record's event name without the `claude_code.` prefix, from wherever it was put. */
function eventNameOf(record: OtlpLogRecord): string {
  const candidates = [
    record.eventName,
    stringAttr(record.attributes, 'event.name'),
    // A body is a name only when it looks like one: free-text bodies are not echoed back.
    typeof record.body === 'string' && EVENT_NAME.test(record.body) ? record.body : undefined,
  ].filter((name): name is string => !!name && EVENT_NAME.test(name));
  const short = candidates.map((name) =>
    name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name,
  );
  return short.find((name) => MAPPED.has(name)) ?? candidates[0] ?? '';
}

/** JSON with sorted object keys, so equal content always hashes the same. */
function canonical(value: AttributeValue | undefined): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

export function claudeCodeEventId(record: OtlpLogRecord, sessionId: string, name: string): string {
  const digest = createHash('sha256')
    .update(
      canonical([
        sessionId,
        name,
        stringAttr(record.attributes, 'event.timestamp') ?? '',
        stringAttr(record.attributes, 'event.sequence') ?? '',
        record.timeMs ?? null,
        canonical(record.attributes),
        canonical(record.body),
      ]),
    )
    .digest('hex');
  return `cc:${digest.slice(0, 40)}`;
}

function booleanAttr(value: AttributeValue | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

function parsedJson(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export function mapClaudeCodeLogs(records: OtlpLogRecord[]): MappedExport {
  const out = emptyMappedExport();
  for (const record of records) {
    const name = eventNameOf(record);
    if (!MAPPED.has(name)) {
      const label = !name ? '(no event name)' : name.includes('.') ? name : `${PREFIX}${name}`;
      out.ignored.set(label, (out.ignored.get(label) ?? 0) + 1);
      continue;
    }
    const attrs = record.attributes;
    const sessionId = stringAttr(attrs, 'session.id') ?? stringAttr(record.resource, 'session.id');
    const stamp = stringAttr(attrs, 'event.timestamp');
    const at = stamp ? Date.parse(stamp) : (record.timeMs ?? record.observedTimeMs);
    const where = `${PREFIX}${name}`;
    if (!sessionId) {
      out.rejected.push(`${where}: no session.id attribute`);
      continue;
    }
    if (at === undefined || Number.isNaN(at)) {
      out.rejected.push(`${where}: no event.timestamp or record time`);
      continue;
    }
    const id = claudeCodeEventId(record, sessionId, name);
    const base = { id, session_id: sessionId, source: 'claude_code', timestamp: Math.floor(at) };
    const durationMs = numberAttr(attrs, 'duration_ms');
    const duration = durationMs !== undefined && durationMs >= 0 ? durationMs : undefined;

    if (name === 'api_request') {
      const tokens = {
        input: numberAttr(attrs, 'input_tokens'),
        output: numberAttr(attrs, 'output_tokens'),
        cache_read: numberAttr(attrs, 'cache_read_tokens'),
        cache_write: numberAttr(attrs, 'cache_creation_tokens'),
      };
      const cost = numberAttr(attrs, 'cost_usd');
      out.events.push({
        ...base,
        type: 'message',
        message_id: id,
        role: 'assistant',
        model: stringAttr(attrs, 'model'),
        tokens,
        cost_usd: cost,
      });
    } else if (name === 'tool_result') {
      const tool = stringAttr(attrs, 'tool_name');
      if (!tool) {
        out.rejected.push(`${where}: no tool_name attribute`);
        continue;
      }
      const success = booleanAttr(attrs.success);
      const error = stringAttr(attrs, 'error');
      const failed = success === false || (success === undefined && error !== undefined);
      out.events.push({
        ...base,
        type: 'tool_call',
        call_id: stringAttr(attrs, 'tool_use_id') ?? id,
        tool,
        status: failed ? 'error' : 'completed',
        arguments: parsedJson(stringAttr(attrs, 'tool_parameters')),
        started_at: duration !== undefined ? Math.floor(at - duration) : undefined,
        ended_at: Math.floor(at),
        duration_ms: duration,
        error: failed ? { message: error ?? 'tool failed' } : undefined,
      });
    } else if (name === 'user_prompt') {
      out.events.push({
        ...base,
        type: 'message',
        message_id: id,
        role: 'user',
        content: stringAttr(attrs, 'prompt'),
      });
    } else {
      const status = stringAttr(attrs, 'status_code');
      out.events.push({
        ...base,
        type: 'log',
        service: 'claude_code',
        level: 'error',
        message: `API error${status ? ` ${status}` : ''}: ${stringAttr(attrs, 'error') ?? 'unknown'}`,
        fields: {
          model: stringAttr(attrs, 'model'),
          status_code: status,
          duration_ms: duration,
          attempt: numberAttr(attrs, 'attempt'),
        },
      });
    }
  }
  return out;
}
