import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import type { Principal } from '@agentpulse/config';
import { CurrentPrincipal, RequireScope } from '@agentpulse/service-kit';
import { SessionSummaryQuery, type SessionSummary } from './queries/session-summary.query';
import { envelope, type QueryEnvelope } from './query-envelope';

@Controller('v1/sessions')
export class SessionsController {
  constructor(@Inject(SessionSummaryQuery) private readonly summaries: SessionSummaryQuery) {}

  @Get(':id/summary')
  @RequireScope('read')
  async summary(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<QueryEnvelope<SessionSummary>> {
    const kpis = await this.summaries.forSession(principal.project, id);
    if (!kpis) throw new NotFoundException(`no session "${id}" in project "${principal.project}"`);
    return envelope(principal.project, kpis.period, kpis.summary, {
      session_id: id,
      details: { family: kpis.family, cost: kpis.cost },
    });
  }
}
