import { EventValidator } from './event-validator';

const envelope = { timestamp: '2026-11-20T10:00:00Z', session_id: 's-1' };

/** One valid event per type, and a change to it that must be rejected at the given path. */
const CASES: Array<[string, Record<string, unknown>, Record<string, unknown>, string]> = [
  ['session', { status: 'running', parent_session_id: 'p' }, { status: 'paused' }, 'status'],
  ['message', { message_id: 'm', role: 'user' }, { tokens: { output: 1.5 } }, 'tokens.output'],
  [
    'tool_call',
    { call_id: 'c', tool: 'bash', status: 'error', error: { code: 'E' }, arguments: { cmd: 'ls' } },
    { status: 'failed' },
    'status',
  ],
  [
    'file_operation',
    { operation: 'write', path: '.env', risk: { level: 'high', reason: 'secrets' } },
    { risk: { level: 'severe' } },
    'risk.level',
  ],
  ['skill_load', { skill: 'pdf', duration_ms: 12 }, { duration_ms: -1 }, 'duration_ms'],
  [
    'agent_trace',
    { trace_id: 't', agent: 'explore', parent_trace_id: 'p', status: 'completed' },
    { agent: undefined },
    'agent',
  ],
  [
    'pipeline',
    {
      session_id: undefined,
      pipeline_id: 'pl',
      status: 'success',
      git: { branch: 'main', files_changed: ['a.ts'] },
      steps: [{ name: 'build', status: 'success', duration_ms: 1 }],
    },
    { steps: [{ name: 'build', duration_ms: 'slow' }] },
    'steps.0.duration_ms',
  ],
  [
    'http_request',
    {
      session_id: undefined,
      service: 'api',
      method: 'GET',
      route: '/x',
      status_code: 200,
      duration_ms: 3,
    },
    { status_code: 'ok' },
    'status_code',
  ],
  [
    'log',
    { session_id: undefined, service: 'api', level: 'warn', message: 'hi', fields: { a: 1 } },
    { level: 'fatal' },
    'level',
  ],
];

describe.each(CASES)('event type %s', (type, fields, breakage, path) => {
  const validator = new EventValidator();
  const valid = JSON.parse(JSON.stringify({ id: `${type}-1`, type, ...envelope, ...fields }));

  it('accepts a valid event', () => {
    expect(validator.validate(valid)).toMatchObject({ ok: true });
  });

  it(`rejects a bad ${path} with its path`, () => {
    const broken = JSON.parse(JSON.stringify({ ...valid, ...breakage }));
    const result = validator.validate(broken);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toContain(path);
  });
});
