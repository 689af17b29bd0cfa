import { startAgentPulse, type AgentPulseRuntime } from '@agentpulse/cli';
import {
  expectedLiveGlobal,
  expectedSessionKpis,
  liveWorld,
  type GeneratedEvent,
} from '@agentpulse/test-support';
import { io, type Socket } from 'socket.io-client';
import { eventually, getJson, postEvents, postGenerated } from './support/http-client';
import {
  KEYS,
  keyOf,
  pipelineEnv,
  startPipeline,
  waitForConsumerCatchUp,
  type TestPipeline,
} from './support/test-pipeline';

jest.setTimeout(180_000);

const COALESCE_MS = 200;

interface Kpi {
  scope: 'global' | 'session';
  id?: string;
  at: string;
  summary: Record<string, number | string | null>;
}

/** A socket.io client that records what it receives; it subscribes again on every connect. */
interface Client {
  socket: Socket;
  kpis: Kpi[];
  started: string[];
  connects: number;
  subscribe(request: { scope: string; id?: string }): Promise<unknown>;
}

/** Numbers equal; costs and rates (float sums in another order) to 1e-9 relative. */
function mismatches(got: Kpi['summary'], want: object): string[] {
  return Object.entries(want).flatMap(([key, value]) => {
    const actual = got[key];
    const close =
      typeof actual === 'number' && typeof value === 'number'
        ? Math.abs(actual - value) <= 1e-9 * Math.max(1, Math.abs(value))
        : actual === value;
    return close ? [] : [`${key}: got ${String(actual)}, want ${String(value)}`];
  });
}

const lastGlobal = (client: Client) => client.kpis.filter((k) => k.scope === 'global').at(-1);

