import type { Logger } from '@agentpulse/observability';
import type { Namespace } from 'socket.io';
import type { LiveGlobalQuery } from '../queries/live-global.query';
import type { SessionSummaryQuery } from '../queries/session-summary.query';
import { LiveSubscriptions, projectRoom, roomFor, type Claims } from './live-subscriptions';

const COALESCE_MS = 250;

/** A namespace with local rooms that records what is emitted to which room. */
function fakeNamespace(rooms: string[]) {
  const emitted: Array<{ room: string; event: string; payload: unknown }> = [];
  const namespace = {
    adapter: { rooms: new Map(rooms.map((room) => [room, new Set(['socket-1'])])) },
    to: (room: string) => ({
      emit: (event: string, payload: unknown) => emitted.push({ room, event, payload }),
    }),
  };
  return { namespace: namespace as unknown as Namespace, emitted };
}

function subscriptions(claims: Claims, rooms: string[]) {
  let reads = 0;
  const global = {
    forProject: () => Promise.resolve({ reads: ++reads }),
  } as unknown as LiveGlobalQuery;
  const summaries = {
    forSession: () => Promise.resolve(undefined),
    ancestors: () => Promise.resolve([]),
  } as unknown as SessionSummaryQuery;
  const logger = { warn: jest.fn() } as unknown as Logger;
  const live = new LiveSubscriptions(summaries, global, claims, COALESCE_MS, logger);
  const { namespace, emitted } = fakeNamespace(rooms);
  live.attach(namespace);
  return { live, emitted };
}

const notice = (started: string[] = []) => ({
  project: 'p',
  session_ids: [],
  started_session_ids: started,
  at: 0,
});

/** Lets the fake timers and the promises they start run for `ms`. */
async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

describe('LiveSubscriptions', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('turns bursts of changes into a push at once and one more after the window', async () => {
    const { live, emitted } = subscriptions({ claim: () => Promise.resolve(true) }, [
      roomFor('p', 'global'),
    ]);
    for (let i = 0; i < 100; i += 1) live.onChange(notice());
    await advance(0);
    expect(emitted).toHaveLength(1);
    for (let i = 0; i < 100; i += 1) {
      live.onChange(notice());
      await advance(1);
    }
    expect(emitted).toHaveLength(1);
    await advance(COALESCE_MS * 4);
    expect(emitted.map((e) => e.event)).toEqual(['kpi', 'kpi']);
    live.close();
  });

  it('pushes nothing for rooms without local sockets', async () => {
    const { live, emitted } = subscriptions({ claim: () => Promise.resolve(true) }, []);
    live.onChange(notice(['s1']));
    await advance(COALESCE_MS * 4);
    expect(emitted).toEqual([]);
  });

  it('after losing the claim to another gateway, tries once more when the claim expires', async () => {
    const answers = [false, true];
    const claim = jest.fn(() => Promise.resolve(answers.shift() ?? false));
    const { live, emitted } = subscriptions({ claim }, [roomFor('p', 'global')]);
    live.onChange(notice());
    await advance(0);
    expect(emitted).toHaveLength(0);
    await advance(COALESCE_MS);
    expect(claim).toHaveBeenCalledTimes(2);
    expect(emitted).toHaveLength(1);
    live.close();
  });

  it('drops the push after losing twice: the second winner claimed after the change', async () => {
    const claim = jest.fn(() => Promise.resolve(false));
    const { live, emitted } = subscriptions({ claim }, [roomFor('p', 'global')]);
    live.onChange(notice());
    await advance(COALESCE_MS * 10);
    expect(claim).toHaveBeenCalledTimes(2);
    expect(emitted).toEqual([]);
  });

  it('announces a started session once, only from the gateway that wins its claim', async () => {
    const won = new Set<string>();
    const claims: Claims = {
      claim: (key) => Promise.resolve(!won.has(key) && Boolean(won.add(key))),
    };
    const first = subscriptions(claims, [projectRoom('p')]);
    const second = subscriptions(claims, [projectRoom('p')]);
    first.live.onChange(notice(['s1', 's2']));
    second.live.onChange(notice(['s1', 's2']));
    await advance(0);
    const announced = [...first.emitted, ...second.emitted].filter(
      (e) => e.event === 'session.started',
    );
    expect(announced.map((e) => (e.payload as { session_id: string }).session_id).sort()).toEqual([
      's1',
      's2',
    ]);
    expect(announced.every((e) => e.room === projectRoom('p'))).toBe(true);
  });
});
