import { EventValidator } from '@agentpulse/schema';
import {
  expectedCostBreakdown,
  expectedDailyStats,
  expectedSessionKpis,
  isKnownModel,
  NO_TOOL,
  type SessionKpis,
} from './kpi-ground-truth';
import type { GeneratedEvent } from './session-generator';
import { generateWorld } from './world-generator';

/** 2026-01-05T10:00:00.000Z */
const T = Date.UTC(2026, 0, 5, 10);

function on(project: string, sessionId: string) {
  return (id: string, type: string, ts: number | string, fields: Record<string, unknown> = {}) =>
    ({
      project,
      event: { id, type, timestamp: ts, session_id: sessionId, ...fields },
    }) as GeneratedEvent;
}

function kpisOf(sent: GeneratedEvent[], key: string, options = {}): SessionKpis {
  const kpis = expectedSessionKpis(sent, options).get(key);
  if (!kpis) throw new Error(`no KPIs for ${key}`);
  return kpis;
}

describe('expectedSessionKpis', () => {
  it('counts only gaps longer than the idle threshold, whole, and keeps the first copy of an id', () => {
    const e = on('p', 's-idle');
    const sent = [
      e('e1', 'session', T, { status: 'running' }),
      e('e2', 'message', T + 1_000, { message_id: 'm1', role: 'user' }),
      // exactly 300,000 ms after e2: not idle
      e('e3', 'message', new Date(T + 301_000).toISOString(), {
        message_id: 'm2',
        role: 'assistant',
      }),
      // 300,001 ms after e3: idle, the whole gap
      e('e4', 'tool_call', T + 601_001, { call_id: 'c1', tool: 'bash', status: 'completed' }),
      e('e5', 'session', T + 611_001, { status: 'completed' }),
      // a later copy of e3 with other content is dropped: e3 stays an assistant message
      e('e3', 'message', T + 2_000, { message_id: 'm2', role: 'user' }),
    ];
    // duration = 611,001 − 0 (no started_at/ended_at); idle = 300,001; active = 311,000;
    // latency = (T + 301,000) − (T + 1,000) = 300,000
    expect(kpisOf(sent, 'p/s-idle')).toMatchObject({
      status: 'completed',
      duration_ms: 611_001,
      idle_ms: 300_001,
      active_ms: 311_000,
      first_response_latency_ms: 300_000,
      messages_user: 1,
      messages_assistant: 1,
      exchanges: 1,
    });
    // With a 200,000 ms threshold both long gaps count: 300,000 + 300,001 = 600,001.
    expect(kpisOf(sent, 'p/s-idle', { idleGapMs: 200_000 })).toMatchObject({
      idle_ms: 600_001,
      active_ms: 11_000,
    });
  });

  it('counts exchanges per session in (time, id) order and breaks time ties by id bytes', () => {
    const e = on('p', 's-ex');
    const msg = (id: string, ts: number, role: string) =>
      e(id, 'message', ts, { message_id: `m-${id}`, role });
    const sent = [
      // delivered out of order on purpose
      msg('x9', T + 60, 'assistant'),
      msg('a1', T, 'user'), // exchange 1
      msg('a2', T + 10, 'user'), // after a user message: same exchange
      msg('a3', T + 20, 'assistant'),
      msg('a4', T + 30, 'system'),
      msg('a5', T + 40, 'user'), // after a system message: exchange 2
      msg('b7', T + 50, 'user'), // tie with b6, 'b7' > 'b6' so after it: exchange 3
      msg('b6', T + 50, 'assistant'),
      msg('x10', T + 60, 'user'), // tie with x9: 'x10' < 'x9' in bytes, so just after b7: none
      // status ties: 'zc' > 'zb' so 'error' is the latest; 'zd' has no status and changes nothing
      e('za', 'session', T, { status: 'running' }),
      e('zc', 'session', T + 100, { status: 'error' }),
      e('zb', 'session', T + 100, { status: 'completed' }),
      e('zd', 'session', T + 200, { title: 'renamed', parent_session_id: '' }),
    ];
    expect(kpisOf(sent, 'p/s-ex')).toMatchObject({
      status: 'error',
      exchanges: 3,
      messages_user: 5,
      messages_assistant: 3,
      first_response_latency_ms: 20,
      duration_ms: 200,
    });
  });

  it('walks parent_trace_id chains, takes latest tool statuses and classifies file risks', () => {
    const e = on('p', 's-tr');
    const sent = [
      e('t1', 'agent_trace', T, { trace_id: 'A', agent: 'build', status: 'running' }),
      e('t2', 'agent_trace', T + 1, {
        trace_id: 'B',
        agent: 'explore',
        parent_agent: 'build',
        parent_trace_id: 'A',
      }),
      // C's parent arrives only with its second event; a third event's '' does not erase it
      e('t3', 'agent_trace', T + 2, { trace_id: 'C', agent: 'reviewer', parent_agent: '' }),
      e('t4', 'agent_trace', T + 3, { trace_id: 'C', agent: 'reviewer', parent_trace_id: 'B' }),
      e('t6', 'agent_trace', T + 4, { trace_id: 'C', agent: 'reviewer', parent_trace_id: '' }),
      // a parent that is not among the session's traces: depth 1
      e('t5', 'agent_trace', T + 5, { trace_id: 'D', agent: 'general', parent_trace_id: 'ZZZ' }),
      // c1: pending then error (two events, one call, latest = error)
      e('tc1', 'tool_call', T + 10, { call_id: 'c1', tool: 'bash', status: 'pending' }),
      e('tc2', 'tool_call', T + 20, {
        call_id: 'c1',
        tool: 'bash',
        status: 'error',
        error: { code: 'ENOENT', message: 'no such file' },
      }),
      e('tc3', 'tool_call', T + 30, { call_id: 'c2', tool: 'read', status: 'completed' }),
      e('tc4', 'tool_call', T + 40, { call_id: 'c3', tool: 'read', status: 'running' }),
      // c4 delivered completed-first: the latest by time is still `completed`
      e('tc6', 'tool_call', T + 60, { call_id: 'c4', tool: 'edit', status: 'completed' }),
      e('tc5', 'tool_call', T + 50, { call_id: 'c4', tool: 'edit', status: 'running' }),
      e('f1', 'file_operation', T + 70, { operation: 'read', path: 'src/a.ts' }),
      e('f2', 'file_operation', T + 71, { operation: 'read', path: 'src/a.ts' }),
      e('f3', 'file_operation', T + 72, { operation: 'read', path: '.env' }),
      e('f4', 'file_operation', T + 73, { operation: 'write', path: 'src/a.ts' }),
      e('f5', 'file_operation', T + 74, { operation: 'edit', path: 'src/b.ts' }),
      e('f6', 'file_operation', T + 75, {
        operation: 'delete',
        path: '/etc/hosts',
        risk: { level: 'critical', reason: 'system file' },
      }),
      e('f7', 'file_operation', T + 76, {
        operation: 'write',
        path: 'README.md',
        risk: { level: 'high' },
      }),
      e('f8', 'file_operation', T + 77, {
        operation: 'read',
        path: '~/.ssh/id_rsa',
        risk: { level: 'low' },
      }),
      e('k1', 'skill_load', T + 80, { skill: 'pdf' }),
      e('k2', 'skill_load', T + 81, { skill: 'pdf', duration_ms: 12 }),
    ];
    // depths: A 1, B 2 (A), C 3 (B), D 1 → 3. Calls c1..c4 (3 tools); ended: c1 error,
    // c2 and c4 completed → 1/3. Read: src/a.ts, .env, ~/.ssh/id_rsa; written: src/a.ts,
    // src/b.ts, /etc/hosts, README.md. Risky as given: /etc/hosts, README.md.
    expect(kpisOf(sent, 'p/s-tr')).toMatchObject({
      status: null,
      max_delegation_depth: 3,
      agents: 4,
      tool_calls: 4,
      unique_tools: 3,
      tool_failure_rate: 1 / 3,
      files_read: 3,
      files_written: 4,
      risky_files: 2,
      skill_loads: 2,
      first_response_latency_ms: null,
      exchanges: 0,
    });
    // A classifier flags .env and ~/.ssh; the given `low` of ~/.ssh/id_rsa still wins → 3.
    const classifyRisk = (path: string) =>
      path.includes('.env') || path.includes('.ssh') ? 'high' : 'low';
    expect(kpisOf(sent, 'p/s-tr', { classifyRisk }).risky_files).toBe(3);
  });
});

