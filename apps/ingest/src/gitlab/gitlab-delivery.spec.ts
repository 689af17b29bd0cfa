import { deliveryEventId, hookKind, traceOf } from './gitlab-delivery';
import { MalformedHookError } from './gitlab-errors';
import { parseGitlabTime } from './gitlab-time';
import { gitlabFixture } from './testdata/gitlab-fixtures';

describe('hookKind', () => {
  it.each([
    ['Push Hook', 'push'],
    ['Merge Request Hook', 'merge_request'],
    ['Pipeline Hook', 'pipeline'],
    ['Job Hook', 'job'],
  ])('supports %s', (header, supported) => {
    expect(hookKind(header, {})).toEqual({ supported });
  });

  it('reads a system hook by its object_kind', () => {
    expect(hookKind('System Hook', gitlabFixture('push-main'))).toEqual({ supported: 'push' });
    expect(hookKind('System Hook', { object_kind: 'repository_update' })).toEqual({
      unsupported: 'System Hook',
    });
  });

  it('names unsupported hooks, and bounds odd header text to "other"', () => {
    expect(hookKind('Note Hook', gitlabFixture('note-hook'))).toEqual({ unsupported: 'Note Hook' });
    expect(hookKind('x'.repeat(200), {})).toEqual({ unsupported: 'other' });
    expect(hookKind('Hook"} 1\nfake_metric', {})).toEqual({ unsupported: 'other' });
  });
});

describe('traceOf', () => {
  it('refuses a malformed supported hook with the path of each problem', () => {
    const hook = gitlabFixture('pipeline-running') as unknown as Record<string, unknown>;
    (hook.object_attributes as Record<string, unknown>).id = 'seven';
    (hook.object_attributes as Record<string, unknown>).created_at = 'yesterday';
    const call = () => traceOf('pipeline', hook, Date.now());
    expect(call).toThrow(MalformedHookError);
    expect(call).toThrow(/object_attributes\.id/);
    expect(call).toThrow(/object_attributes\.created_at: "yesterday" is not a time/);
  });

  it('refuses a body of another kind than its header says', () => {
    expect(() => traceOf('job', gitlabFixture('push-main'), Date.now())).toThrow(/object_kind/);
  });
});

describe('deliveryEventId', () => {
  const body = gitlabFixture('pipeline-running');
  const id = (headers: { idempotencyKey?: string; eventUuid?: string }, payload: unknown = body) =>
    deliveryEventId('pipeline', 'gitlab:pipeline:1', headers, payload);

  it('is the same for a redelivery and differs between deliveries', () => {
    expect(id({ eventUuid: 'u-1' })).toBe(id({ eventUuid: 'u-1' }));
    expect(id({ eventUuid: 'u-1' })).not.toBe(id({ eventUuid: 'u-2' }));
    expect(id({ idempotencyKey: 'k-1', eventUuid: 'u-1' })).toBe(
      id({ idempotencyKey: 'k-1', eventUuid: 'u-9' }),
    );
  });

  it('falls back to the body, and keeps hook kinds and pipelines apart', () => {
    expect(id({})).toBe(id({}, gitlabFixture('pipeline-running')));
    expect(id({})).not.toBe(id({}, gitlabFixture('pipeline-success')));
    expect(deliveryEventId('job', 'gitlab:pipeline:1', { eventUuid: 'u' }, body)).not.toBe(
      id({ eventUuid: 'u' }),
    );
    expect(deliveryEventId('pipeline', 'gitlab:pipeline:2', { eventUuid: 'u' }, body)).not.toBe(
      id({ eventUuid: 'u' }),
    );
    expect(id({ eventUuid: 'x'.repeat(5000) }).length).toBeLessThanOrEqual(128);
  });
});

describe('parseGitlabTime', () => {
  it.each([
    ['2016-08-12 15:23:28 UTC', Date.UTC(2016, 7, 12, 15, 23, 28)],
    ['2021-02-23T02:41:37.886Z', Date.UTC(2021, 1, 23, 2, 41, 37, 886)],
    ['2011-12-12T14:27:31+02:00', Date.UTC(2011, 11, 12, 12, 27, 31)],
    ['2021-04-28 21:50:00 +0200', Date.UTC(2021, 3, 28, 19, 50, 0)],
    ['2013-12-03T17:23:34Z', Date.UTC(2013, 11, 3, 17, 23, 34)],
  ])('reads %s', (text, ms) => {
    expect(parseGitlabTime(text)).toBe(ms);
  });

  it.each(['yesterday', '2016-08-12', '12/08/2016 15:23', '2016-13-45 99:00:00 UTC'])(
    'refuses %s',
    (text) => {
      expect(parseGitlabTime(text)).toBeUndefined();
    },
  );
});
