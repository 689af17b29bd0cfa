import { SeededRandom } from './seeded-random';
import type { GeneratedEvent } from './session-generator';

export interface WorldGeneratorOptions {
  seed: number;
  projects: string[];
  /** root sessions per project; child sessions (sub-agents) come on top of these */
  sessionsPerProject: number;
  /** length of the generated time range in days; every event time falls inside it */
  days: number;
  /** start of the generated time range, epoch ms (UTC midnight) */
  from: number;
  /** share of events sent a second time (same id, same content), after the first copy */
  duplicateShare?: number;
}

const DAY_MS = 86_400_000;
const IDLE_THRESHOLD_MS = 300_000;

/** Models with cache prices, without them (gpt-3.5-turbo), and one the price table lacks. */
const MODELS: ReadonlyArray<{ model: string; provider: string; weight: number }> = [
  { model: 'claude-sonnet-4', provider: 'anthropic', weight: 35 },
  { model: 'gpt-4o', provider: 'openai', weight: 20 },
  { model: 'claude-3-5-haiku', provider: 'anthropic', weight: 12 },
  { model: 'gpt-3.5-turbo', provider: 'openai', weight: 15 },
  { model: 'in-house-model-x', provider: 'acme-internal', weight: 18 },
];
const MAIN_AGENTS = ['', 'build', 'build', 'plan'];
const SUB_AGENTS = ['explore', 'reviewer', 'general', 'build', 'docs-writer'];
const TOOLS = ['read', 'write', 'edit', 'bash', 'grep', 'glob', 'webfetch', 'todowrite', 'list'];
const SKILLS = ['git-release', 'pdf', 'frontend-design', 'testing', 'db-migrations'];
const ORDINARY_PATHS = [
  'src/x.ts',
  'src/index.ts',
  'src/app/server.ts',
  'src/utils/date.ts',
  'src/components/Button.tsx',
  'tests/app.spec.ts',
  'README.md',
  'package.json',
  'docs/guide.md',
  'tsconfig.json',
];
const RISKY_PATHS = [
  '.env',
  '.env.production',
  '~/.ssh/id_rsa',
  '.github/workflows/ci.yml',
  '/etc/hosts',
  'package-lock.json',
  '/home/dev/.aws/credentials',
  'secrets/prod.key',
];
const ERRORS = [
  { code: 'ENOENT', message: 'no such file or directory' },
  { code: 'EACCES', message: 'permission denied' },
  { code: 'TIMEOUT', message: 'command timed out after 120000 ms' },
  { code: 'EXIT_1', message: 'process exited with code 1', stderr: 'npm ERR! test failed' },
];
const OFFSETS = [0, 0, 120, -300, 330, 60, -480];

/** A generated event before its times take their wire form. */
interface Draft {
  project: string;
  seq: number;
  ts: number;
  event: Record<string, unknown> & { id: string; type: string; session_id: string };
}

/**
 * A realistic multi-day world of agent sessions for the KPI tests: every session event type,
 * families of child and grandchild sessions, multi-level delegations, tool calls in several
 * status events, file operations on risky paths, idle gaps, equal times, ISO times with
 * offsets, partly out-of-order delivery and retried (duplicated) events. Deterministic: the
 * same options give the same events in the same order.
 */
export function generateWorld(options: WorldGeneratorOptions): GeneratedEvent[] {
  if (options.days < 1) throw new Error('generateWorld: days must be at least 1');
  const world = new World(options);
  for (const project of options.projects) {
    for (let s = 0; s < options.sessionsPerProject; s += 1) world.rootFamily(project, s);
  }
  return world.deliver();
}

class World {
  readonly random: SeededRandom;
  readonly rangeStart: number;
  readonly rangeEnd: number;
  private readonly drafts: Draft[] = [];
  private seq = 0;
  private childCounter = new Map<string, number>();

  constructor(readonly options: WorldGeneratorOptions) {
    this.random = new SeededRandom(options.seed);
    this.rangeStart = options.from;
    this.rangeEnd = options.from + options.days * DAY_MS;
  }

  rootFamily(project: string, index: number): void {
    const r = this.random;
    const first = this.drafts.length;
    const start =
      this.rangeStart + r.int(0, Math.max(0, this.rangeEnd - this.rangeStart - 3_600_000));
    const writer = new SessionWriter(
      this,
      project,
      `ses-${this.options.seed}-${project}-${index}`,
      start,
      0,
    );
    writer.write();
    // Keep the whole family inside the range: move it back when it runs past the end.
    const family = this.drafts.slice(first);
    const max = Math.max(...family.map(maxTime));
    const overflow = max - (this.rangeEnd - 1);
    if (overflow > 0) {
      const min = Math.min(...family.map((d) => d.ts));
      const shift = Math.min(overflow, min - this.rangeStart);
      for (const draft of family) shiftDraft(draft, -shift);
    }
  }

