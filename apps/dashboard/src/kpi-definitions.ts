import type { FigureKind } from './format';

/** A figure of a `kpi` summary: its key on the wire, its label and how it is shown. */
export interface KpiDefinition {
  key: string;
  label: string;
  kind: FigureKind;
  hint?: string;
}

/** The headline cards of the global scope; keys a gateway does not send yet show "—". */
export const GLOBAL_HEADLINE: KpiDefinition[] = [
  { key: 'active_sessions', label: 'Active sessions', kind: 'count' },
  { key: 'tokens_per_minute', label: 'Tokens per minute', kind: 'tokens' },
  { key: 'cost_today_usd', label: 'Cost today', kind: 'usd', hint: 'UTC day' },
  { key: 'tool_failure_rate', label: 'Tool failure rate', kind: 'ratio' },
  {
    key: 'pipeline_success_rate',
    label: 'Pipeline success rate',
    kind: 'ratio',
    hint: 'pipelines ended today',
  },
  { key: 'api_p95_ms', label: 'API p95 latency', kind: 'duration', hint: 'last hour' },
];

export const GLOBAL_TOTALS: KpiDefinition[] = [
  { key: 'sessions', label: 'Sessions', kind: 'count' },
  { key: 'total_tokens', label: 'Total tokens', kind: 'tokens' },
  { key: 'cost_usd', label: 'Total cost', kind: 'usd' },
  { key: 'messages_user', label: 'User messages', kind: 'count' },
  { key: 'messages_assistant', label: 'Assistant messages', kind: 'count' },
  { key: 'tokens_in', label: 'Input tokens', kind: 'tokens' },
  { key: 'tokens_out', label: 'Output tokens', kind: 'tokens' },
  { key: 'tokens_cache_read', label: 'Cache read tokens', kind: 'tokens' },
  { key: 'tokens_cache_write', label: 'Cache write tokens', kind: 'tokens' },
];

/** Every key of a session summary (CONTRACT.md "Session summary keys"), grouped for display. */
export const SESSION_KPI_GROUPS: Array<{ title: string; kpis: KpiDefinition[] }> = [
  {
    title: 'Time',
    kpis: [
      { key: 'status', label: 'Status', kind: 'text' },
      { key: 'duration_ms', label: 'Duration', kind: 'duration' },
      { key: 'active_ms', label: 'Active', kind: 'duration' },
      { key: 'idle_ms', label: 'Idle', kind: 'duration' },
      { key: 'first_response_latency_ms', label: 'First response', kind: 'duration' },
    ],
  },
  {
    title: 'Tokens and cost',
    kpis: [
      { key: 'total_tokens', label: 'Total tokens', kind: 'tokens' },
      { key: 'tokens_in', label: 'Input', kind: 'tokens' },
      { key: 'tokens_out', label: 'Output', kind: 'tokens' },
      { key: 'tokens_reasoning', label: 'Reasoning', kind: 'tokens' },
      { key: 'tokens_cache_read', label: 'Cache read', kind: 'tokens' },
      { key: 'tokens_cache_write', label: 'Cache write', kind: 'tokens' },
      { key: 'cache_hit_ratio', label: 'Cache hit ratio', kind: 'ratio' },
      { key: 'cost_usd', label: 'Cost', kind: 'usd' },
    ],
  },
  {
    title: 'Conversation',
    kpis: [
      { key: 'messages_user', label: 'User messages', kind: 'count' },
      { key: 'messages_assistant', label: 'Assistant messages', kind: 'count' },
      { key: 'exchanges', label: 'Exchanges', kind: 'count' },
      { key: 'agents', label: 'Agents', kind: 'count' },
      { key: 'max_delegation_depth', label: 'Delegation depth', kind: 'count' },
      { key: 'skill_loads', label: 'Skill loads', kind: 'count' },
    ],
  },
  {
    title: 'Tools and files',
    kpis: [
      { key: 'tool_calls', label: 'Tool calls', kind: 'count' },
      { key: 'unique_tools', label: 'Distinct tools', kind: 'count' },
      { key: 'tool_failure_rate', label: 'Tool failure rate', kind: 'ratio' },
      { key: 'files_read', label: 'Files read', kind: 'count' },
      { key: 'files_written', label: 'Files written', kind: 'count' },
      { key: 'risky_files', label: 'Risky files', kind: 'count', hint: 'high or critical' },
    ],
  },
];
