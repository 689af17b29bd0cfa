import { EVENT_SCHEMAS, EVENT_TYPES } from './event-definitions';

/**
 * The JSON Schema (draft 2020-12 compatible) producers can validate against before sending;
 * served by ingest at GET /v1/schema. Built from the same definitions the validator uses.
 */
export function producerJsonSchema(): Record<string, unknown> {
  const definitions = Object.fromEntries(
    EVENT_TYPES.map((type) => [type, JSON.parse(JSON.stringify(EVENT_SCHEMAS[type]))]),
  );
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'agentpulse.events.v1',
    title: 'AgentPulse event',
    description: 'POST /v1/events accepts an array of these, {"events": [...]}, or NDJSON',
    oneOf: EVENT_TYPES.map((type) => ({ $ref: `#/$defs/${type}` })),
    $defs: definitions,
  };
}