  childSessionId(project: string): string {
    const n = this.childCounter.get(project) ?? 0;
    this.childCounter.set(project, n + 1);
    return `ses-${this.options.seed}-${project}-sub${n}`;
  }

  add(draft: Omit<Draft, 'seq'>): Draft {
    const full = { ...draft, seq: this.seq++ };
    this.drafts.push(full);
    return full;
  }

  /** Wire form, delivery order (partly out of order) and retried copies. */
  deliver(): GeneratedEvent[] {
    const r = this.random;
    const share = this.options.duplicateShare ?? 0;
    const queue: Array<{ at: number; seq: number; item: GeneratedEvent }> = [];
    let seq = 0;
    for (const draft of this.drafts) {
      const event = toWire(draft, r);
      const roll = r.int(0, 99);
      const delay =
        roll < 72
          ? 0
          : roll < 93
            ? r.int(0, 120_000)
            : roll < 99
              ? r.int(0, 3_600_000)
              : r.int(0, 2 * DAY_MS);
      const at = draft.ts + delay;
      queue.push({ at, seq: seq++, item: { project: draft.project, event } });
      if (r.chance(share)) {
        const copy = JSON.parse(JSON.stringify(event)) as GeneratedEvent['event'];
        queue.push({
          at: at + r.int(1, 600_000),
          seq: seq++,
          item: { project: draft.project, event: copy },
        });
      }
    }
    queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return queue.map((q) => q.item);
  }
}

function maxTime(draft: Draft): number {
  let max = draft.ts;
  for (const field of ['started_at', 'ended_at']) {
    const value = draft.event[field];
    if (typeof value === 'number') max = Math.max(max, value);
  }
  return max;
}

function shiftDraft(draft: Draft, by: number): void {
  draft.ts += by;
  for (const field of ['started_at', 'ended_at']) {
    const value = draft.event[field];
    if (typeof value === 'number') draft.event[field] = value + by;
  }
}

/** An ISO-8601 time with the given offset from UTC, e.g. `2026-01-05T14:03:07.120+02:00`. */
export function isoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

function wireTime(ms: number, r: SeededRandom): number | string {
  return r.chance(0.5) ? ms : isoWithOffset(ms, r.pick(OFFSETS));
}

function toWire(draft: Draft, r: SeededRandom): GeneratedEvent['event'] {
  const { id, type, session_id, ...fields } = draft.event;
  const event: GeneratedEvent['event'] = { id, type, timestamp: wireTime(draft.ts, r), session_id };
  if (r.chance(0.3)) event.source = 'opencode';
  for (const [key, value] of Object.entries(fields)) {
    event[key] =
      (key === 'started_at' || key === 'ended_at') && typeof value === 'number'
        ? wireTime(value, r)
        : value;
  }
  return event;
}

/** Writes one session (and, through delegations, its child sessions) in time order. */
class SessionWriter {
  /** the session's clock: the time the next event is written at */
  now: number;
  /** the latest event time written so far */
  maxTs: number;
  private eventSeq = 0;
  private messageSeq = 0;
  private callSeq = 0;
  private traceSeq = 0;
  private lastSessionEventTs = -Infinity;
  private parentGiven = false;
  private readonly r: SeededRandom;
  private readonly mainAgent: string;
  private readonly project: string;

  constructor(
    private readonly world: World,
    project: string,
    readonly sessionId: string,
    start: number,
    /** 0 for a root session, 1 for a child, 2 for a grandchild, ... */
    private readonly depth: number,
    private readonly parent?: { sessionId: string; traceId: string; agent: string },
  ) {
    this.project = project;
    this.r = world.random;
    this.now = start;
    this.maxTs = start;
    this.mainAgent = parent ? parent.agent : this.r.pick(MAIN_AGENTS);
  }

