/** An agent trace and the trace that delegated to it ('' when none). */
export interface TraceLink {
  session_id: string;
  trace_id: string;
  parent_trace_id: string;
}

/**
 * The longest parent chain among a family's agent traces (docs/kpis.md): a trace without a
 * parent, or whose parent is not among them, has depth 1. Parents resolve within the same
 * session. A cycle (bad data) stops the walk instead of looping.
 */
export function maxDelegationDepth(traces: TraceLink[]): number {
  const parents = new Map(
    traces.map((t) => [`${t.session_id}\u0000${t.trace_id}`, t.parent_trace_id]),
  );
  const depths = new Map<string, number>();
  const depthOf = (key: string, visiting: Set<string>): number => {
    const known = depths.get(key);
    if (known !== undefined) return known;
    const [session] = key.split('\u0000');
    const parent = parents.get(key);
    const parentKey = `${session}\u0000${parent}`;
    const depth =
      parent && parents.has(parentKey) && !visiting.has(parentKey)
        ? 1 + depthOf(parentKey, visiting.add(key))
        : 1;
    depths.set(key, depth);
    return depth;
  };
  let max = 0;
  for (const key of parents.keys()) max = Math.max(max, depthOf(key, new Set()));
  return max;
}
