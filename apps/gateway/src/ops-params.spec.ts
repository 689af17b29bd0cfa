import { BadRequestException } from '@nestjs/common';
import { monitoringWindow, pipelineListParams } from './ops-params';
import { encodeCursor } from './page-cursor';

/** The parameter a 400 names, or undefined when `parse` does not throw one. */
function rejected(parse: () => unknown): unknown {
  try {
    parse();
  } catch (error) {
    if (error instanceof BadRequestException)
      return (error.getResponse() as { details: { parameter: string } }).details.parameter;
    throw error;
  }
  return undefined;
}

describe('pipelineListParams', () => {
  it('defaults the limit to 50 and hands a cursor back as the position it encodes', () => {
    expect(pipelineListParams({})).toEqual({ limit: 50 });
    const after = { last_seen: 1_790_000_000_123, pipeline_id: 'pl/42 é' };
    expect(
      pipelineListParams({ limit: '500', status: 'failed', cursor: encodeCursor(after) }),
    ).toEqual({ limit: 500, status: 'failed', after });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ limit: '2.5' }, 'limit'],
    [{ limit: ['10', '20'] }, 'limit'],
    [{ status: 'done' }, 'status'],
    [{ branch: '' }, 'branch'],
    [{ cursor: 'garbage' }, 'cursor'],
    [{ cursor: Buffer.from('{"last_seen":1}').toString('base64url') }, 'cursor'],
    [{ cursor: Buffer.from('[1,"a"]').toString('base64url') }, 'cursor'],
  ])('rejects %j naming %s', (query, parameter) => {
    expect(rejected(() => pipelineListParams(query))).toBe(parameter);
  });

  it('refuses cursors with extra fields, so a forged one cannot pass for a real one', () => {
    const forged = Buffer.from('{"last_seen":1,"pipeline_id":"a","x":1}').toString('base64url');
    expect(rejected(() => pipelineListParams({ cursor: forged }))).toBe('cursor');
  });
});

describe('monitoringWindow', () => {
  const until = '2026-10-08T12:00:00.000Z';

  it('ends at `until` (or now) and starts one period earlier, default 1h', () => {
    expect(monitoringWindow({}, 3_600_000 * 5)).toEqual({
      period: '1h',
      start: 3_600_000 * 4,
      end: 3_600_000 * 5,
      bucketMs: 60_000,
    });
    expect(
      monitoringWindow({ period: '7d', until: '2026-10-08T14:00:00+02:00', service: 'api' }),
    ).toEqual({
      period: '7d',
      start: Date.parse(until) - 7 * 86_400_000,
      end: Date.parse(until),
      bucketMs: 3_600_000,
      service: 'api',
    });
  });

  it.each([
    [{ period: '2h' }, 'period'],
    [{ period: '1H' }, 'period'],
    [{ until: '2026-10-08' }, 'until'],
    [{ until: 'now' }, 'until'],
    [{ service: '' }, 'service'],
  ])('rejects %j naming %s', (query, parameter) => {
    expect(rejected(() => monitoringWindow(query))).toBe(parameter);
  });
});