  write(): void {
    const r = this.r;
    const root = this.depth === 0;
    const roll = r.int(0, 99);
    const times = roll < 50 ? 'both' : roll < 75 ? 'none' : roll < 90 ? 'started' : 'ended';
    const startedAt = this.now;
    const startedInFirst = r.chance(0.8);
    const first: Record<string, unknown> = {};
    if (r.chance(0.9))
      first.title = root ? `Fix issue #${r.int(1, 9999)}` : `Sub-task for ${this.mainAgent}`;
    if (r.chance(0.8)) first.directory = `/home/dev/projects/app-${r.int(1, 20)}`;
    if (r.chance(0.85)) first.status = 'running';
    if ((times === 'both' || times === 'started') && startedInFirst) first.started_at = startedAt;
    if (this.parent && r.chance(0.7)) {
      first.parent_session_id = this.parent.sessionId;
      this.parentGiven = true;
    }
    this.sessionEvent(first);

    const rounds = root ? r.int(1, 4) : r.int(1, 3);
    let resumed = false;
    for (let round = 0; round < rounds; round += 1) {
      if (round > 0 && root && !resumed && this.world.options.days >= 2 && r.chance(0.12)) {
        // The user comes back hours or days later: the session spans several days.
        resumed = true;
        const maxGap = Math.min(
          2 * DAY_MS,
          Math.floor((this.world.options.days - 1) * DAY_MS * 0.6),
        );
        this.now += r.int(6 * 3_600_000, Math.max(6 * 3_600_000, maxGap));
      } else if (round > 0) this.advance(this.gap());
      if (round > 0 && r.chance(0.12)) {
        const update: Record<string, unknown> = { status: 'running' };
        if (r.chance(0.5)) update.title = r.chance(0.3) ? '' : `Renamed task ${r.int(1, 999)}`;
        if (this.parent && !this.parentGiven) {
          update.parent_session_id = this.parent.sessionId;
          this.parentGiven = true;
        }
        this.sessionEvent(update);
        this.advance(r.int(1, 5_000));
      }
      this.round(round);
    }

    this.advance(r.int(1, 60_000));
    this.now = Math.max(this.now, this.maxTs + 1);
    const ends = r.chance(0.8);
    if (ends || (this.parent && !this.parentGiven)) {
      const last: Record<string, unknown> = {};
      if (ends) last.status = r.chance(0.8) ? 'completed' : 'error';
      if (ends && (times === 'both' || times === 'ended')) last.ended_at = this.now;
      if ((times === 'both' || times === 'started') && (!startedInFirst || r.chance(0.3))) {
        last.started_at = startedAt;
      }
      if (r.chance(0.2)) last.title = '';
      if (this.parent && (!this.parentGiven || r.chance(0.3))) {
        last.parent_session_id = this.parent.sessionId;
        this.parentGiven = true;
      }
      this.sessionEvent(last);
    }
  }

  private round(round: number): void {
    const r = this.r;
    if (r.chance(round === 0 ? 0.1 : 0.03)) {
      this.message('system', { content: 'You are a careful coding agent.' });
      this.advance(this.gap());
    }
    this.message('user', {
      content: this.parent ? `Delegated: ${this.mainAgent}` : 'Please fix it',
    });
    if (r.chance(0.12)) {
      // A second user message before any reply: still one exchange.
      this.advance(this.gap());
      this.message('user', { content: 'Also update the tests' });
    }
    const replies = r.int(1, 3);
    for (let a = 0; a < replies; a += 1) {
      this.advance(r.chance(0.03) ? 0 : this.gap());
      const messageId = this.assistant(this.mainAgent);
      const calls = r.pick([0, 1, 1, 1, 2, 2]);
      for (let c = 0; c < calls; c += 1) this.toolCall(messageId, this.mainAgent);
      if (r.chance(0.06)) this.toolCall(undefined, this.mainAgent);
      if (r.chance(0.07)) this.fileOperation(undefined);
      if (r.chance(0.08)) this.skillLoad();
      const delegates = this.depth === 0 ? 0.1 : this.depth < 3 ? 0.12 : 0;
      if (r.chance(delegates)) {
        const chain = this.depth === 0 && r.chance(0.35) ? 4 : 1;
        this.delegate(undefined, this.mainAgent, 1, chain);
      }
    }
  }

  private sessionEvent(fields: Record<string, unknown>): void {
    // Never two `session` events of one session at the same time.
    const ts = Math.max(this.now, this.lastSessionEventTs + 1);
    this.lastSessionEventTs = ts;
    this.emit('session', ts, fields);
    this.now = ts;
  }

  private message(role: 'user' | 'system', fields: Record<string, unknown>): void {
    const event: Record<string, unknown> = {
      message_id: `msg_${this.messageSeq++}`,
      role,
      ...fields,
    };
    if (this.parent && this.r.chance(0.5)) event.agent = this.mainAgent;
    this.emit('message', this.now, event);
  }

