import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { LiveConnection, type ConnectionState, type KpiMessage } from './live-connection';

/**
 * LiveConnection against a real socket.io server on loopback that plays the gateway's `/live`
 * namespace: it records subscriptions and answers each with a snapshot.
 */
describe('LiveConnection', () => {
  let http: HttpServer;
  let io: Server;
  let origin: string;
  let received: Array<{ event: string; body: unknown }>;
  let sockets: Socket[];
  let connection: LiveConnection | undefined;

  beforeEach(async () => {
    received = [];
    sockets = [];
    http = createServer();
    io = new Server(http);
    const live = io.of('/live');
    live.use((socket, next) =>
      socket.handshake.auth.token === 'good'
        ? next()
        : next(new Error('unauthorized: pass a valid API key as auth.token')),
    );
    live.on('connection', (socket) => {
      sockets.push(socket);
      for (const event of ['subscribe', 'unsubscribe'])
        socket.on(event, (body: { scope: string; id?: string }) => {
          received.push({ event, body });
          if (event === 'subscribe')
            socket.emit('kpi', { ...body, at: new Date().toISOString(), summary: { n: 1 } });
        });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    connection?.close();
    connection = undefined;
    await new Promise((resolve) => io.close(resolve));
  });

  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 5_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const open = (token: string) => {
    const states: ConnectionState[] = [];
    const refusals: string[] = [];
    connection = new LiveConnection(origin, token, {
      onState: (state) => states.push(state),
      onRefused: (message) => refusals.push(message),
    });
    return { connection, states, refusals };
  };

  it('subscribes once per scope, routes each kpi to its listeners and unsubscribes with the last', async () => {
    const { connection, states } = open('good');
    const global: KpiMessage[] = [];
    const session: KpiMessage[] = [];
    const stopGlobal = connection.subscribe({ scope: 'global' }, (m) => global.push(m));
    const stopSecond = connection.subscribe({ scope: 'global' }, () => undefined);
    connection.subscribe({ scope: 'session', id: 's1' }, (m) => session.push(m));
    await until(() => global.length === 1 && session.length === 1, 'both snapshots');
    expect(states).toEqual(['connecting', 'live']);
    expect(received.filter((r) => r.event === 'subscribe').map((r) => r.body)).toEqual([
      { scope: 'global' },
      { scope: 'session', id: 's1' },
    ]);
    expect(session[0]).toMatchObject({ scope: 'session', id: 's1' });
    expect(connection.latest({ scope: 'global' })).toEqual(global[0]);

    stopGlobal();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.some((r) => r.event === 'unsubscribe')).toBe(false);
    stopSecond();
    await until(() => received.some((r) => r.event === 'unsubscribe'), 'the unsubscribe');
    expect(received.find((r) => r.event === 'unsubscribe')?.body).toEqual({ scope: 'global' });
  });

  it('sends every current subscription again after a reconnect, for fresh snapshots', async () => {
    const { connection, states } = open('good');
    const global: KpiMessage[] = [];
    connection.subscribe({ scope: 'global' }, (m) => global.push(m));
    connection.subscribe({ scope: 'session', id: 's2' }, () => undefined);
    const subscribes = () => received.filter((r) => r.event === 'subscribe');
    await until(
      () => global.length === 1 && sockets.length === 1 && subscribes().length === 2,
      'the first snapshot and both subscriptions',
    );
    // The server drops the connection, as a restart or a network cut would.
    sockets[0].disconnect(true);
    await until(
      () => global.length === 2 && subscribes().length === 4,
      'a snapshot and both subscriptions again after the reconnect',
    );
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    expect(subscribes().map((r) => r.body)).toEqual([
      { scope: 'global' },
      { scope: 'session', id: 's2' },
      { scope: 'global' },
      { scope: 'session', id: 's2' },
    ]);
  });

  it('passes session.started notices on', async () => {
    const { connection } = open('good');
    const started: unknown[] = [];
    connection.onSessionStarted((notice) => started.push(notice));
    await until(() => sockets.length === 1, 'the connection');
    sockets[0].emit('session.started', { session_id: 's9', at: '2026-11-23T10:00:00.000Z' });
    await until(() => started.length === 1, 'the notice');
    expect(started[0]).toEqual({ session_id: 's9', at: '2026-11-23T10:00:00.000Z' });
  });

  it('explains a refused handshake', async () => {
    const { states, refusals } = open('bad');
    await until(() => refusals.length === 1, 'the refusal');
    expect(refusals).toEqual(['This API key was not accepted']);
    expect(states).toEqual(['connecting', 'refused']);
  });
});