/**
 * p/root ← p/child (parent given only by its later session event) ← p/grand, one more
 * session p/late across midnight, and q/stray naming a `root` of another project.
 */
function family(): GeneratedEvent[] {
  const root = on('p', 'root');
  const child = on('p', 'child');
  const grand = on('p', 'grand');
  const late = on('p', 'late');
  return [
    root('r1', 'session', T, { status: 'running', started_at: T }),
    root('r2', 'message', T + 1_000, { message_id: 'm1', role: 'user' }),
    root('r3', 'message', T + 2_000, {
      message_id: 'm2',
      role: 'assistant',
      model: 'gpt-3.5-turbo',
      tokens: { input: 1000, output: 2000 },
      cost_usd: 0.5,
    }),
    root('r4', 'session', T + 100_000, { status: 'completed', ended_at: T + 100_000 }),
    child('c1', 'session', T + 3_000, { status: 'running' }),
    child('c2', 'message', T + 4_000, { message_id: 'm1', role: 'user', agent: 'explore' }),
    child('c3', 'agent_trace', T + 5_000, { trace_id: 'A', agent: 'explore' }),
    child('c4', 'agent_trace', T + 6_000, {
      trace_id: 'B',
      agent: 'reviewer',
      parent_agent: 'explore',
      parent_trace_id: 'A',
    }),
    child('c5', 'tool_call', T + 7_000, { call_id: 'k1', tool: 'bash', status: 'error' }),
    child('c6', 'message', T + 10_000, {
      message_id: 'm2',
      role: 'assistant',
      agent: 'explore',
      model: 'in-house-model-x',
      tokens: { input: 100, output: 50 },
    }),
    child('c7', 'session', T + 50_000, { status: 'completed', parent_session_id: 'root' }),
    grand('g1', 'session', T + 20_000, { parent_session_id: 'child' }),
    grand('g2', 'message', T + 30_000, {
      message_id: 'm1',
      role: 'assistant',
      agent: 'reviewer',
      model: 'claude-sonnet-4',
      tokens: { input: 1000, output: 2000, cache_read: 8000, cache_write: 4000 },
    }),
    grand('g3', 'skill_load', T + 31_000, { skill: 'testing' }),
    // B is in the child session, not this one: A has depth 1 here
    grand('g4', 'agent_trace', T + 32_000, {
      trace_id: 'A',
      agent: 'general',
      parent_trace_id: 'B',
    }),
    // same call id as the child's: a different call (session, call_id)
    grand('g5', 'tool_call', T + 33_000, { call_id: 'k1', tool: 'read', status: 'completed' }),
    late('l1', 'session', '2026-01-05T23:59:00.000Z'),
    late('l2', 'tool_call', '2026-01-05T23:59:30.000Z', {
      call_id: 'k',
      tool: 'bash',
      status: 'pending',
    }),
    late('l3', 'tool_call', '2026-01-06T02:00:30.000+02:00', {
      call_id: 'k',
      tool: 'bash',
      status: 'error',
    }),
    late('l4', 'message', Date.UTC(2026, 0, 6, 0, 1), {
      message_id: 'm1',
      role: 'assistant',
      model: 'gpt-4o',
      cost_usd: 0.25,
    }),
    on('q', 'stray')('s1', 'session', T, { parent_session_id: 'root' }),
  ];
}

