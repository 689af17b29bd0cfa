import { queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';
import { isLater, type SessionDigest } from './session-digest';
import { exchangeRounds } from './session-kpis';
import { iso, type SessionView } from './session-views';

/** The wire name of each kind of fact (CONTRACT.md event types). */
const TYPES = {
  session_events: 'session',
  messages: 'message',
  tool_calls: 'tool_call',
  file_operations: 'file_operation',
  skill_loads: 'skill_load',
  agent_traces: 'agent_trace',
} as const;

export interface TimelineEvent {
  ts: number;
  id: string;
  session_id: string;
  type: (typeof TYPES)[keyof typeof TYPES];
  label: string;
}

/** Every event of the family in (time, id) order, with a short human label. */
export function timelineEvents(family: SessionDigest[]): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  const push = (
    d: SessionDigest,
    kind: keyof typeof TYPES,
    fact: { ts: number; id: string },
    label: string,
  ) =>
    events.push({ ts: fact.ts, id: fact.id, session_id: d.session_id, type: TYPES[kind], label });
  const words = (...parts: string[]) => parts.filter((part) => part !== '').join(' ');
  for (const d of family) {
    for (const e of d.session_events) push(d, 'session_events', e, words('session', e.status));
    for (const m of d.messages) push(d, 'messages', m, words(m.role, m.agent, m.model));
    for (const c of d.tool_calls) push(d, 'tool_calls', c, words(c.tool, c.status));
    for (const f of d.file_operations) push(d, 'file_operations', f, words(f.operation, f.path));
    for (const k of d.skill_loads) push(d, 'skill_loads', k, words('skill', k.skill));
    for (const t of d.agent_traces) push(d, 'agent_traces', t, words(t.agent, t.status));
  }
  return events.sort((a, b) => (isLater(a, b) ? 1 : -1));
}

/** One page of the timeline after `after` (exclusive), and the activity chart of all of it. */
export function timelineView(
  family: SessionDigest[],
  page: { limit: number; after?: { ts: number; id: string } },
): SessionView & { next?: { ts: number; id: string } } {
  const events = timelineEvents(family);
  const after = page.after;
  const from = after ? events.findIndex((e) => isLater(e, after)) : 0;
  const rows = from < 0 ? [] : events.slice(from, from + page.limit);
  const last = rows[rows.length - 1];
  const more = from >= 0 && from + page.limit < events.length;
  const first = events[0]?.ts;
  const end = events[events.length - 1]?.ts;
  // about a hundred bars whatever the session's length, never finer than a minute
  const bucketMs =
    first === undefined
      ? 60_000
      : Math.max(60_000, Math.ceil((end - first) / 100 / 60_000) * 60_000);
  const buckets = new Map<number, number>();
  for (const e of events) {
    const bucket = first + Math.floor((e.ts - first) / bucketMs) * bucketMs;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  return {
    summary: { events: events.length, first_at: iso(first), last_at: iso(end) },
    details: {
      events: rows.map((e) => ({
        at: iso(e.ts),
        session_id: e.session_id,
        type: e.type,
        id: e.id,
        label: e.label,
      })),
    },
    charts: {
      bucket_ms: bucketMs,
      activity: [...buckets].map(([at, count]) => ({ at: iso(at), events: count })),
    },
    ...(more && last ? { next: { ts: last.ts, id: last.id } } : {}),
  };
}

/** How much of a prompt or an output an exchange shows. */
const EXCERPT_CHARS = 2_000;

/**
 * The family's exchanges (exchangeRounds), with prompt and output texts read from the messages
 * table, only for the messages shown.
 */
export async function exchangesView(
  client: ClickHouseClient,
  database: string,
  project: string,
  family: SessionDigest[],
): Promise<SessionView> {
  const rounds = exchangeRounds(family);
  const shown = rounds.flatMap((r) => {
    const lastOutput = r.messages.filter((m) => m.role === 'assistant').pop();
    return lastOutput ? [r.messages[0].id, lastOutput.id] : [r.messages[0].id];
  });
  const texts = new Map<string, string>();
  if (shown.length > 0) {
    const rows = await queryRows<{ session_id: string; id: string; excerpt: string }>(
      client,
      // code points ≥ UTF-16 units / 2, so this is always enough for EXCERPT_CHARS units
      `SELECT session_id, id, substringUTF8(content, 1, ${EXCERPT_CHARS * 2}) AS excerpt
       FROM ${database}.messages
       WHERE project = {project:String} AND session_id IN {family:Array(String)} AND id IN {ids:Array(String)}`,
      { project, family: family.map((d) => d.session_id), ids: shown },
    );
    for (const row of rows)
      texts.set(`${row.session_id}\u0000${row.id}`, row.excerpt.slice(0, EXCERPT_CHARS));
  }
  const text = (session: string, id: string | undefined) =>
    id === undefined ? '' : (texts.get(`${session}\u0000${id}`) ?? '');
  const exchanges = rounds.map((r, index) => {
    const lastOutput = r.messages.filter((m) => m.role === 'assistant').pop();
    return {
      index: index + 1,
      session_id: r.session_id,
      started_at: iso(r.messages[0].ts),
      ended_at: iso(r.messages[r.messages.length - 1].ts),
      user_messages: r.messages.filter((m) => m.role === 'user').length,
      assistant_messages: r.messages.filter((m) => m.role === 'assistant').length,
      first_prompt: text(r.session_id, r.messages[0].id),
      last_output: text(r.session_id, lastOutput?.id),
      total_tokens: r.messages.reduce(
        (t, m) => t + m.input + m.output + m.cache_read + m.cache_write,
        0,
      ),
      cost_usd: r.messages.reduce((t, m) => t + m.cost_usd, 0),
    };
  });
  const all = family.flatMap((d) => d.messages);
  return {
    summary: {
      exchanges: exchanges.length,
      messages_user: all.filter((m) => m.role === 'user').length,
      messages_assistant: all.filter((m) => m.role === 'assistant').length,
    },
    details: { exchanges },
    charts: {
      tokens_per_exchange: exchanges.map(({ index, total_tokens, cost_usd }) => ({
        index,
        total_tokens,
        cost_usd,
      })),
    },
  };
}
