import { Controller, Get, Inject, Res, type DynamicModule } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { metricsRegistry } from './metrics';

/** A dependency a service needs to do its work; `check` throws when it is unreachable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
const CHECK_TIMEOUT_MS = 2_000;

@Controller()
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const results = await Promise.all(this.checks.map(runCheck));
    const ready = results.every((r) => r.status === 'ok');
    void reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      dependencies: Object.fromEntries(results.map((r) => [r.name, r])),
    });
  }

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    void reply
      .header('content-type', metricsRegistry.contentType)
      .send(await metricsRegistry.metrics());
  }
}

async function runCheck(check: ReadinessCheck) {
  const started = Date.now();
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        ).unref(),
      ),
    ]);
    return { name: check.name, status: 'ok' as const, latency_ms: Date.now() - started };
  } catch (error) {
    return {
      name: check.name,
      status: 'down' as const,
      error: (error as Error).message,
      latency_ms: Date.now() - started,
    };
  }
}

/** `/healthz`, `/readyz` (per-dependency detail) and `/metrics` for one service. */
export class HealthModule {
  static register(checks: ReadinessCheck[]): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: READINESS_CHECKS, useValue: checks }],
    };
  }
}
