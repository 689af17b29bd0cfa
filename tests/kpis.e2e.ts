import { loadRiskRules, RiskClassifier } from '@agentpulse/risk';
import {
  expectedAgentModelBreakdown,
  expectedCostBreakdown,
  expectedDailyStats,
  expectedSessionKpis,
  generateWorld,
} from '@agentpulse/test-support';
import { getJson, inParallel, postGenerated } from './support/http-client';
import {
  keyOf,
  pipelineEnv,
  rewindConsumerGroup,
  startPipeline,
  type TestPipeline,
  waitForConsumerCatchUp,
} from './support/test-pipeline';

jest.setTimeout(600_000);

const PROJECTS = ['alpha', 'beta'];
const FROM = Date.UTC(2026, 9, 1);
const DAYS = 7;

/** Numbers equal; costs (sums of floats, added in another order) to 1e-9 relative. */
function same(key: string, got: unknown, want: unknown): boolean {
  if (typeof got === 'number' && typeof want === 'number' && key.includes('cost'))
    return Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
  return got === want;
}

function costsMatch(got: Record<string, number>, want: Record<string, number>): boolean {
  const keys = new Set(
    [...Object.keys(got), ...Object.keys(want)].filter(
      (key) => (got[key] ?? 0) !== 0 || (want[key] ?? 0) !== 0,
    ),
  );
  return [...keys].every((key) => same('cost', got[key] ?? 0, want[key] ?? 0));
}

