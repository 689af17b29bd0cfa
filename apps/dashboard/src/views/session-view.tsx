import { useMemo, useState } from 'preact/hooks';
import type { Envelope } from '../api-client';
import { KpiCards } from '../components/kpi-cards';
import { useDashboard, useKpi, useQuery, useRefetchVersion } from '../dashboard-context';
import { formatTime, formatTokens, formatUsd } from '../format';
import { hrefOf } from '../hash-route';
import { SESSION_KPI_GROUPS } from '../kpi-definitions';
import type { Subscription } from '../live-connection';
import { SESSION_TABS, SessionTab, type SessionTabName } from './session-tabs';

interface FamilyMember {
  session_id: string;
  parent_session_id: string | null;
  depth: number;
  tokens: number;
  cost_usd: number;
  messages: number;
}

/**
 * One session (with its child sessions): every KPI, live over its own subscription, and one
 * category in depth per tab. Leaving the view ends the subscription.
 */
export function SessionView({ id }: { id: string }) {
  const { live } = useDashboard();
  const subscription = useMemo<Subscription>(() => ({ scope: 'session', id }), [id]);
  const kpi = useKpi(subscription);
  const version = useRefetchVersion(
    (signal) => live.subscribe(subscription, signal),
    `session:${id}`,
  );
  const [tab, setTab] = useState<SessionTabName>('tokens');
  const summary = useQuery<Envelope<Record<string, unknown>, { family: FamilyMember[] }>>(
    `/v1/sessions/${encodeURIComponent(id)}/summary`,
    version,
  );
  if (summary.error?.status === 404)
    return (
      <section>
        <p class="alert" data-testid="session-not-found">
          {summary.error.message}
        </p>
        <a href={hrefOf({ view: 'overview' })}>Back to the sessions</a>
      </section>
    );
  // The live message is the newest figure; the fetched summary fills in until it arrives.
  const figures = kpi?.summary ?? summary.data?.summary;
  const family = summary.data?.details.family ?? [];
  const period = summary.data?.meta.period;
  return (
    <>
      <section>
        <a href={hrefOf({ view: 'overview' })} class="muted small">
          ← all sessions
        </a>
        <div class="section-head">
          <h2 data-testid="session-title">Session {id}</h2>
          <span class="muted">
            {period?.start ? `${formatTime(period.start)} → ${formatTime(period.end)}` : ''}
            {kpi ? ` · live, updated ${formatTime(kpi.at)}` : ''}
          </span>
        </div>
        {summary.error && <p class="alert">{summary.error.message}</p>}
        {SESSION_KPI_GROUPS.map((group) => (
          <div key={group.title} class="kpi-group">
            <h3>{group.title}</h3>
            <KpiCards kpis={group.kpis} summary={figures} prefix="session-kpi" />
          </div>
        ))}
        {family.length > 1 && <Family members={family} />}
      </section>
      <section>
        <div class="tabs" role="tablist">
          {SESSION_TABS.map(({ name, label }) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              class={tab === name ? 'tab active' : 'tab'}
              onClick={() => setTab(name)}
              data-testid={`tab-${name}`}
            >
              {label}
            </button>
          ))}
        </div>
        <SessionTab name={tab} id={id} version={version} />
      </section>
    </>
  );
}

/** The session and its child sessions, each with its own figures. */
function Family({ members }: { members: FamilyMember[] }) {
  return (
    <div class="kpi-group">
      <h3>Includes child sessions</h3>
      <ul class="family">
        {members.map((member) => (
          <li key={member.session_id} style={{ paddingLeft: `${member.depth * 1.25}rem` }}>
            <a href={hrefOf({ view: 'session', id: member.session_id })}>{member.session_id}</a>{' '}
            <span class="muted">
              {formatTokens(member.tokens)} tokens · {formatUsd(member.cost_usd)} ·{' '}
              {member.messages} messages
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
