import { BatchCoalescer } from './batch-coalescer';

/** A sink whose calls are recorded and finished by the test. */
function controlledSink() {
  const calls: Array<{ batches: string[]; finish: (error?: Error) => void }> = [];
  let active = 0;
  let maxActive = 0;
  const sink = (batches: string[]) =>
    new Promise<void>((resolve, reject) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      calls.push({
        batches,
        finish: (error) => {
          active -= 1;
          if (error) reject(error);
          else resolve();
        },
      });
    });
  return { calls, sink, maxActive: () => maxActive };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

/** Tracks whether a promise has settled, and how. */
function watch(promise: Promise<void>) {
  const state = { settled: 'no' as 'no' | 'resolved' | 'rejected' };
  promise.then(
    () => (state.settled = 'resolved'),
    () => (state.settled = 'rejected'),
  );
  return state;
}

describe('BatchCoalescer', () => {
  it('hands batches that arrive together to the sink in one call', async () => {
    const { calls, sink } = controlledSink();
    const coalescer = new BatchCoalescer(sink, { windowMs: 5 });
    const a = watch(coalescer.submit('p0'));
    const b = watch(coalescer.submit('p1'));
    const c = watch(coalescer.submit('p2'));
    await tick();
    expect(calls.map((call) => call.batches)).toEqual([['p0', 'p1', 'p2']]);
    expect([a, b, c].map((s) => s.settled)).toEqual(['no', 'no', 'no']);
    calls[0].finish();
    await tick();
    expect([a, b, c].map((s) => s.settled)).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('never overlaps runs: batches arriving during a run form the next one', async () => {
    const { calls, sink, maxActive } = controlledSink();
    const coalescer = new BatchCoalescer(sink, { windowMs: 1 });
    const first = watch(coalescer.submit('p0'));
    await tick();
    const second = watch(coalescer.submit('p1'));
    const third = watch(coalescer.submit('p2'));
    await tick();
    expect(calls).toHaveLength(1);
    calls[0].finish();
    await tick();
    expect(first.settled).toBe('resolved');
    expect(second.settled).toBe('no');
    expect(calls.map((call) => call.batches)).toEqual([['p0'], ['p1', 'p2']]);
    calls[1].finish();
    await tick();
    expect([second.settled, third.settled]).toEqual(['resolved', 'resolved']);
    expect(maxActive()).toBe(1);
  });

  it('rejects every batch of a failed run, and only those, and keeps going', async () => {
    const { calls, sink } = controlledSink();
    const coalescer = new BatchCoalescer(sink, { windowMs: 1 });
    const a = coalescer.submit('p0');
    const b = coalescer.submit('p1');
    await tick();
    const c = watch(coalescer.submit('p2'));
    calls[0].finish(new Error('insert failed'));
    await expect(a).rejects.toThrow('insert failed');
    await expect(b).rejects.toThrow('insert failed');
    await tick();
    expect(calls.map((call) => call.batches)).toEqual([['p0', 'p1'], ['p2']]);
    calls[1].finish();
    await tick();
    expect(c.settled).toBe('resolved');
  });

  it('starts a new run after going idle', async () => {
    const { calls, sink } = controlledSink();
    const coalescer = new BatchCoalescer(sink, { windowMs: 1 });
    const a = coalescer.submit('p0');
    await tick();
    calls[0].finish();
    await a;
    const b = coalescer.submit('p0');
    await tick();
    expect(calls.map((call) => call.batches)).toEqual([['p0'], ['p0']]);
    calls[1].finish();
    await expect(b).resolves.toBeUndefined();
  });

  it('starts at once, without the window, when the most batches that can be in hand are', async () => {
    const { calls, sink } = controlledSink();
    const coalescer = new BatchCoalescer(sink, { windowMs: 10_000, maxBatches: 2 });
    const a = coalescer.submit('p0');
    const b = coalescer.submit('p1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.map((call) => call.batches)).toEqual([['p0', 'p1']]);
    calls[0].finish();
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
  });
});
