import { io, type Socket } from 'socket.io-client';
import { explainRefusedHandshake } from './api-client';

export type LiveScope = 'global' | 'session';
export interface Subscription {
  scope: LiveScope;
  id?: string;
}

/** A `kpi` message of socket.io `/live` (CONTRACT.md "Live KPIs"). */
export interface KpiMessage {
  scope: LiveScope;
  id?: string;
  at: string;
  summary: Record<string, unknown>;
}

export interface SessionStarted {
  session_id: string;
  at: string;
}

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface LiveConnectionEvents {
  onState(state: ConnectionState): void;
  /** the handshake was refused for the key: the explanation a person should read */
  onRefused(message: string): void;
}

const keyOf = (s: Subscription) => (s.scope === 'global' ? 'global' : `session:${s.id}`);

/**
 * One socket.io connection to `/live` for the page. Views subscribe and unsubscribe; the
 * connection keeps the set and sends it again on every connect, so a reconnect brings a fresh
 * snapshot of everything shown.
 */
export class LiveConnection {
  private readonly socket: Socket;
  private readonly subscriptions = new Map<
    string,
    {
      subscription: Subscription;
      listeners: Set<(message: KpiMessage) => void>;
      latest?: KpiMessage;
    }
  >();
  private readonly startedListeners = new Set<(notice: SessionStarted) => void>();

  constructor(origin: string, token: string, events: LiveConnectionEvents) {
    this.socket = io(`${origin}/live`, { auth: { token } });
    events.onState('connecting');
    this.socket.on('connect', () => {
      events.onState('live');
      for (const { subscription } of this.subscriptions.values())
        this.socket.emit('subscribe', subscription);
    });
    this.socket.on('disconnect', (reason) => {
      events.onState('reconnecting');
      // The client retries by itself except after a disconnect the server asked for.
      if (reason === 'io server disconnect') this.socket.connect();
    });
    this.socket.on('connect_error', (error: Error) => {
      const refused = explainRefusedHandshake(error.message);
      if (refused) {
        events.onState('refused');
        events.onRefused(refused);
      } else events.onState('reconnecting');
    });
    this.socket.on('kpi', (message: KpiMessage) => {
      const entry = this.subscriptions.get(keyOf(message));
      if (!entry) return;
      entry.latest = message;
      for (const listener of entry.listeners) listener(message);
    });
    this.socket.on('session.started', (notice: SessionStarted) => {
      for (const listener of this.startedListeners) listener(notice);
    });
  }

  /** Receives `kpi` messages of one scope until the returned function is called. */
  subscribe(subscription: Subscription, listener: (message: KpiMessage) => void): () => void {
    const key = keyOf(subscription);
    let entry = this.subscriptions.get(key);
    if (!entry) {
      entry = { subscription, listeners: new Set() };
      this.subscriptions.set(key, entry);
      // While disconnected the connect handler subscribes; emitting now would do it twice.
      if (this.socket.connected) this.socket.emit('subscribe', subscription);
    }
    const listeners = entry.listeners;
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0 || this.subscriptions.get(key)?.listeners !== listeners) return;
      this.subscriptions.delete(key);
      if (this.socket.connected) this.socket.emit('unsubscribe', subscription);
    };
  }

  /** The last `kpi` message of a subscription, for a view that joins it after its snapshot. */
  latest(subscription: Subscription): KpiMessage | undefined {
    return this.subscriptions.get(keyOf(subscription))?.latest;
  }

  /** Receives `session.started` notices (sent to every socket of the project). */
  onSessionStarted(listener: (notice: SessionStarted) => void): () => void {
    this.startedListeners.add(listener);
    return () => this.startedListeners.delete(listener);
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}