  private assistant(agent: string): string {
    const r = this.r;
    const messageId = `msg_${this.messageSeq++}`;
    const choice = weighted(r, MODELS);
    const event: Record<string, unknown> = { message_id: messageId, role: 'assistant' };
    if (agent !== '' || r.chance(0.5)) event.agent = agent;
    event.model = choice.model;
    if (r.chance(0.3)) event.provider = choice.provider;
    if (r.chance(0.92)) {
      const output = r.int(0, 3_000);
      const tokens: Record<string, number> = { input: r.int(0, 5_000), output };
      if (r.chance(0.4)) tokens.reasoning = r.int(0, output);
      if (r.chance(0.75)) tokens.cache_read = r.int(0, 50_000);
      if (r.chance(0.6)) tokens.cache_write = r.int(0, 8_000);
      event.tokens = tokens;
    }
    if (r.chance(0.15)) event.cost_usd = r.chance(0.1) ? 0 : r.int(1, 500_000) / 1_000_000;
    if (r.chance(0.3)) event.content = 'Here is the change.';
    this.emit('message', this.now, event);
    return messageId;
  }

  private toolCall(messageId: string | undefined, agent: string): void {
    const r = this.r;
    const callId = `call_${this.callSeq++}`;
    const tool = r.pick(TOOLS);
    const path = this.pickPath();
    const args =
      tool === 'bash'
        ? { command: r.pick(['npm test', 'git status', `rm ${path}`, 'ls -la']) }
        : tool === 'grep' || tool === 'glob'
          ? { pattern: r.pick(['TODO', '**/*.ts', 'import']) }
          : tool === 'webfetch'
            ? { url: 'https://example.com/docs' }
            : { filePath: path };
    const failed = r.chance(0.15);
    const final = failed ? 'error' : 'completed';
    const roll = r.int(0, 99);
    const statuses =
      roll < 8
        ? [final]
        : roll < 12
          ? [r.pick(['pending', 'running'])]
          : roll < 85
            ? [r.pick(['pending', 'running']), final]
            : ['pending', 'running', final];
    const start = this.now + (r.chance(0.2) ? 0 : r.int(1, 2_000));
    let ts = start;
    const agentField =
      agent === '' ? (r.chance(0.5) ? '' : undefined) : r.chance(0.85) ? agent : undefined;
    const ended =
      statuses[statuses.length - 1] === 'completed' || statuses[statuses.length - 1] === 'error';
    let fileAt = start;
    statuses.forEach((status, i) => {
      if (i > 0) ts += r.int(1, r.chance(0.1) ? 400_000 : 30_000);
      const event: Record<string, unknown> = { call_id: callId, tool, status };
      if (messageId && (i === 0 || r.chance(0.7))) event.message_id = messageId;
      if (agentField !== undefined) event.agent = agentField;
      if (i === 0 || r.chance(0.3)) event.arguments = args;
      const last = i === statuses.length - 1;
      if (last && ended) {
        event.duration_ms = ts - start;
        if (r.chance(0.3)) {
          event.started_at = start;
          event.ended_at = ts;
        }
        if (status === 'error') event.error = { ...r.pick(ERRORS), path };
        else if (r.chance(0.5)) event.result_summary = `${tool} ok`;
        fileAt = r.chance(0.3) ? ts : start + Math.floor((ts - start) / 2);
      }
      this.emit('tool_call', ts, event);
    });
    if ((tool === 'read' || tool === 'write' || tool === 'edit') && r.chance(0.9)) {
      this.fileOperation(callId, tool, path, fileAt);
    } else if (tool === 'bash' && (args as { command?: string }).command?.startsWith('rm ')) {
      this.fileOperation(callId, 'delete', path, fileAt);
    }
    this.now = r.chance(0.25) ? start + r.int(0, 1_000) : ts;
  }

  private pickPath(): string {
    return this.r.chance(0.15) ? this.r.pick(RISKY_PATHS) : this.r.pick(ORDINARY_PATHS);
  }

  private fileOperation(
    callId: string | undefined,
    operation?: string,
    path?: string,
    at?: number,
  ): void {
    const r = this.r;
    const event: Record<string, unknown> = {
      operation: operation ?? r.pick(['read', 'read', 'write', 'edit', 'delete']),
      path: path ?? this.pickPath(),
    };
    if (callId) event.tool_call_id = callId;
    if (r.chance(0.12)) {
      const level = r.pick(['low', 'medium', 'high', 'critical']);
      event.risk = r.chance(0.7)
        ? { level, reason: `flagged by the source as ${level}` }
        : { level };
    }
    this.emit('file_operation', at ?? this.now, event);
  }

