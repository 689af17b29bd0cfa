import { queryRows, type ClickHouseClient } from '@agentpulse/clickhouse';

/** How many generations below a session are followed; deeper descendants are not counted. */
const MAX_GENERATIONS = 32;

/**
 * A session and its descendants through `parent_session_id`, each with its generation (0 for
 * the session itself). Candidate children
 * come from the session_children edges (by sorting key, no project scan) and are kept only if
 * their current parent, the latest value in session_stats, is the session being expanded.
 */
export async function sessionFamily(
  client: ClickHouseClient,
  database: string,
  project: string,
  sessionId: string,
): Promise<Map<string, number>> {
  const family = new Map([[sessionId, 0]]);
  let frontier = [sessionId];
  for (let generation = 1; frontier.length > 0 && generation <= MAX_GENERATIONS; generation++) {
    const rows = await queryRows<{ session_id: string }>(
      client,
      `SELECT session_id FROM ${database}.session_stats
              WHERE project = {project:String}
                AND session_id IN (
                  SELECT session_id FROM ${database}.session_children
                  WHERE project = {project:String} AND parent_session_id IN {frontier:Array(String)})
              GROUP BY session_id
              HAVING argMaxMerge(parent_session_id) IN {frontier:Array(String)}`,
      { project, frontier },
    );
    const children = rows.map((row) => row.session_id).filter((id) => !family.has(id));
    for (const id of children) family.set(id, generation);
    frontier = children;
  }
  return family;
}
