const RISK_LEVELS = ['low', 'medium', 'high', 'critical'];

/** A file's risk level, coloured by severity. */
export function RiskBadge({ level }: { level: string | null | undefined }) {
  const known = level && RISK_LEVELS.includes(level) ? level : 'none';
  return (
    <span class={`badge risk-${known}`} data-risk={known}>
      {known === 'none' ? 'unrated' : level}
    </span>
  );
}

const STATUS_TONES: Record<string, string> = {
  running: 'info',
  pending: 'info',
  completed: 'good',
  success: 'good',
  error: 'bad',
  failed: 'bad',
};

/** A session, call, trace or pipeline status. */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span class="badge tone-none">—</span>;
  return <span class={`badge tone-${STATUS_TONES[status] ?? 'none'}`}>{status}</span>;
}
