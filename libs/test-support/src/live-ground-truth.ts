import { DEFAULT_IDLE_GAP_MS, SentWorld, type MessageFacts } from './kpi-ground-truth';
import {
  expectedEndpointMonitoring,
  expectedPipelineStats,
  expectedPipelines,
} from './ops-ground-truth';
import type { GeneratedEvent } from './session-generator';

/**
 * An independent calculation of the live `global` scope and the project breakdowns of
 * /v1/stats/global from the events a test sent (docs/kpis.md "Live global KPIs"):
 * - totals over every session of the project; `active_sessions` = sessions whose last event
 *   time is after `at − idle gap` and whose latest status is not completed or error;
 * - `tokens_per_minute` = tokens of the messages in the UTC minute of `at` and the 4 before it,
 *   divided by 5;
 * - "today" = the UTC day of `at`: the cost of today's messages, and the tool calls and
 *   pipelines first seen today with their latest status;
 * - `api_p95_ms` = nearest-rank p95 of the request durations in [at − 1 h, at).
 */
export interface LiveGlobal {
  sessions: number;
  tokens_in: number;
  tokens_out: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  total_tokens: number;
  cost_usd: number;
  messages_user: number;
  messages_assistant: number;
  active_sessions: number;
  tokens_per_minute: number;
  cost_today_usd: number;
  tool_failure_rate: number;
  pipeline_success_rate: number | null;
  api_p95_ms: number | null;
}

const MINUTE_MS = 60_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const totalOf = (m: MessageFacts) =>
  m.tokens.input + m.tokens.output + m.tokens.cache_read + m.tokens.cache_write;

export function expectedLiveGlobal(
  sent: GeneratedEvent[],
  project: string,
  at: number,
  idleGapMs = DEFAULT_IDLE_GAP_MS,
): LiveGlobal {
  const sessions = [...new SentWorld(sent).sessions.values()].filter((s) => s.project === project);
  const messages = sessions.flatMap((s) => s.messages);
  const today = utcDay(at);
  const windowStart = Math.floor(at / MINUTE_MS) * MINUTE_MS - 4 * MINUTE_MS;
  const windowEnd = Math.floor(at / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const callsToday = sessions
    .flatMap((s) => [...s.calls.values()])
    .filter((call) => utcDay(call.firstTs) === today);
  const ended = callsToday.filter((c) => ['completed', 'error'].includes(c.latestStatus));
  const pipelines = expectedPipelineStats(expectedPipelines(sent, project), {
    from: today,
    to: today,
  }).summary;
  const finished = pipelines.success + pipelines.failed;
  const sum = (pick: (m: MessageFacts) => number, list = messages) =>
    list.reduce((total, m) => total + pick(m), 0);
  return {
    sessions: sessions.length,
    tokens_in: sum((m) => m.tokens.input),
    tokens_out: sum((m) => m.tokens.output),
    tokens_cache_read: sum((m) => m.tokens.cache_read),
    tokens_cache_write: sum((m) => m.tokens.cache_write),
    total_tokens: sum(totalOf),
    cost_usd: sum((m) => m.cost),
    messages_user: messages.filter((m) => m.role === 'user').length,
    messages_assistant: messages.filter((m) => m.role === 'assistant').length,
    active_sessions: sessions.filter(
      (s) =>
        Math.max(...s.events.map((ev) => ev.ts)) > at - idleGapMs &&
        s.status !== 'completed' &&
        s.status !== 'error',
    ).length,
    tokens_per_minute:
      sum(
        totalOf,
        messages.filter((m) => m.ev.ts >= windowStart && m.ev.ts < windowEnd),
      ) / 5,
    cost_today_usd: sum(
      (m) => m.cost,
      messages.filter((m) => utcDay(m.ev.ts) === today),
    ),
    tool_failure_rate:
      ended.length === 0
        ? 0
        : ended.filter((c) => c.latestStatus === 'error').length / ended.length,
    pipeline_success_rate: finished === 0 ? null : pipelines.success / finished,
    api_p95_ms: expectedEndpointMonitoring(sent, project, { period: '1h', until: at }).summary
      .duration_p95_ms,
  };
}

/** Messages, tokens and cost of one agent or model over a range of days. */
export interface AgentModelTotals {
  messages: number;
  tokens_in: number;
  tokens_out: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  total_tokens: number;
  cost_usd: number;
}

/**
 * /v1/stats/global's `by_agent` and `by_model` over the UTC days `from`..`to` (inclusive):
 * the messages of those days grouped by agent and by model ('' when a message named none).
 */
export function expectedAgentModelBreakdown(
  sent: GeneratedEvent[],
  project: string,
  range: { from: string; to: string },
): { by_agent: Map<string, AgentModelTotals>; by_model: Map<string, AgentModelTotals> } {
  const by_agent = new Map<string, AgentModelTotals>();
  const by_model = new Map<string, AgentModelTotals>();
  for (const session of new SentWorld(sent).sessions.values()) {
    if (session.project !== project) continue;
    for (const m of session.messages) {
      const day = utcDay(m.ev.ts);
      if (day < range.from || day > range.to) continue;
      for (const [groups, key] of [
        [by_agent, m.agent],
        [by_model, m.model],
      ] as const) {
        const totals = groups.get(key) ?? {
          messages: 0,
          tokens_in: 0,
          tokens_out: 0,
          tokens_cache_read: 0,
          tokens_cache_write: 0,
          total_tokens: 0,
          cost_usd: 0,
        };
        totals.messages += 1;
        totals.tokens_in += m.tokens.input;
        totals.tokens_out += m.tokens.output;
        totals.tokens_cache_read += m.tokens.cache_read;
        totals.tokens_cache_write += m.tokens.cache_write;
        totals.total_tokens += totalOf(m);
        totals.cost_usd += m.cost;
        groups.set(key, totals);
      }
    }
  }
  return { by_agent, by_model };
}
