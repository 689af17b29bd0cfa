import { mapClaudeCodeLogs } from './claude-code-log.mapper';
import { readLogsExport } from './otlp-object-reader';
import { logsExport, type LogFixture } from './testdata/otlp-fixtures';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const SESSION = '0b9a1f0e-session';

function record(name: string, attributes: LogFixture['attributes'], at = T0): LogFixture {
  return {
    timeMs: at,
    body: `claude_code.${name}`,
    attributes: {
      'session.id': SESSION,
      'event.name': name,
      'event.timestamp': new Date(at).toISOString(),
      'terminal.type': 'vscode',
      ...attributes,
    },
  };
}

const map = (records: LogFixture[]) => mapClaudeCodeLogs(readLogsExport(logsExport(records)));

describe('Claude Code telemetry events → CONTRACT events', () => {
  it('api_request: tokens as reported (input already excludes the cache) and the cost', () => {
    const mapped = map([
      record('api_request', {
        model: 'claude-sonnet-4-20250514',
        input_tokens: '12',
        output_tokens: '480',
        cache_read_tokens: '30000',
        cache_creation_tokens: '2100',
        cost_usd: '0.0243',
        duration_ms: '5120',
      }),
    ]);
    expect(mapped.events).toEqual([
      expect.objectContaining({
        type: 'message',
        role: 'assistant',
        session_id: SESSION,
        source: 'claude_code',
        timestamp: T0,
        model: 'claude-sonnet-4-20250514',
        tokens: { input: 12, output: 480, cache_read: 30_000, cache_write: 2_100 },
        cost_usd: 0.0243,
      }),
    ]);
  });

  it('tool_result: completed or error, with duration and times', () => {
    const events = map([
      record('tool_result', { tool_name: 'Read', success: 'true', duration_ms: '15' }),
      record(
        'tool_result',
        { tool_name: 'Bash', success: 'false', duration_ms: '900', error: 'exit 2' },
        T0 + 5000,
      ),
    ]).events;
    expect(events).toEqual([
      expect.objectContaining({
        type: 'tool_call',
        tool: 'Read',
        status: 'completed',
        duration_ms: 15,
        started_at: T0 - 15,
        ended_at: T0,
      }),
      expect.objectContaining({
        type: 'tool_call',
        tool: 'Bash',
        status: 'error',
        error: { message: 'exit 2' },
      }),
    ]);
  });

  it('user_prompt → user message; api_error → error log, no tokens', () => {
    const events = map([
      record('user_prompt', { prompt_length: '42', prompt: 'fix the tests' }),
      record('api_error', {
        model: 'claude-sonnet-4',
        error: 'Overloaded',
        status_code: '529',
        attempt: '2',
      }),
    ]).events;
    expect(events).toEqual([
      expect.objectContaining({ type: 'message', role: 'user', content: 'fix the tests' }),
      expect.objectContaining({
        type: 'log',
        level: 'error',
        message: 'API error 529: Overloaded',
        session_id: SESSION,
      }),
    ]);
  });

  it('finds the event name in LogRecord.event_name, event.name or the body', () => {
    const viaEventName: LogFixture = {
      timeMs: T0,
      eventName: 'claude_code.user_prompt',
      attributes: { 'session.id': SESSION },
    };
    const viaBody: LogFixture = {
      timeMs: T0,
      body: 'claude_code.user_prompt',
      attributes: { 'session.id': SESSION },
    };
    expect(map([viaEventName, viaBody]).events).toHaveLength(2);
  });

  it('gives the same id to the same record and different ids to different ones', () => {
    const a = record('tool_result', { tool_name: 'Read', success: 'true', 'event.sequence': 7 });
    const b = record('tool_result', { tool_name: 'Read', success: 'true', 'event.sequence': 8 });
    const [first] = map([a]).events as Array<{ id: string }>;
    const [again] = map([a]).events as Array<{ id: string }>;
    const [other] = map([b]).events as Array<{ id: string }>;
    expect(first.id).toMatch(/^cc:[0-9a-f]{40}$/);
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
  });

  it('ignores other event names (reported back) and rejects records without a session', () => {
    const mapped = map([
      record('tool_decision', { tool_name: 'Edit', decision: 'accept' }),
      { timeMs: T0, body: 'some other log line', attributes: {} },
      { timeMs: T0, body: 'claude_code.api_request', attributes: { input_tokens: 1 } },
    ]);
    expect(mapped.events).toEqual([]);
    expect([...mapped.ignored]).toEqual([
      ['claude_code.tool_decision', 1],
      ['(no event name)', 1],
    ]);
    expect(mapped.rejected).toEqual([expect.stringContaining('no session.id')]);
  });
});
