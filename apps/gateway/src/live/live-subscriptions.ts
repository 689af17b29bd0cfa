import type { ChangeNotice } from '@agentpulse/change-feed';
import { livePushes, liveSnapshotDuration, type Logger } from '@agentpulse/observability';
import type { Namespace } from 'socket.io';
import type { GlobalSummary, LiveGlobalQuery } from '../queries/live-global.query';
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
  summary: SessionSummary | GlobalSummary;
}

/** The `session.started` message: a session's first events were stored. */
export interface SessionStartedMessage {
  session_id: string;
  at: string;
}

/**
 * Decides which gateway announces something when several serve the same rooms through the
 * socket.io Redis adapter: `claim` succeeds for one caller per key until `ttlMs` passes.
 */
export interface Claims {
  claim(key: string, ttlMs: number): Promise<boolean>;
}

interface RoomState {
  timer?: NodeJS.Timeout;
  running: boolean;
  pending: boolean;
  /** the last claim failed: the next attempt that fails too may drop the push (see push) */
  lostClaim: boolean;
  lastPushAt: number;
}

/** How long a `session.started` claim lasts: repeats of one notice arrive within it. */
const STARTED_CLAIM_MS = 60_000;

/** Rooms are per project, so a socket can only ever be in its own project's rooms. */
export function roomFor(project: string, scope: LiveScope, id?: string): string {
  return scope === 'global' ? `${project}\u0000global` : `${project}\u0000session\u0000${id}`;
}

/** The room every socket of a project joins on connect, for project-wide notices. */
export function projectRoom(project: string): string {
  return `${project}\u0000project`;
}

/**
 * Turns change notices into `kpi` pushes: at most one push per room per `coalesceMs` across
 * all gateways, however many batches land, and each push reads the stored stats after the
 * change. Every gateway receives every notice; one of those with subscribers in the room
 * computes the push and the socket.io adapter delivers it to the room's sockets on all of them.
 */
export class LiveSubscriptions {
  private readonly rooms = new Map<string, RoomState>();
  private namespace?: Namespace;

  constructor(
    private readonly summaries: SessionSummaryQuery,
    private readonly global: LiveGlobalQuery,
    private readonly claims: Claims,
    private readonly coalesceMs: number,
    private readonly logger: Logger,
  ) {}

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  async snapshot(project: string, scope: LiveScope, id?: string): Promise<KpiMessage> {
    const timer = liveSnapshotDuration.startTimer({ scope });
    try {
      return await this.read(project, scope, id);
    } finally {
      timer();
    }
  }

  private async read(project: string, scope: LiveScope, id?: string): Promise<KpiMessage> {
    const now = Date.now();
    const at = new Date(now).toISOString();
    if (scope === 'global') {
      return { scope, at, summary: await this.global.forProject(project, now) };
    }
    const kpis = await this.summaries.forSession(project, id as string);
    return { scope, id, at, summary: kpis?.summary ?? emptySummary() };
  }

  /** The snapshot, or undefined (logged) when it cannot be read. */
  async trySnapshot(
    project: string,
    scope: LiveScope,
    id?: string,
  ): Promise<KpiMessage | undefined> {
    try {
      return await this.snapshot(project, scope, id);
    } catch (error) {
      this.logger.warn({ err: error, scope }, 'live snapshot failed');
      return undefined;
    }
  }

  onChange(notice: ChangeNotice): void {
    if (notice.started_session_ids?.length) this.announceStarted(notice);
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

  close(): void {
    for (const state of this.rooms.values()) clearTimeout(state.timer);
    this.rooms.clear();
  }

  private hasLocalMembers(room: string): boolean {
    return (this.namespace?.adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  private watchesSessions(project: string): boolean {
    const prefix = roomFor(project, 'session', '');
    for (const [room, sockets] of this.namespace?.adapter.rooms ?? [])
      if (sockets.size > 0 && room.startsWith(prefix)) return true;
    return false;
  }

  private announceStarted(notice: ChangeNotice): void {
    const room = projectRoom(notice.project);
    if (!this.hasLocalMembers(room)) return;
    const at = new Date(notice.at).toISOString();
    for (const sessionId of notice.started_session_ids ?? []) {
      this.claims.claim(`started:${notice.project}:${sessionId}`, STARTED_CLAIM_MS).then(
        (won) => {
          const message: SessionStartedMessage = { session_id: sessionId, at };
          if (won) this.namespace?.to(room).emit('session.started', message);
        },
        (error: unknown) => this.logger.warn({ err: error }, 'could not announce a new session'),
      );
    }
  }

  /**
   * A push claim lasts most of a window: this gateway's next push, a window after this one
   * started, must find its own claim expired, and a gateway that lost retries a whole window
   * after its attempt, when the winner's claim has expired too.
   */
  private claimMs(): number {
    return Math.max(1, Math.floor(this.coalesceMs * 0.8));
  }

  private markDirty(project: string, scope: LiveScope, id?: string): void {
    const room = roomFor(project, scope, id);
    if (!this.hasLocalMembers(room)) return;
    let state = this.rooms.get(room);
    if (!state) {
      state = { running: false, pending: false, lostClaim: false, lastPushAt: 0 };
      this.rooms.set(room, state);
    }
    if (state.timer || state.running) {
      state.pending = true;
      return;
    }
    const wait = Math.max(0, state.lastPushAt + this.coalesceMs - Date.now());
    const current = state;
    state.timer = setTimeout(() => void this.push(room, current, project, scope, id), wait);
  }

  /**
   * One push for the room, if this gateway wins the room's claim (see claimMs).
   * A gateway that loses tries once more when that claim has expired: the winner may have
   * read the stats before this change. If it loses again, another gateway claimed after this
   * change arrived, so that gateway's push includes it.
   */
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
    // The window counts from the start of a push, so a slow read does not stretch it.
    state.lastPushAt = Date.now();
    let retry = false;
    try {
      if (!(await this.claims.claim(`push:${room}`, this.claimMs()))) {
        retry = !state.lostClaim;
        state.lostClaim = retry;
        // the winner's claim was taken before this answer, so it has expired a window from now
        state.lastPushAt = Date.now();
        return;
      }
      state.lostClaim = false;
      const message = await this.snapshot(project, scope, id);
      this.namespace?.to(room).emit('kpi', message);
      livePushes.inc({ scope });
    } catch (error) {
      this.logger.warn({ err: error, scope }, 'live kpi push failed');
    } finally {
      state.running = false;
      if (state.pending || retry) this.markDirty(project, scope, id);
      else if (!this.hasLocalMembers(room)) this.rooms.delete(room);
    }
  }
}