/** claude-sonnet-4 at 3 / 15 / 0.3 / 3.75 USD per Mtok (input, output, cache read, write). */
const SONNET_COST = (1000 * 3 + 2000 * 15 + 8000 * 0.3 + 4000 * 3.75) / 1e6; // 0.0504

describe('session families', () => {
  it('rolls children and grandchildren into every ancestor, except own status and times', () => {
    const kpis = expectedSessionKpis(family());
    expect([...kpis.keys()].sort()).toEqual(['p/child', 'p/grand', 'p/late', 'p/root', 'q/stray']);
    const root = kpis.get('p/root') as SessionKpis;
    // Own started/ended: 100,000; no family gap over 5 minutes. First user T+1,000, first
    // assistant T+2,000. Tokens: in 1000+100+1000, out 2000+50+2000, cache 8000 / 4000.
    expect(root).toMatchObject({
      status: 'completed',
      duration_ms: 100_000,
      idle_ms: 0,
      active_ms: 100_000,
      first_response_latency_ms: 1_000,
      tokens_in: 2_100,
      tokens_out: 4_050,
      tokens_cache_read: 8_000,
      tokens_cache_write: 4_000,
      total_tokens: 18_150,
      cache_hit_ratio: 8_000 / 14_100,
      messages_user: 2,
      messages_assistant: 3,
      exchanges: 2, // one in root, one in child
      tool_calls: 2,
      unique_tools: 2,
      tool_failure_rate: 0.5,
      agents: 3, // explore, reviewer, general
      max_delegation_depth: 2,
      skill_loads: 1,
      unknown_model_messages: 1,
    });
    expect(root.cost_usd).toBeCloseTo(0.5 + SONNET_COST, 12);
    // child: no own started/ended → family span T+3,000 .. T+50,000; latency 10,000 − 4,000
    expect(kpis.get('p/child')).toMatchObject({
      status: 'completed',
      duration_ms: 47_000,
      first_response_latency_ms: 6_000,
      tokens_in: 1_100,
      max_delegation_depth: 2,
      exchanges: 1,
    });
    // grand: no status, no user message, its own A has an unresolved parent
    expect(kpis.get('p/grand')).toMatchObject({
      status: null,
      duration_ms: 13_000,
      first_response_latency_ms: null,
      max_delegation_depth: 1,
      tool_calls: 1,
      tool_failure_rate: 0,
    });
    expect(kpis.get('q/stray')).toMatchObject({ duration_ms: 0, tokens_in: 0 });
  });

  it('reports daily stats by UTC day, calls and traces on the day they were first seen', () => {
    const days = expectedDailyStats(family());
    expect([...days.keys()].sort()).toEqual(['p/2026-01-05', 'p/2026-01-06', 'q/2026-01-05']);
    const first = days.get('p/2026-01-05');
    // own durations of root, child, grand, late: 100,000 + 47,000 + 13,000 + 120,000 → 70,000
    expect(first).toMatchObject({
      sessions: 4,
      messages: 5,
      tokens_in: 2_100,
      total_tokens: 18_150,
      tool_calls: 3,
      tool_errors: 2,
      error_rate: 2 / 3,
      traces: 3,
      avg_session_duration_ms: 70_000,
    });
    expect(first?.cost_usd).toBeCloseTo(0.5 + SONNET_COST, 12);
    expect(days.get('p/2026-01-06')).toEqual({
      sessions: 1,
      messages: 1,
      tokens_in: 0,
      tokens_out: 0,
      tokens_cache_read: 0,
      tokens_cache_write: 0,
      total_tokens: 0,
      cost_usd: 0.25,
      tool_calls: 0,
      tool_errors: 0,
      error_rate: 0,
      traces: 0,
      avg_session_duration_ms: 0,
    });
  });
});