describe('every KPI of CONTRACT.md against an independent calculation', () => {
  const env = pipelineEnv('kpis', { INGEST_MAX_EVENTS_PER_REQUEST: '1000' });
  const sent = generateWorld({
    seed: 42,
    projects: PROJECTS,
    sessionsPerProject: 500,
    days: DAYS,
    from: FROM,
    duplicateShare: 0.05,
  });
  const classifier = new RiskClassifier(loadRiskRules());
  const options = {
    classifyRisk: (path: string, operation: string) =>
      classifier.classify(path, operation as 'read').level,
  };
  const sessions = expectedSessionKpis(sent, options);
  const days = expectedDailyStats(sent, options);
  const costs = expectedCostBreakdown(sent, options);
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = await startPipeline(env);
    await postGenerated(pipeline.ingestUrl, sent, PROJECTS, keyOf);
    await waitForConsumerCatchUp(env, 180_000);
  });
  afterAll(async () => {
    await pipeline?.stop();
  });

  async function summaryMismatches(keys: string[]): Promise<string[]> {
    const problems: string[] = [];
    await inParallel(keys, 8, async (key) => {
      const [project, sessionId] = key.split('/');
      const { status, body } = await getJson(
        `${pipeline.gatewayUrl}/v1/sessions/${encodeURIComponent(sessionId)}/summary`,
        keyOf(project),
      );
      if (status !== 200) {
        problems.push(`${key}: HTTP ${status}`);
        return;
      }
      const got = body.summary as Record<string, unknown>;
      const want = sessions.get(key) as unknown as Record<string, unknown>;
      for (const [name, value] of Object.entries(want))
        if (!same(name, got[name], value))
          problems.push(`${key}.${name}: got ${String(got[name])}, want ${String(value)}`);
      const cost = (body.details as { cost: Record<string, Record<string, number>> }).cost;
      const wantCost = costs.get(key);
      for (const part of ['by_agent', 'by_model', 'by_tool'] as const)
        if (wantCost && !costsMatch(cost[part], wantCost[part]))
          problems.push(
            `${key}.cost.${part}: got ${JSON.stringify(cost[part])}, want ${JSON.stringify(wantCost[part])}`,
          );
    });
    return problems;
  }

  async function dailyMismatches(): Promise<string[]> {
    const problems: string[] = [];
    const to = new Date(FROM + (DAYS + 2) * 86_400_000).toISOString().slice(0, 10);
    for (const project of PROJECTS) {
      const { status, body } = await getJson(
        `${pipeline.gatewayUrl}/v1/stats/global?from=2026-09-25&to=${to}`,
        keyOf(project),
      );
      expect(status).toBe(200);
      const got = new Map(
        (body.details as { days: Array<Record<string, unknown>> }).days.map((d) => [d.day, d]),
      );
      for (const [key, want] of days) {
        if (!key.startsWith(`${project}/`)) continue;
        const day = key.slice(project.length + 1);
        const row = got.get(day);
        if (!row) {
          problems.push(`${key}: missing`);
          continue;
        }
        for (const [name, value] of Object.entries(want))
          if (!same(name, row[name], value))
            problems.push(`${key}.${name}: got ${String(row[name])}, want ${String(value)}`);
      }
    }
    return problems;
  }

  /** Tokens by agent and cost by model over `from`..`to`, per project. */
  async function breakdownMismatches(from: string, to: string): Promise<string[]> {
    const problems: string[] = [];
    for (const project of PROJECTS) {
      const { body } = await getJson(
        `${pipeline.gatewayUrl}/v1/stats/global?from=${from}&to=${to}`,
        keyOf(project),
      );
      const charts = body.charts as Record<string, Array<Record<string, number | string>>>;
      const want = expectedAgentModelBreakdown(sent, project, { from, to });
      for (const [chart, key, groups] of [
        ['tokens_by_agent', 'agent', want.by_agent],
        ['cost_by_model', 'model', want.by_model],
      ] as const) {
        const got = new Map(charts[chart].map((row) => [row[key], row]));
        if (got.size !== groups.size)
          problems.push(`${project} ${chart}: ${got.size} rows, want ${groups.size}`);
        for (const [name, totals] of groups)
          for (const [field, value] of Object.entries(totals))
            if (!same(field, got.get(name)?.[field], value))
              problems.push(
                `${project} ${chart} ${name}.${field}: got ${String(got.get(name)?.[field])}, want ${value}`,
              );
      }
    }
    return problems;
  }

  it('generates a world worth checking', () => {
    expect(sessions.size).toBeGreaterThanOrEqual(1_000);
    const types = new Set(sent.map((g) => g.event.type));
    for (const type of ['session', 'message', 'tool_call', 'file_operation', 'agent_trace'])
      expect(types).toContain(type);
    expect(Math.max(...[...sessions.values()].map((s) => s.max_delegation_depth))).toBe(4);
    expect([...sessions.values()].some((s) => s.unknown_model_messages > 0)).toBe(true);
    expect([...sessions.values()].some((s) => s.idle_ms > 0)).toBe(true);
    expect([...sessions.values()].some((s) => s.risky_files > 0)).toBe(true);
    expect(new Set([...days.keys()].map((k) => k.split('/')[1])).size).toBeGreaterThan(3);
  });

  it('answers every session summary and cost breakdown exactly', async () => {
    const problems = await summaryMismatches([...sessions.keys()]);
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('answers every daily stat exactly', async () => {
    expect((await dailyMismatches()).slice(0, 20)).toEqual([]);
  });

  it('answers tokens by agent and cost by model over a range exactly', async () => {
    const day = (offset: number) => new Date(FROM + offset * 86_400_000).toISOString().slice(0, 10);
    expect(await breakdownMismatches(day(-5), day(DAYS + 2))).toEqual([]);
    expect(await breakdownMismatches(day(2), day(3))).toEqual([]);
  });

  it('counts nothing twice after a full replay, a re-import and a restart', async () => {
    await postGenerated(pipeline.ingestUrl, sent.slice(0, 5_000), PROJECTS, keyOf);
    await pipeline.stop();
    await rewindConsumerGroup(env);
    pipeline = await startPipeline(env);
    await waitForConsumerCatchUp(env, 180_000);
    const sample = [...sessions.keys()].filter((_, i) => i % 10 === 0);
    expect((await summaryMismatches(sample)).slice(0, 20)).toEqual([]);
    expect((await dailyMismatches()).slice(0, 20)).toEqual([]);
  });
});
