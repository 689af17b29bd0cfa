/**
 * How GitLab's CI statuses become AgentPulse's. A pipeline has four states in CONTRACT.md;
 * a step's status is free text, and only `failed` counts as a step failure in the pipeline
 * statistics, so a skipped or manual job keeps its own word instead of becoming a failure.
 */
export type PipelineStatus = 'pending' | 'running' | 'success' | 'failed';

/**
 * GitLab pipeline (and job) status → pipeline status. Waiting states are `pending`; a pipeline
 * being cancelled is still `running` until GitLab reports it `canceled`; every unsuccessful end
 * (failed, canceled, skipped) is `failed`. A status GitLab adds later maps to nothing, so the
 * pipeline keeps its previous status rather than the hook being refused.
 */
const PIPELINE_STATUS: Readonly<Record<string, PipelineStatus>> = {
  created: 'pending',
  waiting_for_resource: 'pending',
  waiting_for_callback: 'pending',
  preparing: 'pending',
  pending: 'pending',
  scheduled: 'pending',
  manual: 'pending',
  running: 'running',
  canceling: 'running',
  success: 'success',
  failed: 'failed',
  canceled: 'failed',
  skipped: 'failed',
};

/** Job statuses that keep their own name as a step status (they are not failures). */
const STEP_KEEPS_OWN_NAME = new Set(['canceled', 'skipped', 'manual']);

export function pipelineStatus(gitlab: string): PipelineStatus | undefined {
  return Object.hasOwn(PIPELINE_STATUS, gitlab) ? PIPELINE_STATUS[gitlab] : undefined;
}

/** A job's status as a step status: the pipeline vocabulary where it fits, else GitLab's word. */
export function stepStatus(gitlab: string): string {
  if (STEP_KEEPS_OWN_NAME.has(gitlab)) return gitlab;
  return pipelineStatus(gitlab) ?? gitlab.slice(0, 64);
}

/**
 * Lifecycle rank of a status: waiting 0, running 1, ended 2. The store keeps the state with the
 * latest (event time, event id); GitLab reports times to the second, so two hooks of one
 * second would otherwise be ordered by their (random) ids. Adding the rank in milliseconds to
 * the event time keeps them in lifecycle order without moving them out of their second.
 */
export function lifecycleRank(status: string | undefined): number {
  if (status === undefined) return 0;
  const mapped = pipelineStatus(status) ?? status;
  if (mapped === 'pending') return 0;
  if (mapped === 'running') return 1;
  return 2;
}
