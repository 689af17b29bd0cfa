import { Body, Controller, Get, HttpException, Inject, Post, Res } from '@nestjs/common';
import type { Principal } from '@agentpulse/config';
import type { EventLogProducer } from '@agentpulse/kafka';
import { eventsRejected, ingestRequests } from '@agentpulse/observability';
import { producerJsonSchema } from '@agentpulse/schema';
import { CurrentPrincipal, RequireScope } from '@agentpulse/service-kit';
import type { FastifyReply } from 'fastify';
import type { EventIntake } from './event-intake';
import { publishAccepted } from './event-publisher';

export const EVENT_INTAKE = Symbol('EVENT_INTAKE');
export const EVENT_LOG = Symbol('EVENT_LOG');

@Controller('v1')
export class EventsController {
  private readonly schema = producerJsonSchema();

  constructor(
    @Inject(EVENT_INTAKE) private readonly intake: EventIntake,
    @Inject(EVENT_LOG) private readonly eventLog: EventLogProducer,
  ) {}

  /**
   * 202 when every event was accepted, 207 when some were rejected (with why), 400 when none
   * were valid. Answers only after the broker acknowledged every accepted event.
   */
  @Post('events')
  @RequireScope('ingest')
  async ingest(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { accepted, rejected } = this.intake.process(body, principal.project, Date.now());
    if (rejected.length > 0) eventsRejected.inc({ project: principal.project }, rejected.length);
    if (accepted.length === 0) {
      ingestRequests.inc({ status: '400' });
      throw new HttpException(
        { message: 'no valid events in the request', details: { rejected } },
        400,
      );
    }
    await publishAccepted(this.eventLog, principal.project, accepted);
    const status = rejected.length === 0 ? 202 : 207;
    ingestRequests.inc({ status: String(status) });
    void reply
      .code(status)
      .send(
        rejected.length === 0
          ? { accepted: accepted.length }
          : { accepted: accepted.length, rejected },
      );
  }

  /** The JSON Schema of events, for producers that validate before sending. */
  @Get('schema')
  @RequireScope('ingest')
  jsonSchema(): Record<string, unknown> {
    return this.schema;
  }
}
