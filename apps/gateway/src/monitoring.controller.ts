import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { Principal } from '@agentpulse/config';
import { CurrentPrincipal, RequireScope } from '@agentpulse/service-kit';
import { ApiRead } from './openapi';
import { monitoringQuery, monitoringWindow } from './ops-params';
import {
  EndpointMonitoringQuery,
  type EndpointMonitoring,
} from './queries/endpoint-monitoring.query';
import { envelope, type QueryEnvelope } from './query-envelope';

/** API monitoring from `http_request` events. */
@Controller('v1/monitoring')
export class MonitoringController {
  constructor(
    @Inject(EndpointMonitoringQuery) private readonly monitoring: EndpointMonitoringQuery,
  ) {}

  /** Per (service, method, route) over `period` ending at `until`; meta.period.end is exclusive. */
  @Get('endpoints')
  @ApiRead('Per route: throughput, p50/p95/p99 latency, error rates, top errors', monitoringQuery)
  @RequireScope('read')
  async endpoints(
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<QueryEnvelope<EndpointMonitoring['summary']>> {
    const window = monitoringWindow(query);
    const figures = await this.monitoring.endpoints(principal.project, window);
    return envelope(principal.project, window, figures.summary, {
      details: { period: window.period, endpoints: figures.endpoints },
      charts: { requests: figures.buckets },
    });
  }
}
