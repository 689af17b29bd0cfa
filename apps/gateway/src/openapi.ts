import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  DocumentBuilder,
  SwaggerModule,
} from '@nestjs/swagger';
import { z } from 'zod';

/**
 * The OpenAPI description of a read endpoint: its query parameters generated from the zod
 * schema that validates them (one source of truth), the bearer key, and the common answers.
 */
export function ApiRead(summary: string, query?: z.ZodObject) {
  const parameters = query ? queryParameters(query) : [];
  return applyDecorators(
    ApiOperation({ summary }),
    ApiBearerAuth(),
    ApiOkResponse({
      description: 'The answer envelope `{meta, summary, details, charts}` (CONTRACT.md "Queries")',
    }),
    ApiUnauthorizedResponse({ description: 'No API key, or an unknown one' }),
    ApiForbiddenResponse({ description: 'The key lacks the `read` scope' }),
    ApiTooManyRequestsResponse({ description: 'Rate limit of the key exceeded' }),
    ...parameters.map((parameter) => ApiQuery(parameter)),
  );
}

function queryParameters(schema: z.ZodObject) {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    required: json.required?.includes(name) ?? false,
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

/** Serves the description at /docs (UI) and /docs-json; documentation only, no data, no key. */
export function serveOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('AgentPulse gateway')
      .setDescription(
        'Queries over AI coding-agent sessions, pipelines and API traffic. Every request carries ' +
          '`Authorization: Bearer <api key>` with the `read` scope; answers cover the key’s project only. ' +
          'Invalid parameters answer 400 with `details.parameter` naming the parameter.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
