import type { GeneratedEvent } from './session-generator';
import {
  fileExtension,
  SessionViewsGroundTruth,
  type SessionViewOptions,
} from './session-views-ground-truth';

/** 2026-01-05T10:00:00.000Z */
const T = Date.UTC(2026, 0, 5, 10);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();

function on(project: string, sessionId: string) {
  return (id: string, type: string, ts: number | string, fields: Record<string, unknown> = {}) =>
    ({
      project,
      event: { id, type, timestamp: ts, session_id: sessionId, ...fields },
    }) as GeneratedEvent;
}

function viewOf(
  sent: GeneratedEvent[],
  key: string,
  kind: Parameters<SessionViewsGroundTruth['view']>[1],
  options: SessionViewOptions = {},
) {
  return new SessionViewsGroundTruth(sent, options).view(key, kind);
}

const tokens = (fields: Record<string, number>) => ({
  tokens_in: 0,
  tokens_out: 0,
  tokens_reasoning: 0,
  tokens_cache_read: 0,
  tokens_cache_write: 0,
  ...fields,
});

describe('SessionViewsGroundTruth', () => {
  // A family r → {c1, c2}, c2 → g; x named r first, then moved to another parent.
  const r = on('p', 'r');
  const c1 = on('p', 'c1');
  const c2 = on('p', 'c2');
  const g = on('p', 'g');
  const x = on('p', 'x');
  const assistant = (fields: Record<string, unknown>) => ({ role: 'assistant', ...fields });
  const family = [
    r('r0', 'session', T, { status: 'running' }),
    c2('c2-0', 'session', T + 10, { parent_session_id: 'r' }),
    c1('c1-0', 'session', T + 20, { parent_session_id: 'r' }),
    g('g0', 'session', T + 30, { parent_session_id: 'c2' }),
    x('x0', 'session', T + 5, { parent_session_id: 'r' }),
    x('x1', 'session', T + 6, { parent_session_id: 'other' }),
    x('x2', 'session', T + 7, { parent_session_id: '' }),
    x('x3', 'message', T + 8, assistant({ message_id: 'xm', cost_usd: 9, tokens: { input: 9 } })),
    r('rm1', 'message', T + 1_000, { message_id: 'm1', role: 'user', content: 'hello' }),
    r(
      'rm2',
      'message',
      at(T + 2_000),
      assistant({
        message_id: 'm2',
        agent: 'build',
        model: 'gpt-4o',
        cost_usd: 0.5,
        tokens: { input: 100, output: 50, reasoning: 10, cache_read: 200, cache_write: 0 },
      }),
    ),
    // the price table lacks this model and no cost is reported: unknown, costs 0
    r(
      'rm3',
      'message',
      T + 3_000,
      assistant({ message_id: 'm3', model: 'in-house-model-x', tokens: { input: 10, output: 5 } }),
    ),
    c1(
      'c1m1',
      'message',
      T + 2_500,
      assistant({
        message_id: 'm1',
        agent: 'explore',
        model: 'gpt-4o',
        cost_usd: 0.25,
        tokens: { input: 40, output: 10, cache_write: 50 },
      }),
    ),
    c2('c2m1', 'message', T + 1_500, { message_id: 'm1', role: 'user', agent: 'explore' }),
    // an unknown model with a reported cost is not "unknown"
    g(
      'gm1',
      'message',
      T + 4_000,
      assistant({
        message_id: 'm1',
        agent: 'build',
        model: 'mystery-model',
        cost_usd: 0.125,
        tokens: { input: 5, output: 5 },
      }),
    ),
    g('gm2', 'message', T + 4_000, assistant({ message_id: 'm2', tokens: { output: 7 } })),
  ];

  it('orders the family root first, then generation by generation in session_id order', () => {
    const truth = new SessionViewsGroundTruth(family);
    expect(truth.family('p/r').map((m) => [m.facts.sessionId, m.depth])).toEqual([
      ['r', 0],
      ['c1', 1],
      ['c2', 1],
      ['g', 2],
    ]);
    expect(truth.family('p/c2').map((m) => m.facts.sessionId)).toEqual(['c2', 'g']);
  });

  it('splits tokens and cost by agent, model and session, with a running total', () => {
    const view = viewOf(family, 'p/r', 'tokens');
    expect(view.meta).toEqual({
      project: 'p',
      session_id: 'r',
      period: { start: at(T), end: at(T + 4_000) },
    });
    // in 100+10+40+5, out 50+5+10+5+7, cache 200 read / 50 written; cost 0.5+0.25+0.125
    expect(view.summary).toEqual({
      ...tokens({ tokens_in: 155, tokens_out: 77, tokens_reasoning: 10 }),
      tokens_cache_read: 200,
      tokens_cache_write: 50,
      total_tokens: 482,
      cost_usd: 0.875,
      cache_hit_ratio: 200 / 405,
    });
    expect(view.details.by_agent).toEqual([
      {
        agent: 'build',
        messages: 2,
        ...tokens({ tokens_in: 105, tokens_out: 55, tokens_reasoning: 10, tokens_cache_read: 200 }),
        total_tokens: 360,
        cost_usd: 0.625,
      },
      {
        agent: 'explore',
        messages: 2,
        ...tokens({ tokens_in: 40, tokens_out: 10, tokens_cache_write: 50 }),
        total_tokens: 100,
        cost_usd: 0.25,
      },
      {
        agent: '',
        messages: 3,
        ...tokens({ tokens_in: 10, tokens_out: 12 }),
        total_tokens: 22,
        cost_usd: 0,
      },
    ]);
    expect(
      (view.details.by_model as Array<Record<string, unknown>>).map((row) => [
        row.model,
        row.messages,
        row.total_tokens,
        row.cost_usd,
      ]),
    ).toEqual([
      ['gpt-4o', 2, 450, 0.75],
      ['in-house-model-x', 1, 15, 0],
      ['mystery-model', 1, 10, 0.125],
      ['', 3, 7, 0],
    ]);
    expect(view.details.by_session).toEqual([
      {
        session_id: 'r',
        depth: 0,
        ...tokens({ tokens_in: 110, tokens_out: 55, tokens_reasoning: 10, tokens_cache_read: 200 }),
        total_tokens: 365,
        cost_usd: 0.5,
      },
      {
        session_id: 'c1',
        depth: 1,
        ...tokens({ tokens_in: 40, tokens_out: 10, tokens_cache_write: 50 }),
        total_tokens: 100,
        cost_usd: 0.25,
      },
      { session_id: 'c2', depth: 1, ...tokens({}), total_tokens: 0, cost_usd: 0 },
      {
        session_id: 'g',
        depth: 2,
        ...tokens({ tokens_in: 5, tokens_out: 12 }),
        total_tokens: 17,
        cost_usd: 0.125,
      },
    ]);
    expect(view.details.unknown_models).toEqual(['in-house-model-x']);
    expect(view.charts.tokens_by_agent).toEqual([
      { agent: 'build', total_tokens: 360 },
      { agent: 'explore', total_tokens: 100 },
      { agent: '', total_tokens: 22 },
    ]);
    expect(view.charts.cost_by_model).toEqual([
      { model: 'gpt-4o', cost_usd: 0.75 },
      { model: 'in-house-model-x', cost_usd: 0 },
      { model: 'mystery-model', cost_usd: 0.125 },
      { model: '', cost_usd: 0 },
    ]);
    // rm1, c2m1, rm2, c1m1, rm3, then gm1 and gm2 (same time, by id)
    expect(view.charts.cumulative).toEqual([
      { at: at(T + 1_000), total_tokens: 0, cost_usd: 0 },
      { at: at(T + 1_500), total_tokens: 0, cost_usd: 0 },
      { at: at(T + 2_000), total_tokens: 350, cost_usd: 0.5 },
      { at: at(T + 2_500), total_tokens: 450, cost_usd: 0.75 },
      { at: at(T + 3_000), total_tokens: 465, cost_usd: 0.75 },
      { at: at(T + 4_000), total_tokens: 475, cost_usd: 0.875 },
      { at: at(T + 4_000), total_tokens: 482, cost_usd: 0.875 },
    ]);
  });

  it('takes each call’s latest values and splits a message’s cost among the calls naming it', () => {
    const t = on('p', 't');
    const kid = on('p', 't-kid');
    const call = (fields: Record<string, unknown>) => fields;
    const sent = [
      kid('k0', 'session', T + 50, { parent_session_id: 't' }),
      t('tm1', 'message', T + 100, assistant({ message_id: 'm1', cost_usd: 0.375 })),
      // named by no call: "(no tool)", not a row
      t('tm2', 'message', T + 200, assistant({ message_id: 'm2', cost_usd: 0.5 })),
      t(
        't-c1',
        'tool_call',
        T + 110,
        call({ call_id: 'a', tool: 'read', status: 'pending', message_id: 'm1', agent: 'build' }),
      ),
      t(
        't-c2',
        'tool_call',
        T + 150,
        call({ call_id: 'a', tool: 'read', status: 'completed', duration_ms: 40 }),
      ),
      t(
        't-c3',
        'tool_call',
        T + 120,
        call({ call_id: 'b', tool: 'bash', status: 'running', message_id: 'm1' }),
      ),
      t(
        't-c4',
        'tool_call',
        T + 400,
        call({ call_id: 'b', tool: 'bash', status: 'error', duration_ms: 0, agent: 'plan' }),
      ),
      // same time as t-c4 but a smaller id: earlier, so not the latest
      t(
        't-c0',
        'tool_call',
        T + 400,
        call({ call_id: 'b', tool: 'bash', status: 'running', agent: 'explore' }),
      ),
      t(
        't-c6',
        'tool_call',
        T + 120,
        call({ call_id: 'c', tool: 'read', status: 'running', message_id: 'm1' }),
      ),
      kid(
        'k-m',
        'message',
        T + 290,
        assistant({ message_id: 'km', agent: 'explore', cost_usd: 0.25 }),
      ),
      // the same call_id in another session is another call
      kid(
        'k-c1',
        'tool_call',
        T + 300,
        call({
          call_id: 'a',
          tool: 'grep',
          status: 'completed',
          duration_ms: 20,
          message_id: 'km',
        }),
      ),
    ];
    const view = viewOf(sent, 'p/t', 'tools');
    // durations 40, 0 and 20 were reported; c never ended
    expect(view.summary).toEqual({
      tool_calls: 4,
      unique_tools: 3,
      errors: 1,
      ended: 3,
      tool_failure_rate: 1 / 3,
      avg_duration_ms: 20,
    });
    // m1 (0.375) is shared by a, b and c: 0.125 each; km (0.25) goes to the child's call
    expect(view.details.tools).toEqual([
      {
        tool: 'read',
        calls: 2,
        errors: 0,
        ended: 1,
        failure_rate: 0,
        avg_duration_ms: 40,
        cost_usd: 0.25,
      },
      {
        tool: 'bash',
        calls: 1,
        errors: 1,
        ended: 1,
        failure_rate: 1,
        avg_duration_ms: 0,
        cost_usd: 0.125,
      },
      {
        tool: 'grep',
        calls: 1,
        errors: 0,
        ended: 1,
        failure_rate: 0,
        avg_duration_ms: 20,
        cost_usd: 0.25,
      },
    ]);
    const row = (
      session_id: string,
      call_id: string,
      tool: string,
      status: string,
      agent: string,
      first: number,
      last: number,
      duration_ms: number | null,
    ) => ({
      session_id,
      call_id,
      tool,
      status,
      agent,
      first_seen: at(first),
      last_seen: at(last),
      duration_ms,
    });
    expect(view.details.calls).toEqual([
      row('t', 'a', 'read', 'completed', 'build', T + 110, T + 150, 40),
      row('t', 'b', 'bash', 'error', 'plan', T + 120, T + 400, 0),
      row('t', 'c', 'read', 'running', '', T + 120, T + 120, null),
      row('t-kid', 'a', 'grep', 'completed', '', T + 300, T + 300, 20),
    ]);
    expect(view.charts.calls_by_tool).toEqual([
      { tool: 'read', completed: 1, error: 0, other: 1 },
      { tool: 'bash', completed: 0, error: 1, other: 0 },
      { tool: 'grep', completed: 1, error: 0, other: 0 },
    ]);
    expect(view.charts.timeline).toEqual([
      { call_id: 'a', tool: 'read', status: 'completed', start: at(T + 110), end: at(T + 150) },
      { call_id: 'b', tool: 'bash', status: 'error', start: at(T + 120), end: at(T + 400) },
      { call_id: 'c', tool: 'read', status: 'running', start: at(T + 120), end: at(T + 120) },
      { call_id: 'a', tool: 'grep', status: 'completed', start: at(T + 300), end: at(T + 300) },
    ]);
    expect(viewOf(sent, 'p/t-kid', 'tools').summary).toMatchObject({
      tool_calls: 1,
      avg_duration_ms: 20,
    });
  });

  it('ranks files by their highest risk and keeps that rank’s latest reason', () => {
    const f = on('p', 'f');
    const op = (operation: string, path: string, risk?: Record<string, string>) => ({
      operation,
      path,
      ...(risk ? { risk } : {}),
    });
    const sent = [
      f('f1', 'file_operation', T + 10, op('read', 'src/App.TSX')),
      f(
        'f2',
        'file_operation',
        T + 20,
        op('edit', 'src/App.TSX', { level: 'medium', reason: 'big change' }),
      ),
      f('f3', 'file_operation', T + 30, op('write', '.env', { level: 'high' })),
      f('f4', 'file_operation', T + 40, op('read', '.env', { level: 'high', reason: 'secrets' })),
      // the latest high report carries no reason: the latest one with a reason counts
      f('f5', 'file_operation', T + 50, op('delete', '.env', { level: 'high' })),
      f(
        'f6',
        'file_operation',
        T + 60,
        op('read', 'Makefile', { level: 'critical', reason: 'first' }),
      ),
      // same time as f6, smaller id: earlier
      f(
        'f0',
        'file_operation',
        T + 60,
        op('read', 'Makefile', { level: 'critical', reason: 'zeroth' }),
      ),
      f('f8', 'file_operation', T + 70, op('read', 'docs/notes.toolongextension1')),
    ];
    const classifyRisk = (path: string) => ({
      level: 'low',
      reason: path.endsWith('.TSX') ? 'source' : 'no rule matched',
    });
    const view = viewOf(sent, 'p/f', 'files', { classifyRisk });
    expect(view.summary).toEqual({ files: 4, files_read: 4, files_written: 2, risky_files: 2 });
    const file = (
      path: string,
      extension: string,
      counts: [number, number, number, number],
      risk_level: string,
      risk_reason: string,
      first: number,
      last: number,
    ) => ({
      path,
      extension,
      reads: counts[0],
      writes: counts[1],
      edits: counts[2],
      deletes: counts[3],
      risk_level,
      risk_reason,
      first_seen: at(first),
      last_seen: at(last),
    });
    expect(view.details.files).toEqual([
      file('Makefile', '', [2, 0, 0, 0], 'critical', 'first', T + 60, T + 60),
      file('.env', 'env', [1, 1, 0, 1], 'high', 'secrets', T + 30, T + 50),
      file('src/App.TSX', 'tsx', [1, 0, 1, 0], 'medium', 'big change', T + 10, T + 20),
      file(
        'docs/notes.toolongextension1',
        '',
        [1, 0, 0, 0],
        'low',
        'no rule matched',
        T + 70,
        T + 70,
      ),
    ]);
    expect(view.details.by_extension).toEqual([
      { extension: '', files: 2, reads: 3, writes: 0, edits: 0, deletes: 0 },
      { extension: 'env', files: 1, reads: 1, writes: 1, edits: 0, deletes: 1 },
      { extension: 'tsx', files: 1, reads: 1, writes: 0, edits: 1, deletes: 0 },
    ]);
    expect(view.charts.files_by_type).toEqual([
      { extension: '', files: 2 },
      { extension: 'env', files: 1 },
      { extension: 'tsx', files: 1 },
    ]);
    expect(view.charts.files_by_risk).toEqual([
      { risk_level: '', files: 0 },
      { risk_level: 'low', files: 1 },
      { risk_level: 'medium', files: 1 },
      { risk_level: 'high', files: 1 },
      { risk_level: 'critical', files: 1 },
    ]);
  });

  it('reads an extension only from 1–10 letters or digits after the last dot', () => {
    expect(
      [
        '.env',
        'a/b.tar.GZ',
        '~/.ssh/id_rsa',
        'x.',
        'n.abcdefghij',
        'n.abcdefghijk',
        'a.b-c',
        'Makefile',
      ].map(fileExtension),
    ).toEqual(['env', 'gz', '', '', 'abcdefghij', '', '', '']);
  });

  describe('agents', () => {
    const a = on('p', 'a');
    const kid = on('p', 'a-kid');
    const trace = (fields: Record<string, unknown>) => fields;
    const sent = [
      a('ae0', 'session', T),
      kid('k0', 'session', T + 10, { parent_session_id: 'a' }),
      a(
        'am1',
        'message',
        T + 100,
        assistant({ message_id: 'm1', agent: 'build', cost_usd: 0.5, tokens: { input: 10 } }),
      ),
      a(
        'am2',
        'message',
        T + 200,
        assistant({ message_id: 'm2', agent: 'explore', cost_usd: 0.25, tokens: { output: 20 } }),
      ),
      a('ac1', 'tool_call', T + 150, {
        call_id: 'x',
        tool: 'read',
        status: 'running',
        agent: 'explore',
      }),
      a('ac2', 'tool_call', T + 160, {
        call_id: 'x',
        tool: 'read',
        status: 'completed',
        agent: 'build',
      }),
      a(
        'at1',
        'agent_trace',
        T + 300,
        trace({
          trace_id: 't1',
          agent: 'explore',
          parent_agent: 'build',
          status: 'running',
          started_at: T + 290,
        }),
      ),
      a(
        'at1b',
        'agent_trace',
        T + 900,
        trace({ trace_id: 't1', agent: 'explore', status: 'completed', ended_at: at(T + 1_000) }),
      ),
      a(
        'at2',
        'agent_trace',
        T + 400,
        trace({
          trace_id: 't2',
          agent: 'reviewer',
          parent_trace_id: 't1',
          parent_agent: 'explore',
        }),
      ),
      a(
        'at2b',
        'agent_trace',
        T + 450,
        trace({ trace_id: 't2', agent: 'reviewer', status: 'error' }),
      ),
      a(
        'at3',
        'agent_trace',
        T + 350,
        trace({ trace_id: 't3', agent: 'docs', parent_trace_id: 'nope' }),
      ),
      // the parent trace t2 is in the parent session
      kid(
        'kt1',
        'agent_trace',
        T + 500,
        trace({
          trace_id: 'k1',
          agent: 'general',
          parent_trace_id: 't2',
          parent_agent: 'orchestrator',
        }),
      ),
      kid('kt2', 'agent_trace', T + 550, trace({ trace_id: 't1', agent: 'general' })),
      // t1 resolves in the trace's own session first
      kid(
        'kt3',
        'agent_trace',
        T + 600,
        trace({
          trace_id: 'k2',
          agent: 'general',
          parent_trace_id: 't1',
          started_at: T + 600,
          ended_at: T + 650,
        }),
      ),
      kid(
        'km',
        'message',
        T + 520,
        assistant({ message_id: 'm1', agent: 'general', cost_usd: 0.125, tokens: { input: 1 } }),
      ),
    ];
    const node = (
      session_id: string,
      trace_id: string,
      agent: string,
      parent_trace_id: string,
      status: string,
      times: [number, number] | null,
      children: unknown[] = [],
    ) => ({
      trace_id,
      session_id,
      agent,
      parent_trace_id,
      status,
      started_at: times && at(times[0]),
      ended_at: times && at(times[1]),
      children,
    });

    it('rows every agent name, times its traces and nests traces across the family', () => {
      const view = viewOf(sent, 'p/a', 'agents');
      expect(view.summary).toEqual({ agents: 6, traces: 6, max_delegation_depth: 2 });
      const agent = (
        name: string,
        messages: number,
        tool_calls: number,
        traces: number,
        total_tokens: number,
        cost_usd: number,
        time_ms: number,
      ) => ({ agent: name, messages, tool_calls, traces, total_tokens, cost_usd, time_ms });
      // explore: its trace reported both times, 1,000 − 290; general: 0 + 0 + (650 − 600);
      // reviewer: no reported times, last event − first event = 50
      expect(view.details.agents).toEqual([
        agent('build', 1, 1, 0, 10, 0.5, 0),
        agent('explore', 1, 0, 1, 20, 0.25, 710),
        agent('general', 1, 0, 3, 1, 0.125, 50),
        agent('docs', 0, 0, 1, 0, 0, 0),
        agent('orchestrator', 0, 0, 0, 0, 0, 0),
        agent('reviewer', 0, 0, 1, 0, 0, 50),
      ]);
      expect(view.details.tree).toEqual([
        node(
          'a',
          't1',
          'explore',
          '',
          'completed',
          [T + 290, T + 1_000],
          [
            node('a', 't2', 'reviewer', 't1', 'error', null, [
              node('a-kid', 'k1', 'general', 't2', '', null),
            ]),
          ],
        ),
        node('a', 't3', 'docs', 'nope', '', null),
        node('a-kid', 't1', 'general', '', '', null, [
          node('a-kid', 'k2', 'general', 't1', '', [T + 600, T + 650]),
        ]),
      ]);
      expect(view.charts.cost_by_agent).toEqual(
        (view.details.agents as Array<{ agent: string; cost_usd: number }>).map(
          ({ agent: name, cost_usd }) => ({
            agent: name,
            cost_usd,
          }),
        ),
      );
    });

    it('makes a trace whose parent is outside the family a root', () => {
      expect(viewOf(sent, 'p/a-kid', 'agents').details.tree).toEqual([
        node('a-kid', 'k1', 'general', 't2', '', null),
        node('a-kid', 't1', 'general', '', '', null, [
          node('a-kid', 'k2', 'general', 't1', '', [T + 600, T + 650]),
        ]),
      ]);
    });
  });

  describe('exchanges and timeline', () => {
    const e = on('p', 'e');
    const kid = on('p', 'e-kid');
    const msg = (role: string, content?: string, extra: Record<string, unknown> = {}) => ({
      message_id: `m-${role}`,
      role,
      ...(content === undefined ? {} : { content }),
      ...extra,
    });
    const long = 'x'.repeat(2_500);
    const sent = [
      e('em0', 'message', T, msg('system', 'sys')),
      kid('k0', 'session', T + 5, { parent_session_id: 'e' }),
      e('em1', 'message', T + 10, msg('assistant', 'stray')),
      e('em2', 'message', T + 20, msg('user', 'first question')),
      e('em3', 'message', T + 30, msg('user', 'and also')),
      e(
        'em4',
        'message',
        T + 40,
        msg('assistant', 'answer A', { cost_usd: 0.25, tokens: { input: 1, output: 2 } }),
      ),
      e(
        'em5',
        'message',
        T + 50,
        msg('assistant', undefined, { cost_usd: 0.125, tokens: { output: 3 } }),
      ),
      e('em6', 'message', T + 60, msg('system', 'note')),
      e('em7', 'message', T + 70, msg('user', long)),
      kid('km1', 'message', T + 15, msg('user', 'delegated')),
      kid('km2', 'message', T + 16, msg('assistant', 'done')),
    ];

    it('cuts rounds at user messages, session by session, numbering them across the answer', () => {
      const view = viewOf(sent, 'p/e', 'exchanges');
      expect(view.summary).toEqual({ exchanges: 3, messages_user: 4, messages_assistant: 4 });
      expect(view.details.exchanges).toEqual([
        {
          index: 1,
          session_id: 'e',
          started_at: at(T + 20),
          ended_at: at(T + 60),
          user_messages: 2,
          assistant_messages: 2,
          first_prompt: 'first question',
          // the round's last assistant message has no content
          last_output: '',
          total_tokens: 6,
          cost_usd: 0.375,
        },
        {
          index: 2,
          session_id: 'e',
          started_at: at(T + 70),
          ended_at: at(T + 70),
          user_messages: 1,
          assistant_messages: 0,
          first_prompt: 'x'.repeat(2_000),
          last_output: '',
          total_tokens: 0,
          cost_usd: 0,
        },
        {
          index: 3,
          session_id: 'e-kid',
          started_at: at(T + 15),
          ended_at: at(T + 16),
          user_messages: 1,
          assistant_messages: 1,
          first_prompt: 'delegated',
          last_output: 'done',
          total_tokens: 0,
          cost_usd: 0,
        },
      ]);
    });

    it('lists every event of the family by (time, id)', () => {
      const view = viewOf(
        [...sent, e('em1', 'message', T + 99, msg('user', 'a retried copy'))],
        'p/e',
        'timeline',
      );
      expect(view.summary).toEqual({ events: 11, first_at: at(T), last_at: at(T + 70) });
      const events = view.details.events as Array<{ id: string }>;
      expect(events.map((ev) => ev.id)).toEqual([
        'em0',
        'k0',
        'em1',
        'km1',
        'km2',
        'em2',
        'em3',
        'em4',
        'em5',
        'em6',
        'em7',
      ]);
      expect(events[1]).toEqual({ at: at(T + 5), session_id: 'e-kid', type: 'session', id: 'k0' });
    });
  });

  describe('session list', () => {
    const s1 = on('L', 's1');
    const s2 = on('L', 's2');
    const s3 = on('L', 's3');
    const s5 = on('L', 's5');
    const sent = [
      s1('s1a', 'session', T, {
        title: 'One',
        directory: '/home/dev/app-1',
        status: 'running',
        started_at: T,
      }),
      s1('s1b', 'session', T + HOUR, { status: 'completed', ended_at: T + 2 * HOUR, title: '' }),
      s1(
        's1m',
        'message',
        T + HOUR / 2,
        assistant({ message_id: 'm', cost_usd: 0.5, tokens: { input: 10 } }),
      ),
      s2('s2a', 'session', T + DAY, { directory: '/home/dev/app-2', parent_session_id: 's1' }),
      s2('s2m1', 'message', T + DAY + 1_000, { message_id: 'u', role: 'user' }),
      // a system message is not counted in `messages` (user + assistant, as the summary's)
      s2('s2m0', 'message', T + DAY + 500, { message_id: 's', role: 'system' }),
      s2(
        's2m2',
        'message',
        T + DAY + 2_000,
        assistant({ message_id: 'a', cost_usd: 0.25, tokens: { input: 20, output: 5 } }),
      ),
      s3('s3a', 'session', T - 2 * DAY, {
        title: 'Three',
        directory: '/srv/app-1',
        status: 'error',
      }),
      s3('s3b', 'session', T + 2 * DAY, { status: 'error' }),
      s5('s5a', 'session', T, { title: 'Five' }),
      on('M', 's4')('s4a', 'session', T, { title: 'elsewhere' }),
    ];
    const truth = new SessionViewsGroundTruth(sent);
    const ids = (query = {}) => truth.list('L', query).sessions.map((row) => row.session_id);

    it('gives each session its own figures and the filters’ totals', () => {
      const list = truth.list('L');
      expect(list.summary).toEqual({ sessions: 4, total_tokens: 35, cost_usd: 0.75 });
      expect(list.sessions).toEqual([
        {
          session_id: 's3',
          parent_session_id: null,
          title: 'Three',
          directory: '/srv/app-1',
          status: 'error',
          first_event_at: at(T - 2 * DAY),
          last_event_at: at(T + 2 * DAY),
          duration_ms: 4 * DAY,
          messages: 0,
          total_tokens: 0,
          cost_usd: 0,
        },
        {
          session_id: 's2',
          parent_session_id: 's1',
          title: '',
          directory: '/home/dev/app-2',
          status: null,
          first_event_at: at(T + DAY),
          last_event_at: at(T + DAY + 2_000),
          duration_ms: 2_000,
          messages: 2,
          total_tokens: 25,
          cost_usd: 0.25,
        },
        {
          session_id: 's1',
          parent_session_id: null,
          title: 'One',
          directory: '/home/dev/app-1',
          status: 'completed',
          first_event_at: at(T),
          last_event_at: at(T + HOUR),
          duration_ms: 2 * HOUR,
          messages: 1,
          total_tokens: 10,
          cost_usd: 0.5,
        },
        {
          session_id: 's5',
          parent_session_id: null,
          title: 'Five',
          directory: '',
          status: null,
          first_event_at: at(T),
          last_event_at: at(T),
          duration_ms: 0,
          messages: 0,
          total_tokens: 0,
          cost_usd: 0,
        },
      ]);
    });

    it('sorts by any key either way, ties by session_id in the same direction', () => {
      expect(ids({ sort: 'cost_usd' })).toEqual(['s3', 's5', 's2', 's1']);
      expect(ids({ sort: 'messages' })).toEqual(['s3', 's5', 's1', 's2']);
      expect(ids({ sort: '-messages' })).toEqual(['s2', 's1', 's5', 's3']);
      expect(ids({ sort: 'duration_ms' })).toEqual(['s5', 's2', 's1', 's3']);
      expect(ids({ sort: 'first_event_at' })).toEqual(['s3', 's1', 's5', 's2']);
      expect(ids({ sort: '-total_tokens' })).toEqual(['s2', 's1', 's5', 's3']);
    });

    it('keeps the sessions whose own span overlaps the days asked for, and filters by latest values', () => {
      expect(ids({ from: '2026-01-06', to: '2026-01-06' })).toEqual(['s3', 's2']);
      expect(ids({ from: '2026-01-07' })).toEqual(['s3']);
      expect(ids({ to: '2026-01-04' })).toEqual(['s3']);
      // 23:00 UTC on January 5th: the whole of that day counts
      expect(ids({ from: '2026-01-06T01:00:00+02:00', to: '2026-01-05' })).toEqual([
        's3',
        's1',
        's5',
      ]);
      expect(ids({ status: 'completed' })).toEqual(['s1']);
      expect(ids({ directory: '/home/dev/app-1' })).toEqual(['s1']);
      expect(ids({ project_name: 'app-1' })).toEqual(['s3', 's1']);
      expect(truth.list('L', { status: 'error' }).summary).toEqual({
        sessions: 1,
        total_tokens: 0,
        cost_usd: 0,
      });
    });
  });
});
