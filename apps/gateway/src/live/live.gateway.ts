import { Inject } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { API_KEYS } from '@agentpulse/service-kit';
import type { ApiKeyRegistry, Principal } from '@agentpulse/config';
import type { Namespace, Socket } from 'socket.io';
import { LiveSubscriptions, projectRoom, roomFor, type LiveScope } from './live-subscriptions';

interface SubscribeRequest {
  scope?: unknown;
  id?: unknown;
}
const MAX_SUBSCRIPTIONS = 100;
type Ack = { ok: true } | { ok: false; error: string };

function principalOf(socket: Socket): Principal {
  return socket.data.principal as Principal;
}

function parseRequest(
  body: SubscribeRequest | undefined,
): { scope: LiveScope; id?: string } | string {
  if (body?.scope === 'global') return { scope: 'global' };
  if (body?.scope === 'session') {
    if (typeof body.id !== 'string' || body.id.length === 0 || body.id.length > 128) {
      return 'a session subscription needs "id": the session id (1-128 characters)';
    }
    return { scope: 'session', id: body.id };
  }
  return '"scope" must be "global" or "session"';
}

/**
 * socket.io namespace `/live`: handshake auth with a `read` key, subscribe → snapshot → pushes.
 * Every socket is in its project's room for `session.started`. A client that reconnects
 * subscribes again and so gets a fresh snapshot.
 */
// Clients only send small subscribe messages: a larger packet closes the connection.
@WebSocketGateway({ namespace: '/live', maxHttpBufferSize: 16_384 })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection {
  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeyRegistry,
    @Inject(LiveSubscriptions) private readonly live: LiveSubscriptions,
  ) {}

  afterInit(namespace: Namespace): void {
    this.live.attach(namespace);
    namespace.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const principal = this.keys.authenticate(typeof token === 'string' ? token : undefined);
      if (!principal) return next(new Error('unauthorized: pass a valid API key as auth.token'));
      if (!principal.scopes.has('read'))
        return next(new Error('forbidden: this API key lacks the "read" scope'));
      socket.data.principal = principal;
      next();
    });
  }

  async handleConnection(socket: Socket): Promise<void> {
    await socket.join(projectRoom(principalOf(socket).project));
  }

  @SubscribeMessage('subscribe')
  async subscribe(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: SubscribeRequest,
  ): Promise<Ack> {
    const request = parseRequest(body);
    if (typeof request === 'string') return { ok: false, error: request };
    const { project } = principalOf(socket);
    // its own id and its project's room, then one room per subscription
    if (socket.rooms.size >= MAX_SUBSCRIPTIONS + 2)
      return { ok: false, error: `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection` };
    await socket.join(roomFor(project, request.scope, request.id));
    const snapshot = await this.live.trySnapshot(project, request.scope, request.id);
    if (!snapshot) return { ok: false, error: 'the KPIs could not be read just now; try again' };
    socket.emit('kpi', snapshot);
    return { ok: true };
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: SubscribeRequest,
  ): Promise<Ack> {
    const request = parseRequest(body);
    if (typeof request === 'string') return { ok: false, error: request };
    await socket.leave(roomFor(principalOf(socket).project, request.scope, request.id));
    return { ok: true };
  }
}
