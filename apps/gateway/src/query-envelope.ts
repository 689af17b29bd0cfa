/** The shape of every query answer (CONTRACT.md "Queries"). */
export interface QueryEnvelope<S, D = Record<string, unknown>, C = Record<string, unknown>> {
  meta: {
    generated_at: string;
    project: string;
    session_id?: string;
    period: { start: string | null; end: string | null };
  };
  summary: S;
  details: D;
  charts: C;
}

function iso(epochMs: number | undefined): string | null {
  return epochMs ? new Date(epochMs).toISOString() : null;
}

export function envelope<S>(
  project: string,
  period: { start?: number; end?: number },
  summary: S,
  extra: {
    session_id?: string;
    details?: Record<string, unknown>;
    charts?: Record<string, unknown>;
  } = {},
): QueryEnvelope<S> {
  return {
    meta: {
      generated_at: new Date().toISOString(),
      project,
      ...(extra.session_id !== undefined ? { session_id: extra.session_id } : {}),
      period: { start: iso(period.start), end: iso(period.end) },
    },
    summary,
    details: extra.details ?? {},
    charts: extra.charts ?? {},
  };
}
