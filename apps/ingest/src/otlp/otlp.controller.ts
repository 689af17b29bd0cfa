import {
  Body,
  Controller,
  Headers,
  Inject,
  Post,
  Res,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { Principal } from '@agentpulse/config';
import type { EventLogProducer } from '@agentpulse/kafka';
import { ingestRequests } from '@agentpulse/observability';
import { CurrentPrincipal, RequireScope } from '@agentpulse/service-kit';
import type { FastifyReply } from 'fastify';
import type { EventIntake } from '../event-intake';
import { EVENT_INTAKE, EVENT_LOG } from '../events.controller';
import { mapClaudeCodeLogs } from './claude-code-log.mapper';
import { mapGenAiSpans } from './genai-span.mapper';
import { publishMappedExport, type ExportOutcome } from './otlp-export.sink';
import type { MappedExport } from './otlp-model';
import { readLogsExport, readTraceExport } from './otlp-object-reader';
import { decodeProtobuf, encodeProtobuf, OTLP_MESSAGES } from './otlp-protobuf.codec';

type Encoding = 'json' | 'protobuf';

/** OTLP/HTTP encodings by media type; anything else is answered 415, as the spec asks. */
function encodingOf(contentType: string | undefined): Encoding {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (media === 'application/json') return 'json';
  if (media === 'application/x-protobuf') return 'protobuf';
  throw new UnsupportedMediaTypeException(
    `OTLP/HTTP takes application/json or application/x-protobuf, not "${media || 'none'}"`,
  );
}

/** What differs between the two signals: their messages, their mapper, their reject field. */
interface Signal {
  name: 'traces' | 'logs';
  request: (typeof OTLP_MESSAGES)['traceRequest'];
  response: (typeof OTLP_MESSAGES)['traceResponse'];
  map(request: unknown): MappedExport;
  rejectedField: 'rejectedSpans' | 'rejectedLogRecords';
}

const SIGNALS: Readonly<Record<Signal['name'], Signal>> = {
  traces: {
    name: 'traces',
    request: OTLP_MESSAGES.traceRequest,
    response: OTLP_MESSAGES.traceResponse,
    map: (request) => mapGenAiSpans(readTraceExport(request)),
    rejectedField: 'rejectedSpans',
  },
  logs: {
    name: 'logs',
    request: OTLP_MESSAGES.logsRequest,
    response: OTLP_MESSAGES.logsResponse,
    map: (request) => mapClaudeCodeLogs(readLogsExport(request)),
    rejectedField: 'rejectedLogRecords',
  },
};

/**
 * The OTLP/HTTP receiver: `POST /v1/otlp/v1/traces` and `/v1/otlp/v1/logs` (so an exporter's
 * base endpoint is `<ingest>/v1/otlp`). Decode → map → the intake chain → the event log; the
 * answer is an Export*ServiceResponse in the request's encoding, with `partial_success` when
 * records were rejected or left out.
 */
@Controller('v1/otlp/v1')
export class OtlpController {
  constructor(
    @Inject(EVENT_INTAKE) private readonly intake: EventIntake,
    @Inject(EVENT_LOG) private readonly eventLog: EventLogProducer,
  ) {}

  @Post('traces')
  @RequireScope('ingest')
  traces(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.receive(SIGNALS.traces, body, contentType, principal, reply);
  }

  @Post('logs')
  @RequireScope('ingest')
  logs(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.receive(SIGNALS.logs, body, contentType, principal, reply);
  }

  private async receive(
    signal: Signal,
    body: unknown,
    contentType: string | undefined,
    principal: Principal,
    reply: FastifyReply,
  ): Promise<void> {
    const encoding = encodingOf(contentType);
    const request = encoding === 'json' ? body : decodeProtobuf(signal.request, body);
    const outcome = await publishMappedExport(
      signal.name,
      signal.map(request),
      principal.project,
      this.intake,
      this.eventLog,
    );
    respond(reply, encoding, outcome, signal.rejectedField, signal.response);
  }
}

/**
 * 200 with the service response. `partialSuccess` is set when something was rejected, and
 * also (rejected 0, message set) to warn about records left out, as the OTLP spec allows.
 */
function respond(
  reply: FastifyReply,
  encoding: Encoding,
  outcome: ExportOutcome,
  rejectedField: Signal['rejectedField'],
  responseType: Signal['response'],
): void {
  ingestRequests.inc({ status: '200' });
  const partial =
    outcome.rejected > 0 || outcome.message !== ''
      ? { partialSuccess: { [rejectedField]: outcome.rejected, errorMessage: outcome.message } }
      : {};
  if (encoding === 'protobuf') {
    void reply
      .code(200)
      .header('content-type', 'application/x-protobuf')
      .send(encodeProtobuf(responseType, partial));
    return;
  }
  // proto3 JSON writes int64 as a decimal string.
  const json = partial.partialSuccess
    ? {
        partialSuccess: {
          ...partial.partialSuccess,
          [rejectedField]: String(outcome.rejected),
        },
      }
    : {};
  void reply.code(200).header('content-type', 'application/json').send(json);
}
