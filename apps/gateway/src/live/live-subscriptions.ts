import type { ChangeNotice } from '@agentpulse/change-feed';
import { livePushes, type Logger } from '@agentpulse/observability';
import type { Namespace } from 'socket.io';
import {
  emptySummary,
  type SessionSummary,
  type SessionSummaryQuery,
} from '../queries/session-summary.query';

export type LiveScope = 'global' | 'session';

/** The `kpi` message (CONTRACT.md "Live KPIs"). */
export interface KpiMessage {
  scope: LiveScope;
  id?: string;
  at: string;
  summary: SessionSummary | Record<string, number>;
}

interface RoomState {
  timer?: NodeJS.Timeout;
  running: boolean;
  pending: boolean;
  lastPushAt: number;
}

/** Rooms are per project, so a socket can only ever be in its own project's rooms. */
export function roomFor(project: string, scope: LiveScope, id?: string): string {
  return scope === 'global' ? `${project}\u0000global` : `${project}\u0000session\u0000${id}`;
}

/**
 * Turns change notices into `kpi` pushes: at most one push per room per `coalesceMs`, however
 * many batches land, and each push reads the stored stats after the change.
 */
export class LiveSubscriptions {
  private readonly rooms = new Map<string, RoomState>();
  private namespace?: Namespace;

  constructor(
    private readonly summaries: SessionSummaryQuery,
    private readonly coalesceMs: number,
    private readonly logger: Logger,
  ) {}

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  async snapshot(project: string, scope: LiveScope, id?: string): Promise<KpiMessage> {
    const at = new Date().toISOString();
    if (scope === 'global') {
      return { scope, at, summary: await this.summaries.forProject(project) };
    }
    const kpis = await this.summaries.forSession(project, id as string);
    return { scope, id, at, summary: kpis?.summary ?? emptySummary() };
  }

  onChange(notice: ChangeNotice): void {
    this.markDirty(notice.project, 'global');
    for (const sessionId of notice.session_ids)
      this.markDirty(notice.project, 'session', sessionId);
    // A session's summary includes its child sessions: their changes reach its subscribers.
    if (this.watchesSessions(notice.project) && notice.session_ids.length > 0) {
      this.summaries.ancestors(notice.project, notice.session_ids).then(
        (ancestors) => {
          for (const id of ancestors) this.markDirty(notice.project, 'session', id);
        },
        (error: unknown) => this.logger.warn({ err: error }, 'could not resolve parent sessions'),
      );
    }
  }

  private watchesSessions(project: string): boolean {
    const prefix = roomFor(project, 'session', '');
    for (const [room, sockets] of this.namespace?.adapter.rooms ?? [])
      if (sockets.size > 0 && room.startsWith(prefix)) return true;
    return false;
  }

  close(): void {
    for (const state of this.rooms.values()) clearTimeout(state.timer);
    this.rooms.clear();
  }

  private markDirty(project: string, scope: LiveScope, id?: string): void {
    const room = roomFor(project, scope, id);
    if (!this.namespace?.adapter.rooms.get(room)?.size) return;
    let state = this.rooms.get(room);
    if (!state) this.rooms.set(room, (state = { running: false, pending: false, lastPushAt: 0 }));
    if (state.timer || state.running) {
      state.pending = true;
      return;
    }
    const wait = Math.max(0, state.lastPushAt + this.coalesceMs - Date.now());
    state.timer = setTimeout(() => void this.push(room, state, project, scope, id), wait);
  }

  private async push(
    room: string,
    state: RoomState,
    project: string,
    scope: LiveScope,
    id?: string,
  ): Promise<void> {
    state.timer = undefined;
    state.running = true;
    state.pending = false;
    try {
      const message = await this.snapshot(project, scope, id);
      this.namespace?.to(room).emit('kpi', message);
      livePushes.inc({ scope });
    } catch (error) {
      this.logger.warn({ err: error, scope }, 'live kpi push failed');
    } finally {
      state.running = false;
      state.lastPushAt = Date.now();
      if (state.pending) this.markDirty(project, scope, id);
      else if (!this.namespace?.adapter.rooms.get(room)?.size) this.rooms.delete(room);
    }
  }
}
