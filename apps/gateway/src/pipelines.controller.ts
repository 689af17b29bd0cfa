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
import { pipelineListParams, pipelineListQuery } from './ops-params';
import { encodeCursor } from './page-cursor';
import { PipelinesQuery } from './queries/pipelines.query';
import { stepWaterfall, topFailingSteps, type PipelineStatusCounts } from './queries/pipeline-rows';
import { ResponseCacheInterceptor } from './response-cache.interceptor';
import { envelope, type QueryEnvelope } from './query-envelope';
import { dayRange, dayRangeQuery } from './query-params';

const DAY_MS = 86_400_000;

/** The whole UTC days of a range, for meta.period. */
function periodOf(range: { from: string; to: string }) {
  return { start: Date.parse(range.from), end: Date.parse(range.to) + DAY_MS - 1 };
}

interface PipelineSummary {
  status: string | null;
  duration_ms: number;
  steps: number;
  failed_steps: number;
}

/** CI/CD pipeline traces (CONTRACT.md `pipeline` events), by the day each was first seen. */
@Controller('v1/pipelines')
@UseInterceptors(ResponseCacheInterceptor)
export class PipelinesController {
  constructor(@Inject(PipelinesQuery) private readonly pipelines: PipelinesQuery) {}

  /** Newest first (by last event), filtered; summary and chart cover every page. */
  @Get()
  @ApiRead(
    'Pipeline traces, newest first, filtered and paged',
    dayRangeQuery.extend(pipelineListQuery.shape),
  )
  @RequireScope('read')
  async list(
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<QueryEnvelope<PipelineStatusCounts>> {
    const range = dayRange(query);
    const page = await this.pipelines.page(principal.project, range, pipelineListParams(query));
    return envelope(principal.project, periodOf(range), page.counts, {
      details: {
        pipelines: page.pipelines,
        next_cursor: page.next === null ? null : encodeCursor(page.next),
      },
      charts: { runs_per_day: page.daily },
    });
  }

  @Get('stats')
  @ApiRead('Success rate, step duration percentiles and top failing steps', dayRangeQuery)
  @RequireScope('read')
  async stats(
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<QueryEnvelope<PipelineStatusCounts>> {
    const range = dayRange(query);
    const stats = await this.pipelines.stats(principal.project, range);
    return envelope(principal.project, periodOf(range), stats.counts, {
      details: { steps: stats.steps, top_failing_steps: topFailingSteps(stats.steps) },
      charts: {
        daily_success_rate: stats.daily.map(({ day, success, failed, success_rate }) => ({
          day,
          success,
          failed,
          success_rate,
        })),
      },
    });
  }

  @Get(':id')
  @ApiRead('One pipeline with every step')
  @RequireScope('read')
  async pipeline(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<QueryEnvelope<PipelineSummary>> {
    const found = await this.pipelines.pipeline(principal.project, id);
    if (!found)
      throw new NotFoundException(`no pipeline "${id}" in project "${principal.project}"`);
    const { pipeline, steps } = found;
    return envelope(
      principal.project,
      { start: Date.parse(pipeline.first_seen), end: Date.parse(pipeline.last_seen) },
      {
        status: pipeline.status,
        duration_ms: pipeline.duration_ms,
        steps: steps.length,
        failed_steps: steps.filter((step) => step.status === 'failed').length,
      },
      {
        details: { pipeline, steps },
        charts: { step_waterfall: stepWaterfall(steps) },
      },
    );
  }
}
