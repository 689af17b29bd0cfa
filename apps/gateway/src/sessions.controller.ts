import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import type { Principal } from '@agentpulse/config';
import { CurrentPrincipal, RequireScope } from '@agentpulse/service-kit';
import { ApiRead } from './openapi';
import { encodeCursor } from './page-cursor';
import { SessionListQuery } from './queries/session-list.query';
import type { SessionDigest } from './queries/session-digest';
import { timelineView } from './queries/session-history';
import { eventTimes, summarizeFamily } from './queries/session-kpis';
import { SessionSummaryQuery, type SessionSummary } from './queries/session-summary.query';
import {
  agentsView,
  filesView,
  iso,
  tokensView,
  toolsView,
  type SessionView,
} from './queries/session-views';
import { ResponseCacheInterceptor } from './response-cache.interceptor';
import { envelope, type QueryEnvelope } from './query-envelope';
import {
  compareParams,
  compareQuery,
  sessionListParams,
  sessionListQuery,
  timelineParams,
  timelineQuery,
} from './session-params';

type Query_ = Record<string, unknown>;

@Controller('v1/sessions')
@UseInterceptors(ResponseCacheInterceptor)
export class SessionsController {
  constructor(
    @Inject(SessionSummaryQuery) private readonly summaries: SessionSummaryQuery,
    @Inject(SessionListQuery) private readonly list: SessionListQuery,
  ) {}

  /** Sessions with their own stats, filtered, sorted and paged. */
  @Get()
  @ApiRead('Sessions with their own stats, filtered, sorted and paged', sessionListQuery)
  @RequireScope('read')
  async sessions(@Query() query: Query_, @CurrentPrincipal() principal: Principal) {
    const filter = sessionListParams(query);
    const page = await this.list.page(principal.project, filter);
    return envelope(principal.project, { start: filter.from, end: filter.to }, page.matching, {
      details: {
        sessions: page.rows.map((row) => ({
          ...row,
          first_event_at: iso(row.first_event_at),
          last_event_at: iso(row.last_event_at),
        })),
        next_cursor: page.next ? encodeCursor({ sort: filter.sortParam, ...page.next }) : null,
      },
      charts: {
        cost_by_session: page.rows.map(({ session_id, cost_usd }) => ({ session_id, cost_usd })),
      },
    });
  }

  /** KPIs of several sessions side by side, in the order asked. */
  @Get('compare')
  @ApiRead('Summary KPIs of several sessions side by side', compareQuery)
  @RequireScope('read')
  async compare(@Query() query: Query_, @CurrentPrincipal() principal: Principal) {
    const ids = compareParams(query);
    const families = await Promise.all(ids.map((id) => this.familyOf(principal, id)));
    const sessions = families.map((family, i) => ({
      session_id: ids[i],
      summary: summarizeFamily(family, this.summaries.idleGapMs).summary,
    }));
    const times = families.flatMap(eventTimes);
    const keys = Object.keys(sessions[0].summary) as Array<keyof SessionSummary>;
    return envelope(
      principal.project,
      { start: Math.min(...times), end: Math.max(...times) },
      { sessions: sessions.length },
      {
        details: { sessions },
        charts: {
          session_ids: ids,
          kpis: Object.fromEntries(keys.map((key) => [key, sessions.map((s) => s.summary[key])])),
        },
      },
    );
  }

  @Get(':id/summary')
  @ApiRead('Every KPI of a session and its child sessions; details.family and details.cost')
  @RequireScope('read')
  async summary(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<QueryEnvelope<SessionSummary>> {
    const kpis = summarizeFamily(await this.familyOf(principal, id), this.summaries.idleGapMs);
    return envelope(principal.project, kpis.period, kpis.summary, {
      session_id: id,
      details: { family: kpis.family, cost: kpis.cost },
    });
  }

  @Get(':id/tokens')
  @ApiRead('Tokens and cost by agent, model and session')
  @RequireScope('read')
  async tokens(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.view(principal, id, tokensView);
  }

  @Get(':id/tools')
  @ApiRead('Tool calls: per tool calls, failure rate, average duration, cost share')
  @RequireScope('read')
  async tools(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.view(principal, id, toolsView);
  }

  @Get(':id/files')
  @ApiRead('Files read and written with their risk, by extension')
  @RequireScope('read')
  async files(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.view(principal, id, filesView);
  }

  @Get(':id/agents')
  @ApiRead('Agents with messages, calls, traces, time and cost; the delegation tree')
  @RequireScope('read')
  async agents(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.view(principal, id, agentsView);
  }

  /** Every event of the family in order, a page at a time. */
  @Get(':id/timeline')
  @ApiRead('Every event of the session family in order, paged', timelineQuery)
  @RequireScope('read')
  async timeline(
    @Param('id') id: string,
    @Query() query: Query_,
    @CurrentPrincipal() principal: Principal,
  ) {
    const page = timelineParams(query);
    return this.view(principal, id, (family) => {
      const { next, ...view } = timelineView(family, page);
      return {
        ...view,
        details: { ...view.details, next_cursor: next ? encodeCursor(next) : null },
      };
    });
  }

  @Get(':id/exchanges')
  @ApiRead('Exchanges with their first prompt and last output')
  @RequireScope('read')
  async exchanges(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const family = await this.familyOf(principal, id);
    const view = await this.summaries.exchanges(principal.project, family);
    return this.wrap(principal, id, family, view);
  }

  private async view(
    principal: Principal,
    id: string,
    build: (family: SessionDigest[]) => SessionView,
  ): Promise<QueryEnvelope<Record<string, unknown>>> {
    const family = await this.familyOf(principal, id);
    return this.wrap(principal, id, family, build(family));
  }

  private wrap(principal: Principal, id: string, family: SessionDigest[], view: SessionView) {
    const times = eventTimes(family);
    return envelope(
      principal.project,
      { start: times[0], end: times[times.length - 1] },
      view.summary,
      { session_id: id, details: view.details, charts: view.charts },
    );
  }

  /** The session and its descendants; 404 when the project has no such session. */
  private async familyOf(principal: Principal, id: string): Promise<SessionDigest[]> {
    const family = await this.summaries.family(principal.project, id);
    if (!family)
      throw new NotFoundException({
        message: `no session "${id}" in project "${principal.project}"`,
        details: { session_id: id },
      });
    return family;
  }
}
