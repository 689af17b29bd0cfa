import { Inject } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { API_KEYS } from '@agentpulse/service-kit';
import type { ApiKeyRegistry, Principal } from '@agentpulse/config';
import type { Namespace, Socket } from 'socket.io';
import { LiveSubscriptions, roomFor, type LiveScope } from './live-subscriptions';

interface SubscribeRequest {
  scope?: unknown;
  id?: unknown;
}
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

/** socket.io namespace `/live`: handshake auth with a `read` key, subscribe → snapshot → pushes. */
@WebSocketGateway({ namespace: '/live' })
export class LiveGateway implements OnGatewayInit {
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

  @SubscribeMessage('subscribe')
  async subscribe(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: SubscribeRequest,
  ): Promise<Ack> {
    const request = parseRequest(body);
    if (typeof request === 'string') return { ok: false, error: request };
    const { project } = principalOf(socket);
    await socket.join(roomFor(project, request.scope, request.id));
    socket.emit('kpi', await this.live.snapshot(project, request.scope, request.id));
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
