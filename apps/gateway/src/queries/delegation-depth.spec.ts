import { maxDelegationDepth } from './delegation-depth';

const link = (trace_id: string, parent_trace_id = '', session_id = 's') => ({
  session_id,
  trace_id,
  parent_trace_id,
});

describe('maxDelegationDepth', () => {
  it('is 0 without traces and 1 for traces without parents', () => {
    expect(maxDelegationDepth([])).toBe(0);
    expect(maxDelegationDepth([link('a'), link('b')])).toBe(1);
  });

  it('follows the longest parent chain, whatever the order', () => {
    expect(maxDelegationDepth([link('d', 'c'), link('b', 'a'), link('c', 'b'), link('a')])).toBe(4);
  });

  it('treats an unknown parent as a root and resolves parents within one session', () => {
    expect(maxDelegationDepth([link('b', 'missing')])).toBe(1);
    expect(maxDelegationDepth([link('a', '', 's1'), link('b', 'a', 's2')])).toBe(1);
  });

  it('stops at a cycle instead of looping', () => {
    const depth = maxDelegationDepth([link('a', 'b'), link('b', 'a')]);
    expect(depth).toBeGreaterThanOrEqual(1);
    expect(depth).toBeLessThanOrEqual(2);
  });
});
