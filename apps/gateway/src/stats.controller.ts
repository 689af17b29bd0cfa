import { Controller, Get, Inject, Query, UseInterceptors } from '@nestjs/common';
import type { Principal } from '@agentpulse/config';
import { CurrentPrincipal, RequireScope } from '@agentpulse/service-kit';
import { ApiRead } from './openapi';
import { DailyStatsQuery, type DailyStats } from './queries/daily-stats.query';
import { ResponseCacheInterceptor } from './response-cache.interceptor';
import { envelope, type QueryEnvelope } from './query-envelope';
import { dayRange, dayRangeQuery } from './query-params';

type Totals = Omit<DailyStats, 'day' | 'avg_session_duration_ms' | 'sessions' | 'error_rate'>;

@Controller('v1/stats')
@UseInterceptors(ResponseCacheInterceptor)
export class StatsController {
  constructor(@Inject(DailyStatsQuery) private readonly daily: DailyStatsQuery) {}

  /**
   * Totals over `from`..`to` (UTC days, inclusive), the daily series, and tokens and cost by
   * agent and by model.
   */
  @Get('global')
  @ApiRead('Project totals over a range of UTC days and the daily series', dayRangeQuery)
  @RequireScope('read')
  async global(
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<QueryEnvelope<Totals & { error_rate: number }>> {
    const { from, to } = dayRange(query);
    const [days, breakdown] = await Promise.all([
      this.daily.days(principal.project, from, to),
      this.daily.breakdown({ project: principal.project, from, to }),
    ]);
    const sum = (key: keyof Totals) => days.reduce((total, d) => total + d[key], 0);
    const keys: Array<keyof Totals> = [
      'messages',
      'tokens_in',
      'tokens_out',
      'tokens_cache_read',
      'tokens_cache_write',
      'total_tokens',
      'cost_usd',
      'tool_calls',
      'tool_errors',
      'tool_calls_ended',
      'traces',
    ];
    const totals = Object.fromEntries(keys.map((key) => [key, sum(key)])) as unknown as Totals;
    return envelope(
      principal.project,
      { start: Date.parse(from), end: Date.parse(to) + 86_399_999 },
      {
        ...totals,
        error_rate:
          totals.tool_calls_ended === 0 ? 0 : totals.tool_errors / totals.tool_calls_ended,
      },
      {
        details: { days, by_agent: breakdown.by_agent, by_model: breakdown.by_model },
        charts: {
          daily: days,
          tokens_by_agent: breakdown.by_agent,
          cost_by_model: breakdown.by_model,
        },
      },
    );
  }
}