describe('expectedCostBreakdown', () => {
  it('splits a message cost equally among the distinct calls naming it, in its own session', () => {
    const e = on('p', 's-cost');
    const assistant = (id: string, messageId: string, cost: number, agent?: string) =>
      e(id, 'message', T, {
        message_id: messageId,
        role: 'assistant',
        model: 'gpt-4o',
        cost_usd: cost,
        ...(agent === undefined ? {} : { agent }),
      });
    const call = (id: string, callId: string, tool: string, status: string, messageId?: string) =>
      e(id, 'tool_call', T + Number(id.slice(1)), {
        call_id: callId,
        tool,
        status,
        ...(messageId ? { message_id: messageId } : {}),
      });
    const sent = [
      assistant('a1', 'msg_1', 0.9, 'build'),
      assistant('a2', 'msg_2', 0.2, ''),
      assistant('a3', 'msg_3', 0.1, 'build'),
      call('c1', 'k1', 'read', 'pending', 'msg_1'),
      call('c2', 'k1', 'read', 'completed', 'msg_1'), // same call: still one share
      call('c3', 'k2', 'bash', 'completed', 'msg_1'),
      call('c4', 'k3', 'read', 'completed', 'msg_1'),
      call('c5', 'k4', 'edit', 'running', 'msg_3'),
      call('c6', 'k4', 'edit', 'completed'), // leaves message_id out: still msg_3's call
      on('p', 's-other')('o1', 'tool_call', T, {
        call_id: 'k9',
        tool: 'grep',
        status: 'completed',
        message_id: 'msg_2',
      }),
    ];
    const breakdown = expectedCostBreakdown(sent).get('p/s-cost');
    // msg_1: 0.9 / 3 calls → read 0.6, bash 0.3; msg_3 → edit 0.1; msg_2 named by no call of
    // this session → (no tool) 0.2
    expect(breakdown?.by_tool).toEqual({
      read: expect.closeTo(0.6, 12),
      bash: expect.closeTo(0.3, 12),
      edit: expect.closeTo(0.1, 12),
      [NO_TOOL]: expect.closeTo(0.2, 12),
    });
    expect(breakdown?.by_agent).toEqual({ build: expect.closeTo(1.0, 12), '': 0.2 });
    expect(breakdown?.by_model).toEqual({ 'gpt-4o': expect.closeTo(1.2, 12) });
    expect(kpisOf(sent, 'p/s-cost').cost_usd).toBeCloseTo(1.2, 12);
  });

  it('sums a family by agent and model, with unknown models at 0', () => {
    const root = expectedCostBreakdown(family()).get('p/root');
    expect(root).toEqual({
      by_agent: { '': 0.5, explore: 0, reviewer: expect.closeTo(SONNET_COST, 12) },
      by_model: {
        '': 0,
        'gpt-3.5-turbo': 0.5,
        'in-house-model-x': 0,
        'claude-sonnet-4': expect.closeTo(SONNET_COST, 12),
      },
      by_tool: { [NO_TOOL]: expect.closeTo(0.5 + SONNET_COST, 12) },
    });
  });

  it('knows which models the price table prices', () => {
    expect(isKnownModel('claude-sonnet-4')).toBe(true);
    expect(isKnownModel('gpt-3.5-turbo')).toBe(true);
    expect(isKnownModel('claude-sonnet-4', 'no-such-provider')).toBe(true);
    expect(isKnownModel('in-house-model-x')).toBe(false);
    expect(isKnownModel('')).toBe(false);
  });
});

