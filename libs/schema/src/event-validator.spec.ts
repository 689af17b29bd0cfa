import { EventValidator } from './event-validator';
import { normaliseEvent, type NormalisedMessage } from './normalised-event';

describe('EventValidator', () => {
  const validator = new EventValidator();
  const message = {
    id: 'm-1',
    type: 'message',
    timestamp: '2026-03-01T10:00:00.000+02:00',
    session_id: 's-1',
    message_id: 'msg-1',
    role: 'assistant',
    model: 'claude-sonnet-4',
    tokens: { input: 10, output: 20, cache_read: 30 },
  };

  it('accepts a valid message and normalises times, tokens and project', () => {
    const result = validator.validate(message);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const normalised = normaliseEvent(result.event, {
      project: 'p',
      receivedAt: 5,
    }) as NormalisedMessage;
    expect(normalised.ts).toBe(Date.UTC(2026, 2, 1, 8, 0, 0));
    expect(normalised.project).toBe('p');
    expect(normalised.tokens).toEqual({
      input: 10,
      output: 20,
      reasoning: 0,
      cache_read: 30,
      cache_write: 0,
    });
    expect(normalised.cost_source).toBe('unpriced');
    expect('timestamp' in normalised).toBe(false);
  });

  it('keeps a reported cost and marks it as such', () => {
    const result = validator.validate({ ...message, cost_usd: 0.25 });
    if (!result.ok) throw new Error('expected valid');
    const normalised = normaliseEvent(result.event, {
      project: 'p',
      receivedAt: 0,
    }) as NormalisedMessage;
    expect([normalised.cost_usd, normalised.cost_source]).toEqual([0.25, 'reported']);
  });

  it('names every bad field with a dotted path', () => {
    const result = validator.validate({
      ...message,
      role: 'robot',
      tokens: { input: -1 },
      message_id: undefined,
      timestamp: 'yesterday',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.id).toBe('m-1');
    const byPath = Object.fromEntries(result.errors.map((e) => [e.path, e.message]));
    expect(byPath).toEqual({
      message_id: 'is required',
      role: 'must be one of user, assistant, system',
      'tokens.input': 'must be >= 0',
      timestamp: 'must be ISO-8601 with offset, or epoch milliseconds',
    });
  });

  it('rejects epoch seconds, which would silently land in 1970', () => {
    const result = validator.validate({ ...message, timestamp: 1_767_225_600 });
    expect(result.ok).toBe(false);
  });

  it('rejects an unknown type and non-objects', () => {
    expect(validator.validate({ ...message, type: 'nope' })).toMatchObject({
      ok: false,
      errors: [{ path: 'type' }],
    });
    expect(validator.validate(42)).toMatchObject({ ok: false, errors: [{ path: '' }] });
  });

  it('requires session_id except for pipeline, http_request and log', () => {
    const { session_id: _omit, ...noSession } = message;
    expect(validator.validate(noSession)).toMatchObject({
      ok: false,
      errors: [{ path: 'session_id' }],
    });
    const request = {
      id: 'h-1',
      type: 'http_request',
      timestamp: 1_767_225_600_000,
      service: 'api',
      method: 'GET',
      route: '/x',
      status_code: 200,
      duration_ms: 3.5,
    };
    expect(validator.validate(request).ok).toBe(true);
  });
});
