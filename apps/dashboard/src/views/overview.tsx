import { KpiCards } from '../components/kpi-cards';
import { useDashboard, useKpi, useRefetchVersion } from '../dashboard-context';
import { formatTime } from '../format';
import { GLOBAL_HEADLINE, GLOBAL_TOTALS } from '../kpi-definitions';
import type { Subscription } from '../live-connection';
import { GlobalCharts } from './global-charts';
import { SessionList } from './session-list';

const GLOBAL: Subscription = { scope: 'global' };

/** The project at a glance: live cards, the last 30 days in charts, and the sessions. */
export function Overview() {
  const { live } = useDashboard();
  const kpi = useKpi(GLOBAL);
  const chartsVersion = useRefetchVersion((signal) => live.subscribe(GLOBAL, signal), 'global');
  const listVersion = useRefetchVersion((signal) => {
    const stopKpi = live.subscribe(GLOBAL, signal);
    const stopStarted = live.onSessionStarted(signal);
    return () => {
      stopKpi();
      stopStarted();
    };
  }, 'global+started');
  return (
    <>
      <section>
        <div class="section-head">
          <h2>Now</h2>
          <span class="muted" data-testid="kpi-at">
            {kpi ? `updated ${formatTime(kpi.at)}` : 'waiting for the first figures…'}
          </span>
        </div>
        <KpiCards kpis={GLOBAL_HEADLINE} summary={kpi?.summary} prefix="kpi" size="large" />
      </section>
      <section>
        <h2>All time</h2>
        <KpiCards kpis={GLOBAL_TOTALS} summary={kpi?.summary} prefix="kpi" />
      </section>
      <GlobalCharts version={chartsVersion} />
      <SessionList version={listVersion} />
    </>
  );
}
