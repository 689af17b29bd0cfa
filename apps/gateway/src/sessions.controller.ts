import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import type { Principal } from '@agentpulse/config';
import { CurrentPrincipal, RequireScope } from '@agentpulse/service-kit';
import {
  SessionSummaryQuery,
  toSummary,
  type SessionSummary,
} from './queries/session-summary.query';
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
    const row = await this.summaries.forSession(principal.project, id);
    if (!row) throw new NotFoundException(`no session "${id}" in project "${principal.project}"`);
    return envelope(
      principal.project,
      { start: row.first_event_at, end: row.last_event_at },
      toSummary(row),
      {
        session_id: id,
      },
    );
  }
}
