import type { MessageFact, SessionDigest, ToolCallFact } from './session-digest';
import { toolCallStates } from './session-entities';
import { costBreakdown, exchangeRounds, idleTime, summarizeFamily } from './session-kpis';

const message = (ts: number, id: string, extra: Partial<MessageFact> = {}): MessageFact => ({
  ts,
  id,
  message_id: id,
  role: 'assistant',
  agent: '',
  model: '',
  provider: '',
  input: 0,
  output: 0,
  reasoning: 0,
  cache_read: 0,
  cache_write: 0,
  cost_usd: 0,
  cost_source: 'reported',
  ...extra,
});

const call = (ts: number, id: string, extra: Partial<ToolCallFact>): ToolCallFact => ({
  ts,
  id,
  call_id: 'c1',
  tool: '',
  status: '',
  agent: '',
  message_id: '',
  trace_id: '',
  duration_ms: -1,
  started_at: -1,
  ended_at: -1,
  ...extra,
});

const digest = (session_id: string, extra: Partial<SessionDigest>): SessionDigest => ({
  session_id,
  depth: 0,
  session_events: [],
  messages: [],
  tool_calls: [],
  file_operations: [],
  skill_loads: [],
  agent_traces: [],
  ...extra,
});

describe('session KPIs from digests', () => {
  it('counts only gaps longer than the threshold, whole', () => {
    expect(idleTime([0, 100, 400, 401, 1_000], 299)).toBe(300 + 599);
    expect(idleTime([0, 300], 300)).toBe(0);
  });

  it('starts an exchange at a user message not directly after another user message', () => {
    const roles = ['assistant', 'user', 'user', 'assistant', 'user', 'assistant'];
    // delivered out of order: the (time, id) order decides
    const messages = roles.map((role, i) => message(i * 10, `m${i}`, { role })).reverse();
    const rounds = exchangeRounds([digest('s', { messages })]);
    expect(rounds.map((r) => [r.session_id, r.messages.map((m) => m.id)])).toEqual([
      ['s', ['m1', 'm2', 'm3']],
      ['s', ['m4', 'm5']],
    ]);
  });

  it('takes each call field from its latest report, ties broken by id', () => {
    const [state] = toolCallStates([
      digest('s', {
        tool_calls: [
          call(5, 'b', { status: 'error', tool: 'bash' }),
          call(5, 'a', { status: 'completed', duration_ms: 12 }),
          call(1, 'z', { status: 'running', tool: 'read' }),
        ],
      }),
    ]);
    expect(state).toMatchObject({ tool: 'bash', status: 'error', duration_ms: 12 });
  });

  it('splits a message cost equally among the calls naming it', () => {
    const family = [
      digest('s', {
        messages: [
          message(1, 'm1', { cost_usd: 0.3, agent: 'build', model: 'x' }),
          message(2, 'm2', { cost_usd: 0.1 }),
        ],
        tool_calls: [
          call(3, 'c1', { call_id: 'c1', tool: 'read', message_id: 'm1' }),
          call(4, 'c2', { call_id: 'c2', tool: 'edit', message_id: 'm1' }),
          call(5, 'c3', { call_id: 'c3', tool: 'read', message_id: 'm1' }),
        ],
      }),
    ];
    const cost = costBreakdown(family, toolCallStates(family));
    expect(cost.by_tool.read).toBeCloseTo(0.2, 12);
    expect(cost.by_tool.edit).toBeCloseTo(0.1, 12);
    expect(cost.by_tool['(no tool)']).toBeCloseTo(0.1, 12);
    expect(cost.by_agent).toEqual({ build: 0.3, '': 0.1 });
  });

  it("uses the session's own started/ended when both are known", () => {
    const root = digest('s', {
      session_events: [
        {
          ts: 10,
          id: 'e1',
          title: '',
          directory: '',
          parent_session_id: '',
          status: 'running',
          started_at: 1_000,
          ended_at: -1,
        },
        {
          ts: 20,
          id: 'e2',
          title: '',
          directory: '',
          parent_session_id: '',
          status: 'completed',
          started_at: -1,
          ended_at: 5_000,
        },
      ],
    });
    const { summary } = summarizeFamily([root], 300_000);
    expect(summary).toMatchObject({ status: 'completed', duration_ms: 4_000 });
  });
});