describe('generateWorld', () => {
  const from = Date.UTC(2026, 0, 5);
  const options = {
    seed: 42,
    projects: ['alpha', 'beta'],
    sessionsPerProject: 500,
    days: 7,
    from,
    duplicateShare: 0.03,
  };
  const sent = generateWorld(options);
  const ms = (value: unknown) => (typeof value === 'number' ? value : Date.parse(String(value)));
  const time = (e: GeneratedEvent['event']) => ms(e.timestamp);

  it('is deterministic', () => {
    expect(generateWorld(options)).toEqual(sent);
    expect(generateWorld({ ...options, seed: 43 })).not.toEqual(sent);
  });

  it('produces valid events of every session type within the range, at the agreed size', () => {
    const validator = new EventValidator();
    const invalid = sent.filter((g) => !validator.validate(g.event).ok);
    expect(invalid.slice(0, 3)).toEqual([]);
    const types = new Set(sent.map((g) => g.event.type));
    expect([...types].sort()).toEqual(
      ['agent_trace', 'file_operation', 'message', 'session', 'skill_load', 'tool_call'].sort(),
    );
    const sessions = new Set(sent.map((g) => `${g.project}/${g.event.session_id}`));
    expect(sessions.size).toBeGreaterThanOrEqual(1_000);
    expect(sent.length).toBeLessThanOrEqual(40_000);
    expect(sent.length / sessions.size).toBeGreaterThanOrEqual(25);
    for (const g of sent) {
      expect(time(g.event)).toBeGreaterThanOrEqual(from);
      expect(time(g.event)).toBeLessThan(from + 7 * 86_400_000);
    }
    const stamps = sent.map((g) => g.event.timestamp);
    expect(stamps.some((t) => typeof t === 'number')).toBe(true);
    expect(stamps.some((t) => typeof t === 'string' && t.endsWith('+02:00'))).toBe(true);
    expect(stamps.some((t) => typeof t === 'string' && t.endsWith('Z'))).toBe(true);
  });

  it('repeats ids only as exact copies (retries)', () => {
    const first = new Map<string, string>();
    let copies = 0;
    for (const g of sent) {
      const key = `${g.project}/${g.event.id}`;
      const json = JSON.stringify(g.event);
      if (first.has(key)) {
        copies += 1;
        expect(json).toBe(first.get(key));
      } else first.set(key, json);
    }
    expect(copies).toBeGreaterThan(0.02 * first.size);
  });

  it('never ties two events of one session, tool call or trace on time', () => {
    const groups = new Map<string, Set<number>>();
    const seen = new Set<string>();
    for (const { project, event } of sent) {
      if (seen.has(`${project}/${event.id}`)) continue;
      seen.add(`${project}/${event.id}`);
      const entity =
        event.type === 'session'
          ? 'session'
          : event.type === 'tool_call'
            ? `call ${String(event.call_id)}`
            : event.type === 'agent_trace'
              ? `trace ${String(event.trace_id)}`
              : undefined;
      if (!entity) continue;
      const key = `${project}/${event.session_id}/${entity}`;
      const times = groups.get(key) ?? new Set<number>();
      expect(times.has(time(event))).toBe(false);
      times.add(time(event));
      groups.set(key, times);
    }
  });

  it('covers families, deep delegations, idle gaps, unknown models and late delivery', () => {
    const kpis = expectedSessionKpis(sent);
    const all = [...kpis.values()];
    expect(all.some((k) => k.max_delegation_depth === 4)).toBe(true);
    expect(all.some((k) => k.unknown_model_messages > 0)).toBe(true);
    expect(all.some((k) => k.idle_ms > 0)).toBe(true);
    expect(all.filter((k) => k.status === null).length).toBeGreaterThan(0);

    // Parents as the latest non-empty parent_session_id, and whether it came only later.
    const sessionEvents = new Map<string, GeneratedEvent['event'][]>();
    for (const { project, event } of sent) {
      if (event.type !== 'session') continue;
      const key = `${project}/${event.session_id}`;
      sessionEvents.set(key, [...(sessionEvents.get(key) ?? []), event]);
    }
    const parent = new Map<string, string>();
    let parentOnlyLater = 0;
    for (const [key, events] of sessionEvents) {
      const ordered = [...events].sort((a, b) => time(a) - time(b));
      const withParent = ordered.filter((e) => e.parent_session_id);
      if (withParent.length > 0) {
        parent.set(key, `${key.split('/')[0]}/${String(withParent.at(-1)?.parent_session_id)}`);
        if (!ordered[0].parent_session_id) parentOnlyLater += 1;
      }
      const started = ordered.filter((e) => e.started_at !== undefined).at(-1)?.started_at;
      const ended = ordered.filter((e) => e.ended_at !== undefined).at(-1)?.ended_at;
      if (started !== undefined && ended !== undefined) {
        expect(ms(ended)).toBeGreaterThanOrEqual(ms(started));
      }
    }
    expect(parent.size).toBeGreaterThan(100);
    expect(parentOnlyLater).toBeGreaterThan(10);
    const grandchildren = [...parent.values()].filter((p) => parent.has(p));
    expect(grandchildren.length).toBeGreaterThan(10);
    for (const p of parent.values()) expect(kpis.has(p)).toBe(true);

    // Sessions spanning several UTC days, equal times, and delivery out of time order.
    const bySession = new Map<string, number[]>();
    for (const { project, event } of sent) {
      const key = `${project}/${event.session_id}`;
      bySession.set(key, [...(bySession.get(key) ?? []), time(event)]);
    }
    const lists = [...bySession.values()];
    const day = (ms: number) => Math.floor(ms / 86_400_000);
    expect(
      lists.filter((l) => day(Math.max(...l)) - day(Math.min(...l)) >= 1).length,
    ).toBeGreaterThan(20);
    expect(lists.some((l) => new Set(l).size < l.length)).toBe(true);
    expect(lists.filter((l) => l.some((t, i) => i > 0 && t < l[i - 1])).length).toBeGreaterThan(
      100,
    );
    // A gap of exactly the idle threshold somewhere (not idle) and one just above it.
    const gaps = lists.flatMap((l) => {
      const s = [...new Set(l)].sort((a, b) => a - b);
      return s.slice(1).map((t, i) => t - s[i]);
    });
    expect(gaps).toContain(300_000);
    expect(gaps).toContain(300_001);
  });
});
