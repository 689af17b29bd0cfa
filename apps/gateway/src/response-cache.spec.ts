import { ResponseCache } from './response-cache';

/** A generation source the test moves by hand, as the aggregator's batches would. */
function feed() {
  const state = { generation: 0, down: false };
  return {
    state,
    generation: async () => {
      if (state.down) throw new Error('redis unreachable');
      return state.generation;
    },
  };
}

async function answer(cache: ResponseCache, url: string, compute: () => unknown) {
  const cached = await cache.lookup('alpha', url);
  if (cached.hit) return cached.body;
  const body = compute();
  cached.store(body);
  return body;
}

describe('ResponseCache', () => {
  it('serves an answer until the next batch of its project', async () => {
    const source = feed();
    const cache = new ResponseCache(source, 1_000_000);
    expect(await answer(cache, '/a', () => 1)).toBe(1);
    expect(await answer(cache, '/a', () => 2)).toBe(1);
    source.state.generation += 1;
    expect(await answer(cache, '/a', () => 3)).toBe(3);
  });

  it('never serves an answer whose computation overlapped a batch', async () => {
    const source = feed();
    const cache = new ResponseCache(source, 1_000_000);
    const slow = await cache.lookup('alpha', '/a');
    if (slow.hit) throw new Error('empty cache hit');
    source.state.generation += 1; // a batch commits while the query runs
    slow.store('computed before the batch');
    expect(await answer(cache, '/a', () => 'fresh')).toBe('fresh');
  });

  it('keeps projects apart', async () => {
    const cache = new ResponseCache(feed(), 1_000_000);
    await answer(cache, '/a', () => 'alpha');
    const other = await cache.lookup('beta', '/a');
    expect(other.hit).toBe(false);
  });

  it('computes every answer when the generation cannot be read, or when turned off', async () => {
    const source = feed();
    const cache = new ResponseCache(source, 1_000_000);
    await answer(cache, '/a', () => 1);
    source.state.down = true;
    expect(await answer(cache, '/a', () => 2)).toBe(2);
    const off = new ResponseCache(feed(), 0);
    await answer(off, '/a', () => 1);
    expect(await answer(off, '/a', () => 2)).toBe(2);
  });

  it('stays within its size, keeping no answer larger than an eighth of it', async () => {
    const cache = new ResponseCache(feed(), 800);
    const big = 'x'.repeat(200);
    expect(await answer(cache, '/big', () => big)).toBe(big);
    expect(await answer(cache, '/big', () => 'recomputed')).toBe('recomputed');
    for (let i = 0; i < 20; i++) await answer(cache, `/small/${i}`, () => 'y'.repeat(50));
    // 20 answers of ~52 bytes do not fit in 800: the least recently used left
    expect(await answer(cache, '/small/0', () => 'evicted')).toBe('evicted');
    expect(await answer(cache, '/small/19', () => 'kept?')).toBe('y'.repeat(50));
  });
});
