import type { ClaudeCodeTokens, ClaudeCodeTruth } from '@agentpulse/test-support';

/** The four token totals of one session, and its cost, as one side of a comparison has them. */
export interface SessionTotals {
  tokens: ClaudeCodeTokens;
  cost_usd: number;
}

export type TotalsBySession = Map<string, SessionTotals>;

export interface Difference {
  sessionId: string;
  left?: ClaudeCodeTokens;
  right?: ClaudeCodeTokens;
}

export interface Comparison {
  /** sessions on either side */
  compared: number;
  /** sessions whose four token totals differ, or that one side lacks */
  differing: Difference[];
  /** sessions with equal tokens whose cost differs by more than a micro-dollar */
  costDiffering: number;
}

interface CcusageSession {
  sessionId: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  totalCost: number;
}

/** `ccusage claude session --json` output, by session id (the transcript's file name). */
export function ccusageTotals(json: string): TotalsBySession {
  const { sessions } = JSON.parse(json) as { sessions: CcusageSession[] };
  return new Map(
    sessions.map((s) => [
      s.sessionId,
      {
        tokens: {
          input: s.inputTokens,
          output: s.outputTokens,
          cache_read: s.cacheReadTokens,
          cache_write: s.cacheCreationTokens,
        },
        cost_usd: s.totalCost,
      },
    ]),
  );
}

export function truthTotals(truth: ClaudeCodeTruth): TotalsBySession {
  return new Map(
    truth.sessions.map((s) => [s.sessionId, { tokens: s.tokens, cost_usd: s.cost_usd }]),
  );
}

/**
 * What a reader of compact transcript lines alone counts: the truth without usage seen only in
 * progress lines and without responses written as spaced JSON (ccusage 20.0.24's session report
 * looks for the literal `"usage":{` and reads no progress lines).
 */
export function compactLineTotals(truth: ClaudeCodeTruth): TotalsBySession {
  return new Map(
    truth.sessions.map((s) => [
      s.sessionId,
      {
        tokens: {
          input: s.tokens.input - s.progressOnlyTokens.input - s.spacedTokens.input,
          output: s.tokens.output - s.progressOnlyTokens.output - s.spacedTokens.output,
          cache_read:
            s.tokens.cache_read - s.progressOnlyTokens.cache_read - s.spacedTokens.cache_read,
          cache_write:
            s.tokens.cache_write - s.progressOnlyTokens.cache_write - s.spacedTokens.cache_write,
        },
        cost_usd: Number.NaN,
      },
    ]),
  );
}

export function compare(left: TotalsBySession, right: TotalsBySession): Comparison {
  const ids = new Set([...left.keys(), ...right.keys()]);
  const differing: Difference[] = [];
  let costDiffering = 0;
  for (const sessionId of ids) {
    const l = left.get(sessionId);
    const r = right.get(sessionId);
    if (!l || !r || !sameTokens(l.tokens, r.tokens)) {
      differing.push({ sessionId, left: l?.tokens, right: r?.tokens });
    } else if (Math.abs(l.cost_usd - r.cost_usd) > 1e-6) costDiffering += 1;
  }
  return { compared: ids.size, differing, costDiffering };
}

function sameTokens(a: ClaudeCodeTokens, b: ClaudeCodeTokens): boolean {
  return (
    a.input === b.input &&
    a.output === b.output &&
    a.cache_read === b.cache_read &&
    a.cache_write === b.cache_write
  );
}

export function formatTokens(t: ClaudeCodeTokens | undefined): string {
  return t ? `in ${t.input} out ${t.output} cr ${t.cache_read} cw ${t.cache_write}` : 'absent';
}

interface SessionPage {
  details: {
    sessions: { session_id: string; parent_session_id: string | null }[];
    next_cursor: string | null;
  };
}

interface SummaryBody {
  summary: {
    tokens_in: number;
    tokens_out: number;
    tokens_cache_read: number;
    tokens_cache_write: number;
    cost_usd: number;
  };
}

/**
 * Per root session (sub-agent work and child sessions included) from the gateway: every session
 * of the project through `GET /v1/sessions` pages, then each root's `/summary`.
 */
export async function gatewayTotals(gateway: string, key: string): Promise<TotalsBySession> {
  const headers = { authorization: `Bearer ${key}` };
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${gateway}${path}`, { headers });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const roots: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `/v1/sessions?limit=500&sort=first_event_at${cursor ? `&cursor=${cursor}` : ''}`;
    const page: SessionPage = await get<SessionPage>(query);
    for (const s of page.details.sessions) if (!s.parent_session_id) roots.push(s.session_id);
    cursor = page.details.next_cursor;
  } while (cursor);
  const totals: TotalsBySession = new Map();
  const queue = [...roots];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const { summary } = await get<SummaryBody>(
          `/v1/sessions/${encodeURIComponent(id)}/summary`,
        );
        totals.set(id, {
          tokens: {
            input: summary.tokens_in,
            output: summary.tokens_out,
            cache_read: summary.tokens_cache_read,
            cache_write: summary.tokens_cache_write,
          },
          cost_usd: summary.cost_usd,
        });
      }
    }),
  );
  return totals;
}
