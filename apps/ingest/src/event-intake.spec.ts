import { loadRiskRules, RiskClassifier } from '@agentpulse/risk';
import { ModelPriceTable } from '@agentpulse/pricing';
import type { NormalisedMessage } from '@agentpulse/schema';
import { BatchTooLargeError, EventIntake, partitionKey, UnreadableBodyError } from './event-intake';

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'message',
  timestamp: '2026-11-20T10:00:00Z',
  session_id: 's',
  message_id: id,
  role: 'assistant',
  model: 'claude-sonnet-4',
  tokens: { input: 1_000_000 },
  ...extra,
});

describe('EventIntake', () => {
  const intake = new EventIntake(new ModelPriceTable(), new RiskClassifier(loadRiskRules()), 3);

  it('accepts a JSON array, {events}, and NDJSON alike, priced and stamped with the project', () => {
    const forms = [[event('a')], { events: [event('a')] }, JSON.stringify(event('a'))];
    for (const body of forms) {
      const { accepted, rejected } = intake.process(body, 'proj', 99);
      expect(rejected).toEqual([]);
      const [message] = accepted as NormalisedMessage[];
      expect(message).toMatchObject({ project: 'proj', received_at: 99, cost_source: 'computed' });
      expect(message.cost_usd).toBeCloseTo(3, 12);
    }
  });

  it('rejects invalid events by index and keeps the valid ones', () => {
    const { accepted, rejected } = intake.process(
      [event('a'), event('b', { role: 'x' }), event('c')],
      'p',
      0,
    );
    expect(accepted.map((e) => e.id)).toEqual(['a', 'c']);
    expect(rejected).toEqual([
      {
        index: 1,
        id: 'b',
        errors: [{ path: 'role', message: 'must be one of user, assistant, system' }],
      },
    ]);
  });

  it('refuses empty, oversized and shapeless bodies with typed errors', () => {
    expect(() => intake.process([], 'p', 0)).toThrow(UnreadableBodyError);
    expect(() => intake.process('\n\n', 'p', 0)).toThrow(UnreadableBodyError);
    expect(() => intake.process({ nope: 1 }, 'p', 0)).toThrow(UnreadableBodyError);
    expect(() => intake.process([1, 2, 3, 4], 'p', 0)).toThrow(BatchTooLargeError);
  });

  it('keys records so that a session, or a pipeline, stays on one partition', () => {
    const [message] = intake.process([event('a')], 'p', 0).accepted;
    expect(partitionKey(message)).toBe('p/s');
    const pipeline = intake.process(
      [{ id: 'x', type: 'pipeline', timestamp: 1_767_225_600_000, pipeline_id: 'pl-1' }],
      'p',
      0,
    ).accepted[0];
    expect(partitionKey(pipeline)).toBe('p/pl-1');
  });
  it('classifies a file operation without risk and keeps a producer-given one', () => {
    const file = (id: string, path: string, extra: Record<string, unknown> = {}) => ({
      id,
      type: 'file_operation',
      timestamp: 1_700_000_000_000,
      session_id: 's',
      operation: 'write',
      path,
      ...extra,
    });
    const { accepted } = intake.process(
      [file('a', '/repo/.env'), file('b', 'src/x.ts', { risk: { level: 'high', reason: 'mine' } })],
      'p',
      0,
    );
    expect(accepted.map((e) => (e as { risk?: unknown }).risk)).toEqual([
      { level: 'critical', reason: expect.any(String) },
      { level: 'high', reason: 'mine' },
    ]);
  });
});
