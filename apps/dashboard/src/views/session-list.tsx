import { useEffect, useState } from 'preact/hooks';
import { withQuery, type Envelope } from '../api-client';
import { StatusBadge } from '../components/badges';
import { useDashboard, useQuery } from '../dashboard-context';
import { formatCount, formatDuration, formatTime, formatTokens, formatUsd } from '../format';
import { hrefOf } from '../hash-route';
import type { SessionStarted } from '../live-connection';

interface SessionRow {
  session_id: string;
  parent_session_id: string | null;
  title: string;
  directory: string;
  status: string | null;
  first_event_at: string | null;
  last_event_at: string | null;
  duration_ms: number;
  messages: number;
  total_tokens: number;
  cost_usd: number;
}

const PAGE = 50;
const MAX_LIMIT = 500;

const open = (id: string) => (location.hash = hrefOf({ view: 'session', id }));

/**
 * The project's sessions, newest first. A `session.started` notice shows the new session at
 * once (as a row with only its id) and the refetch it triggers fills the row in.
 */
export function SessionList({ version }: { version: number }) {
  const { live } = useDashboard();
  const [limit, setLimit] = useState(PAGE);
  const [started, setStarted] = useState<SessionStarted[]>([]);
  useEffect(
    () =>
      live.onSessionStarted((notice) =>
        setStarted((list) =>
          [notice, ...list.filter((s) => s.session_id !== notice.session_id)].slice(0, PAGE),
        ),
      ),
    [live],
  );
  const url = withQuery('/v1/sessions', { sort: '-first_event_at', limit });
  const { data, error } = useQuery<
    Envelope<{ sessions: number }, { sessions: SessionRow[]; next_cursor: string | null }>
  >(url, version);
  const rows = data?.details.sessions ?? [];
  const listed = new Set(rows.map((row) => row.session_id));
  const pending = started.filter((notice) => !listed.has(notice.session_id));
  return (
    <section>
      <div class="section-head">
        <h2>Sessions</h2>
        <span class="muted">{data ? `${formatCount(data.summary.sessions)} in all` : ''}</span>
      </div>
      {error && <p class="alert">{error.message}</p>}
      <div class="table-wrap">
        <table data-testid="session-list">
          <thead>
            <tr>
              <th>Session</th>
              <th>Status</th>
              <th>Started</th>
              <th>Last event</th>
              <th class="num">Duration</th>
              <th class="num">Messages</th>
              <th class="num">Tokens</th>
              <th class="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {pending.map((notice) => (
              <tr
                key={notice.session_id}
                class="clickable new"
                data-testid="session-row"
                data-session-id={notice.session_id}
                onClick={() => open(notice.session_id)}
              >
                <td>
                  <a href={hrefOf({ view: 'session', id: notice.session_id })}>
                    {notice.session_id}
                  </a>
                </td>
                <td>
                  <span class="badge tone-info">new</span>
                </td>
                <td>{formatTime(notice.at)}</td>
                <td colSpan={5} class="muted">
                  loading…
                </td>
              </tr>
            ))}
            {rows.map((row) => (
              <tr
                key={row.session_id}
                class="clickable"
                data-testid="session-row"
                data-session-id={row.session_id}
                onClick={() => open(row.session_id)}
              >
                <td class="session-cell">
                  <a href={hrefOf({ view: 'session', id: row.session_id })}>
                    {row.title || row.session_id}
                  </a>
                  <div class="muted small">
                    {row.title ? row.session_id : ''}
                    {row.parent_session_id ? ` · child of ${row.parent_session_id}` : ''}
                    {row.directory ? ` · ${row.directory}` : ''}
                  </div>
                </td>
                <td>
                  <StatusBadge status={row.status} />
                </td>
                <td>{formatTime(row.first_event_at)}</td>
                <td>{formatTime(row.last_event_at)}</td>
                <td class="num">{formatDuration(row.duration_ms)}</td>
                <td class="num">{formatCount(row.messages)}</td>
                <td class="num">{formatTokens(row.total_tokens)}</td>
                <td class="num">{formatUsd(row.cost_usd)}</td>
              </tr>
            ))}
            {data && rows.length === 0 && pending.length === 0 && (
              <tr>
                <td colSpan={8} class="muted">
                  No sessions yet. Send events to ingest (<code>POST /v1/events</code>) or run{' '}
                  <code>agentpulse import</code>.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {data?.details.next_cursor && limit < MAX_LIMIT && (
        <button type="button" class="link" onClick={() => setLimit(limit + PAGE)}>
          Show more
        </button>
      )}
    </section>
  );
}