describe('live KPIs over socket.io, two gateways sharing Redis', () => {
  let pipeline: TestPipeline;
  let second: AgentPulseRuntime;
  let secondUrl: string;
  const clients: Client[] = [];
  const sent: GeneratedEvent[] = [];

  function connect(url: string, token: string, options: { reconnect?: boolean } = {}): Client {
    const socket = io(`${url}/live`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: options.reconnect ?? false,
      reconnectionDelay: 2_500,
      randomizationFactor: 0,
    });
    const subscriptions: Array<{ scope: string; id?: string }> = [];
    const client: Client = {
      socket,
      kpis: [],
      started: [],
      connects: 0,
      subscribe: (request) => {
        subscriptions.push(request);
        return socket.emitWithAck('subscribe', request);
      },
    };
    socket.on('kpi', (kpi: Kpi) => client.kpis.push(kpi));
    socket.on('session.started', (m: { session_id: string }) => client.started.push(m.session_id));
    socket.on('connect', () => {
      client.connects += 1;
      if (client.connects > 1)
        for (const request of subscriptions) socket.emit('subscribe', request);
    });
    clients.push(client);
    return client;
  }

  async function connected(client: Client): Promise<Client> {
    if (!client.socket.connected)
      await new Promise((resolve, reject) => {
        client.socket.once('connect', () => resolve(undefined));
        client.socket.once('connect_error', reject);
      });
    return client;
  }

  async function post(events: GeneratedEvent[]): Promise<void> {
    sent.push(...events);
    await postGenerated(pipeline.ingestUrl, events, ['alpha', 'beta'], keyOf);
  }

  beforeAll(async () => {
    const env = pipelineEnv('live', { LIVE_COALESCE_MS: String(COALESCE_MS) });
    pipeline = await startPipeline(env);
    // A second gateway process role on the same database and Redis, as a second replica.
    second = await startAgentPulse({ target: 'gateway', env, keepEmbeddedEngine: true });
    secondUrl = `http://127.0.0.1:${second.services.gateway?.port}`;
    const now = Date.now();
    await post([
      ...liveWorld({ seed: 1, project: 'alpha', now, sessions: 30, prefix: 'w1' }),
      ...liveWorld({ seed: 2, project: 'beta', now, sessions: 10, prefix: 'w1' }),
    ]);
    await waitForConsumerCatchUp(env);
  });

  afterAll(async () => {
    for (const client of clients) client.socket.disconnect();
    await second?.stop();
    await pipeline?.stop();
  });

  it('refuses a handshake without a valid read key, and bad subscriptions', async () => {
    const refused = (token: string) =>
      new Promise<Error>((resolve) =>
        connect(pipeline.gatewayUrl, token).socket.on('connect_error', resolve),
      );
    expect((await refused('wrong-key-wrong-key')).message).toMatch(/^unauthorized/);
    expect((await refused(KEYS.alphaIngestOnly)).message).toMatch(/^forbidden/);
    const client = await connected(connect(pipeline.gatewayUrl, KEYS.alphaReadOnly));
    expect(await client.subscribe({ scope: 'nope' })).toMatchObject({ ok: false });
    expect(await client.subscribe({ scope: 'session' })).toMatchObject({ ok: false });
    expect(client.kpis).toEqual([]);
  });

  it('answers a global subscription at once with every figure of the ground truth, per project', async () => {
    for (const [project, key] of [
      ['alpha', KEYS.alpha],
      ['beta', KEYS.beta],
    ]) {
      const client = await connected(connect(secondUrl, key));
      expect(await client.subscribe({ scope: 'global' })).toEqual({ ok: true });
      const snapshot = await eventually(async () => lastGlobal(client), 5_000, 'a snapshot');
      const want = expectedLiveGlobal(sent, project, Date.parse(snapshot.at));
      expect(want.active_sessions).toBeGreaterThan(0);
      expect(want.tokens_per_minute).toBeGreaterThan(0);
      expect(mismatches(snapshot.summary, want)).toEqual([]);
    }
  });

  it('pushes a burst as a few coalesced updates, the same ones through both gateways, ending at the ground truth', async () => {
    const watched = 'w1-s0';
    const first = await connected(connect(pipeline.gatewayUrl, KEYS.alpha));
    const other = await connected(connect(secondUrl, KEYS.alpha));
    const beta = await connected(connect(secondUrl, KEYS.beta));
    for (const client of [first, other]) {
      expect(await client.subscribe({ scope: 'global' })).toEqual({ ok: true });
      expect(await client.subscribe({ scope: 'session', id: watched })).toEqual({ ok: true });
    }
    expect(await beta.subscribe({ scope: 'global' })).toEqual({ ok: true });
    await eventually(async () => (first.kpis.length === 2 && other.kpis.length === 2) || undefined);
    const snapshots = { first: first.kpis.length, other: other.kpis.length };

    // 50 requests of new sessions plus messages in the watched session, one after another.
    const burst = liveWorld({
      seed: 3,
      project: 'alpha',
      now: Date.now(),
      sessions: 25,
      prefix: 'w2',
    });
    const extra: GeneratedEvent[] = [0, 1, 2, 3, 4].map((i) => ({
      project: 'alpha',
      event: {
        id: `w2-watched-${i}`,
        type: 'message',
        timestamp: Date.now(),
        session_id: watched,
        message_id: `w2-watched-${i}`,
        role: 'assistant',
        model: 'claude-sonnet-4',
        provider: 'anthropic',
        tokens: { input: 100 + i, output: 10 },
      },
    }));
    const events = [...burst, ...extra];
    const requests = 50;
    const size = Math.ceil(events.length / requests);
    for (let i = 0; i < events.length; i += size) {
      const batch = events.slice(i, i + size);
      sent.push(...batch);
      expect(
        (
          await postEvents(
            pipeline.ingestUrl,
            KEYS.alpha,
            batch.map((g) => g.event),
          )
        ).status,
      ).toBe(202);
    }
    await waitForConsumerCatchUp(pipeline.env);

    const want = (at: string) => expectedLiveGlobal(sent, 'alpha', Date.parse(at));
    const settled = await eventually(
      async () => {
        const last = lastGlobal(first);
        return last && mismatches(last.summary, want(last.at)).length === 0 ? last : undefined;
      },
      15_000,
      'a global push equal to the ground truth',
    ).catch(() => lastGlobal(first) as Kpi);
    expect(mismatches(settled.summary, want(settled.at))).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 3 * COALESCE_MS));

    // Both gateways' clients got the same pushes, each once: one gateway computed each.
    const pushes = first.kpis.slice(snapshots.first);
    expect(other.kpis.slice(snapshots.other)).toEqual(pushes);
    const globalTimes = pushes.filter((k) => k.scope === 'global').map((k) => Date.parse(k.at));
    expect(new Set(globalTimes).size).toBe(globalTimes.length);
    expect(globalTimes.length).toBeGreaterThanOrEqual(1);
    expect(globalTimes.length).toBeLessThan(requests / 2);
    for (let i = 1; i < globalTimes.length; i += 1)
      expect(globalTimes[i] - globalTimes[i - 1]).toBeGreaterThanOrEqual(COALESCE_MS / 2);

    // The watched session's last push holds its final figures.
    const session = pushes.filter((k) => k.scope === 'session').at(-1) as Kpi;
    expect(session.id).toBe(watched);
    const expected = expectedSessionKpis(sent).get(`alpha/${watched}`);
    const { tokens_in, total_tokens, cost_usd, messages_assistant, tool_calls } = expected ?? {};
    expect(
      mismatches(session.summary, {
        tokens_in,
        total_tokens,
        cost_usd,
        messages_assistant,
        tool_calls,
      }),
    ).toEqual([]);

    // Every new session was announced once to each alpha client, nothing to beta.
    const newSessions = [...new Set(burst.map((g) => g.event.session_id).filter(Boolean))].sort();
    expect([...first.started].sort()).toEqual(newSessions);
    expect([...other.started].sort()).toEqual(newSessions);
    expect(beta.started).toEqual([]);
    expect(beta.kpis).toHaveLength(1);
  });

  it('sends a fresh snapshot after a reconnect', async () => {
    const client = await connected(connect(pipeline.gatewayUrl, KEYS.alpha, { reconnect: true }));
    expect(await client.subscribe({ scope: 'global' })).toEqual({ ok: true });
    await eventually(async () => lastGlobal(client), 5_000, 'the first snapshot');
    const before = client.kpis.length;

    client.socket.io.engine.close(); // the transport drops; the client reconnects in 2.5 s
    const session = 'w3-after-drop';
    const event = {
      id: 'w3-0',
      type: 'message',
      timestamp: Date.now(),
      session_id: session,
      message_id: 'w3-m',
      role: 'user',
      tokens: { input: 7 },
    };
    await post([{ project: 'alpha', event }]);
    await eventually(
      async () =>
        (await getJson(`${pipeline.gatewayUrl}/v1/sessions/${session}/summary`, KEYS.alpha))
          .status === 200 || undefined,
      10_000,
      'the event stored',
    );
    expect(client.connects).toBe(1); // stored while the client was away
    await eventually(
      async () => (client.connects === 2 ? true : undefined),
      10_000,
      'the reconnect',
    );
    const snapshot = await eventually(async () => client.kpis[before], 5_000, 'a new snapshot');
    expect(
      mismatches(snapshot.summary, expectedLiveGlobal(sent, 'alpha', Date.parse(snapshot.at))),
    ).toEqual([]);
    expect(snapshot.summary.sessions).toBe(expectedLiveGlobal(sent, 'alpha', Date.now()).sessions);
  });
});