  private skillLoad(): void {
    this.advance(this.r.int(0, 3_000));
    const event: Record<string, unknown> = { skill: this.r.pick(SKILLS) };
    if (this.r.chance(0.7)) event.duration_ms = this.r.int(5, 900);
    this.emit('skill_load', this.now, event);
  }

  /**
   * One delegation (`agent_trace`), possibly with nested delegations below it (`chain` forces
   * that many levels), work done by the sub-agent in this session, and a child session.
   */
  private delegate(
    parentTraceId: string | undefined,
    parentAgent: string,
    level: number,
    chain: number,
  ): void {
    const r = this.r;
    const traceId = `trace_d${this.depth}_${this.traceSeq++}`;
    const agent = r.pick(SUB_AGENTS);
    this.advance(r.int(1, 5_000));
    const start = this.now;
    // In a child session the first delegation sometimes names the parent session's trace: a
    // parent that is not among this session's traces.
    const parentRef =
      parentTraceId ?? (this.parent && r.chance(0.3) ? this.parent.traceId : undefined);
    const parentInFirst = parentRef !== undefined && r.chance(0.8);
    const first: Record<string, unknown> = { trace_id: traceId, agent };
    if (parentInFirst) first.parent_trace_id = parentRef;
    if (parentAgent !== '' || r.chance(0.5)) first.parent_agent = parentAgent;
    if (r.chance(0.85)) first.status = 'running';
    if (r.chance(0.5)) first.started_at = start;
    const firstDraft = this.emit('agent_trace', start, first);

    if (r.chance(0.6)) {
      // The sub-agent's own work, kept in this session (a sidechain).
      this.advance(this.gap());
      const messageId = this.assistant(agent);
      if (r.chance(0.7)) this.toolCall(messageId, agent);
    }
    if (this.depth < 3 && r.chance(this.depth === 0 ? 0.3 : 0.25)) {
      const childId = this.world.childSessionId(this.project);
      if (r.chance(0.8)) firstDraft.event.child_session_id = childId;
      const child = new SessionWriter(
        this.world,
        this.project,
        childId,
        this.now + r.int(1, 3_000),
        this.depth + 1,
        {
          sessionId: this.sessionId,
          traceId,
          agent,
        },
      );
      child.write();
      this.now = Math.max(this.now, child.maxTs) + r.int(1, 5_000);
    }
    if (level < 4 && (level < chain || r.chance(0.3))) {
      this.delegate(traceId, agent, level + 1, chain);
    }
    // A parent left out of the first event arrives with the second one.
    const parentLater = parentRef !== undefined && !parentInFirst;
    if (parentLater || r.chance(0.75)) {
      const end = Math.max(this.now, start) + r.int(1, 20_000);
      const second: Record<string, unknown> = { trace_id: traceId, agent };
      if (parentRef !== undefined && (!parentInFirst || r.chance(0.5)))
        second.parent_trace_id = parentRef;
      if (r.chance(0.3)) second.parent_agent = parentAgent;
      second.status = r.chance(0.85) ? 'completed' : 'error';
      if (r.chance(0.6)) {
        second.started_at = start;
        second.ended_at = end;
      }
      this.emit('agent_trace', end, second);
      this.now = end;
    }
  }

  /** The time between two consecutive steps: mostly short, sometimes idle, sometimes zero. */
  private gap(): number {
    const roll = this.r.int(0, 999);
    if (roll < 20) return 0;
    if (roll < 35) return IDLE_THRESHOLD_MS;
    if (roll < 45) return IDLE_THRESHOLD_MS + 1;
    if (roll < 110) return this.r.int(IDLE_THRESHOLD_MS + 2, 1_800_000);
    if (roll < 300) return this.r.int(30_000, 240_000);
    return this.r.int(1, 30_000);
  }

  private advance(ms: number): void {
    this.now += ms;
  }

  private emit(type: string, ts: number, fields: Record<string, unknown>): Draft {
    this.maxTs = Math.max(
      this.maxTs,
      ts,
      ...['started_at', 'ended_at'].map((f) =>
        typeof fields[f] === 'number' ? (fields[f] as number) : ts,
      ),
    );
    return this.world.add({
      project: this.project,
      ts,
      event: {
        id: `${this.sessionId}-e${this.eventSeq++}`,
        type,
        session_id: this.sessionId,
        ...fields,
      },
    });
  }
}

function weighted<T extends { weight: number }>(r: SeededRandom, items: readonly T[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let roll = r.int(0, total - 1);
  for (const item of items) {
    if (roll < item.weight) return item;
    roll -= item.weight;
  }
  return items[items.length - 1];
}
