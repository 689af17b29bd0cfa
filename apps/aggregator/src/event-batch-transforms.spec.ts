import { sessionKey } from '@agentpulse/clickhouse';
import { normaliseEvent, type NormalisedEvent } from '@agentpulse/schema';
import { changeNotices, decodeRecords, dedupToken, dropRepeats } from './event-batch-transforms';

function message(project: string, id: string, session = 's1'): NormalisedEvent {
  return normaliseEvent(
    {
      id,
      type: 'message',
      timestamp: 1_767_225_600_000,
      session_id: session,
      message_id: id,
      role: 'user',
    },
    { project, receivedAt: 0 },
  );
}

const position = { topic: 't', partition: 2, firstOffset: '10', lastOffset: '12' };

describe('aggregator batch transforms', () => {
  it('decodes normalised events and sets aside anything else with its offset', () => {
    const good = message('p', 'a');
    const { events, malformed } = decodeRecords([
      { offset: '1', key: null, value: Buffer.from(JSON.stringify(good)) },
      { offset: '2', key: null, value: Buffer.from('{oops') },
      { offset: '3', key: null, value: Buffer.from('{"project":"p","id":"x","type":"weird"}') },
      { offset: '4', key: null, value: null },
    ]);
    expect(events).toEqual([good]);
    expect(malformed.map((m) => m.offset)).toEqual(['2', '3', '4']);
  });

  it('keeps the first of repeated ids in a batch and drops ids already stored, per project', () => {
    const batch = [
      message('p', 'a'),
      message('p', 'a'),
      message('q', 'a'),
      message('p', 'b'),
      message('p', 'c'),
    ];
    const kept = dropRepeats(batch, new Set(['p\u0000b']));
    expect(kept.map((e) => `${e.project}/${e.id}`)).toEqual(['p/a', 'q/a', 'p/c']);
    expect(kept[0]).toBe(batch[0]);
  });

  it('gives the same token to the same content and another to changed content', () => {
    const batch = [message('p', 'a'), message('p', 'b')];
    expect(dedupToken([position], batch)).toBe(dedupToken([position], [...batch]));
    expect(dedupToken([position], batch)).not.toBe(dedupToken([position], batch.slice(1)));
    expect(dedupToken([position], batch)).not.toBe(
      dedupToken([{ ...position, partition: 3 }], batch),
    );
  });

  it('derives a merged batch token from every partition range, in any order', () => {
    const batch = [message('p', 'a'), message('p', 'b')];
    const other = { ...position, partition: 5, firstOffset: '0', lastOffset: '7' };
    expect(dedupToken([position, other], batch)).toBe(dedupToken([other, position], batch));
    expect(dedupToken([position, other], batch)).not.toBe(dedupToken([position], batch));
    expect(dedupToken([position, other], batch)).not.toBe(
      dedupToken([position, { ...other, lastOffset: '8' }], batch),
    );
  });

  it('announces each project once with its changed sessions', () => {
    const notices = changeNotices(
      [
        message('p', 'a', 's1'),
        message('p', 'b', 's2'),
        message('p', 'c', 's1'),
        message('q', 'd', 's9'),
      ],
      5,
    );
    expect(notices).toEqual([
      { project: 'p', session_ids: ['s1', 's2'], at: 5 },
      { project: 'q', session_ids: ['s9'], at: 5 },
    ]);
  });

  it('names the sessions a batch started: those with no event stored before it', () => {
    const events = [message('p', 'a', 's1'), message('p', 'b', 's2'), message('q', 'c', 's1')];
    const known = new Set([sessionKey({ project: 'p', session_id: 's1' })]);
    expect(changeNotices(events, 7, known)).toEqual([
      { project: 'p', session_ids: ['s1', 's2'], started_session_ids: ['s2'], at: 7 },
      { project: 'q', session_ids: ['s1'], started_session_ids: ['s1'], at: 7 },
    ]);
  });
});
