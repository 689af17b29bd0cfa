import { loadRiskRules, RiskClassifier, type FileOperation } from '@agentpulse/risk';
import {
  generateWorld,
  SessionViewsGroundTruth,
  type SessionListQuery,
  type SessionViewKind,
} from '@agentpulse/test-support';
import { getJson, inParallel, postGenerated } from './support/http-client';
import {
  keyOf,
  KEYS,
  pipelineEnv,
  startPipeline,
  type TestPipeline,
  waitForConsumerCatchUp,
} from './support/test-pipeline';

jest.setTimeout(300_000);

type Json = Record<string, unknown>;

const PROJECTS = ['alpha', 'beta'];
const FROM = Date.UTC(2026, 9, 1);
const DAYS = 5;
const VIEWS: SessionViewKind[] = ['tokens', 'tools', 'files', 'agents', 'exchanges'];
const TIMELINE_PAGE = 37;
const LIST_PAGE = 17;

const show = (value: unknown) => JSON.stringify(value)?.slice(0, 300);

/**
 * Where `got` differs from `want`: every key of `want` (extra keys in `got` are extensions),
 * arrays item by item and of the same length; integers exactly, other numbers to 1e-9
 * relative.
 */
function differences(path: string, got: unknown, want: unknown, out: string[]): void {
  if (out.length >= 8) return;
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) {
      out.push(`${path}: got ${show(got)}, want ${show(want)}`);
      return;
    }
    if (got.length !== want.length)
      out.push(`${path}: ${got.length} items, want ${want.length}: got ${show(got)}`);
    for (let i = 0; i < Math.min(got.length, want.length); i += 1)
      differences(`${path}[${i}]`, got[i], want[i], out);
    return;
  }
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object') out.push(`${path}: got ${show(got)}, want object`);
    else
      for (const [key, value] of Object.entries(want))
        differences(`${path}.${key}`, (got as Json)[key], value, out);
    return;
  }
  const close =
    typeof got === 'number' &&
    typeof want === 'number' &&
    !(Number.isInteger(got) && Number.isInteger(want)) &&
    Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
  if (!close && got !== want) out.push(`${path}: got ${show(got)}, want ${show(want)}`);
}

/** The problems found, how many of each kind (indices and sessions left out), the first ones. */
function report(problems: string[]) {
  const kinds: Record<string, number> = {};
  for (const problem of problems) {
    const kind = problem
      .replace(/^\S+ /, '')
      .replace(/\[\d+\]/g, '[]')
      .replace(/ page \d+/, '')
      .replace(/:.*$/, '');
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return { count: problems.length, kinds, first: problems.slice(0, 20) };
}

const NONE = { count: 0, kinds: {}, first: [] };

describe('session query endpoints against an independent calculation', () => {
  const env = pipelineEnv('session_queries', { INGEST_MAX_EVENTS_PER_REQUEST: '1000' });
  const sent = generateWorld({
    seed: 7,
    projects: PROJECTS,
    sessionsPerProject: 60,
    days: DAYS,
    from: FROM,
    duplicateShare: 0.05,
  });
  const classifier = new RiskClassifier(loadRiskRules());
  const truth = new SessionViewsGroundTruth(sent, {
    classifyRisk: (path, operation) => {
      const { level, reason } = classifier.classify(path, operation as FileOperation);
      return { level, reason };
    },
  });
  const keys = truth.sessionKeys();
  const split = (key: string) => {
    const slash = key.indexOf('/');
    return { project: key.slice(0, slash), id: key.slice(slash + 1) };
  };
  let pipeline: TestPipeline;
  const url = (path: string) => `${pipeline.gatewayUrl}${path}`;
  const sessionPath = (id: string, view: string) =>
    `/v1/sessions/${encodeURIComponent(id)}/${view}`;

  beforeAll(async () => {
    pipeline = await startPipeline(env);
    await postGenerated(pipeline.ingestUrl, sent, PROJECTS, keyOf);
    await waitForConsumerCatchUp(env, 120_000);
  });
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('generates a world worth checking', () => {
    expect(keys.length).toBeGreaterThan(120);
    const families = keys.map((key) => truth.family(key));
    expect(Math.max(...families.map((f) => f[f.length - 1].depth))).toBeGreaterThanOrEqual(2);
    const agents = keys.map((key) => truth.view(key, 'agents'));
    expect(Math.max(...agents.map((v) => v.summary.max_delegation_depth as number))).toBe(4);
    const files = keys.map((key) => truth.view(key, 'files'));
    expect(files.some((v) => (v.summary.risky_files as number) > 0)).toBe(true);
    const tokens = keys.map((key) => truth.view(key, 'tokens'));
    expect(tokens.some((v) => (v.details.unknown_models as string[]).length > 0)).toBe(true);
    // delegations nested across sessions of a family, and timelines of several pages
    type Node = { session_id: string; children: Node[] };
    const crossing = (nodes: Node[]): boolean =>
      nodes.some(
        (n) => n.children.some((c) => c.session_id !== n.session_id) || crossing(n.children),
      );
    expect(agents.some((v) => crossing(v.details.tree as Node[]))).toBe(true);
    const timelines = keys.map((key) => truth.view(key, 'timeline').summary.events as number);
    expect(Math.max(...timelines)).toBeGreaterThan(3 * TIMELINE_PAGE);
  });

  it('answers tokens, tools, files, agents and exchanges of every session exactly', async () => {
    const problems: string[] = [];
    const work = keys.flatMap((key) => VIEWS.map((kind) => ({ key, kind })));
    await inParallel(work, 8, async ({ key, kind }) => {
      const { project, id } = split(key);
      const { status, body } = await getJson(url(sessionPath(id, kind)), keyOf(project));
      if (status !== 200) {
        problems.push(`${key} ${kind}: HTTP ${status} ${show(body)}`);
        return;
      }
      const found: string[] = [];
      differences('', body, truth.view(key, kind), found);
      problems.push(...found.map((p) => `${key} ${kind}${p}`));
    });
    expect(report(problems)).toEqual(NONE);
  });

  it('pages every session’s timeline in (time, id) order', async () => {
    const problems: string[] = [];
    await inParallel(keys, 8, async (key) => {
      const { project, id } = split(key);
      const want = truth.view(key, 'timeline');
      const events: unknown[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 500; page += 1) {
        const query: string = `?limit=${TIMELINE_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const { status, body } = await getJson(
          url(`${sessionPath(id, 'timeline')}${query}`),
          keyOf(project),
        );
        if (status !== 200) {
          problems.push(`${key} timeline page ${page}: HTTP ${status} ${show(body)}`);
          return;
        }
        const found: string[] = [];
        differences('', body, { meta: want.meta, summary: want.summary }, found);
        const details = body.details as { events: unknown[]; next_cursor: string | null };
        cursor = details.next_cursor;
        if (cursor !== null && details.events.length !== TIMELINE_PAGE)
          found.push(`.details.events: a page of ${details.events.length} before the end`);
        problems.push(...found.map((p) => `${key} timeline page ${page}${p}`));
        events.push(...details.events);
        if (cursor === null) break;
      }
      const found: string[] = [];
      differences('.details.events', events, want.details.events, found);
      problems.push(...found.map((p) => `${key} timeline${p}`));
    });
    expect(report(problems)).toEqual(NONE);

    // The default page is 200 events.
    const longest = [...keys].sort(
      (a, b) =>
        (truth.view(b, 'timeline').summary.events as number) -
        (truth.view(a, 'timeline').summary.events as number),
    )[0];
    const { project, id } = split(longest);
    const want = truth.view(longest, 'timeline').details.events as unknown[];
    const { body } = await getJson(url(sessionPath(id, 'timeline')), keyOf(project));
    const found: string[] = [];
    differences('', body.details, { events: want.slice(0, 200) }, found);
    expect(found).toEqual([]);
    expect((body.details as Json).next_cursor === null).toBe(want.length <= 200);
  });

  it('compares sessions side by side, in the order asked', async () => {
    const problems: string[] = [];
    const groups: string[][] = [];
    for (const project of PROJECTS) {
      const own = keys.filter((key) => split(key).project === project).reverse();
      for (let i = 0; i < own.length; i += 5) groups.push(own.slice(i, i + 1 + (i % 4)));
    }
    groups.push(keys.filter((key) => split(key).project === 'alpha').slice(0, 20));
    await inParallel(groups, 8, async (group) => {
      const { project } = split(group[0]);
      const ids = group.map((key) => split(key).id);
      const { status, body } = await getJson(
        url(`/v1/sessions/compare?ids=${ids.map(encodeURIComponent).join(',')}`),
        keyOf(project),
      );
      const want = {
        summary: { sessions: ids.length },
        details: {
          sessions: group.map((key) => ({
            session_id: split(key).id,
            summary: truth.summary(key),
          })),
        },
      };
      const found: string[] = status === 200 ? [] : [`: HTTP ${status} ${show(body)}`];
      differences('', body, want, found);
      problems.push(...found.map((p) => `${ids.join(',')} compare${p}`));
    });
    expect(report(problems)).toEqual(NONE);
  });

  it('lists sessions with their own figures, filtered, sorted and paged', async () => {
    const directories = [...new Set(truth.list('alpha').sessions.map((s) => s.directory))].filter(
      (d) => d !== '',
    );
    const day = (offset: number) => new Date(FROM + offset * 86_400_000).toISOString().slice(0, 10);
    const queries: SessionListQuery[] = [
      {},
      ...['last_event_at', 'first_event_at', 'cost_usd', 'total_tokens', 'duration_ms', 'messages']
        .flatMap((key) => [key, `-${key}`])
        .map((sort) => ({ sort })),
      { from: day(1), to: day(2) },
      { from: day(3), sort: 'cost_usd' },
      { to: day(1), sort: '-duration_ms' },
      { from: `${day(2)}T02:00:00+02:00`, to: day(2), sort: 'first_event_at' },
      { status: 'completed' },
      { status: 'running', sort: '-messages' },
      { status: 'error', from: day(0), to: day(3) },
      { directory: directories[0] },
      { project_name: directories[1].split('/').pop(), sort: 'total_tokens' },
    ];
    const problems: string[] = [];
    await inParallel(
      PROJECTS.flatMap((project) => queries.map((query) => ({ project, query }))),
      6,
      async ({ project, query }) => {
        const want = truth.list(project, query);
        const limit = query.sort === '-cost_usd' ? undefined : LIST_PAGE;
        const params = new URLSearchParams(query as Record<string, string>);
        if (limit) params.set('limit', String(limit));
        const rows: unknown[] = [];
        const found: string[] = [];
        for (let page = 0; page < 200; page += 1) {
          const { status, body } = await getJson(url(`/v1/sessions?${params}`), keyOf(project));
          if (status !== 200) {
            found.push(` page ${page}: HTTP ${status} ${show(body)}`);
            break;
          }
          differences(` page ${page}.summary`, body.summary, want.summary, found);
          if ((body.meta as Json).project !== project) found.push(` page ${page}: meta.project`);
          const details = body.details as { sessions: unknown[]; next_cursor: string | null };
          rows.push(...details.sessions);
          if (details.next_cursor !== null && details.sessions.length !== (limit ?? 50))
            found.push(` page ${page}: ${details.sessions.length} rows before the end`);
          if (details.next_cursor === null) break;
          params.set('cursor', details.next_cursor);
        }
        differences('.sessions', rows, want.sessions, found);
        problems.push(...found.map((p) => `${project} list${p} (${JSON.stringify(query)})`));
      },
    );
    expect(report(problems)).toEqual(NONE);
    const all = truth.list('alpha').sessions.length;
    for (const query of queries.filter((q) => !q.sort || Object.keys(q).length > 1))
      expect([query, truth.list('alpha', query).sessions.length > 0]).toEqual([query, true]);
    expect(truth.list('alpha', queries[13]).sessions.length).toBeLessThan(all);
  });

  it('keeps other projects’ sessions out: 404 on every endpoint', async () => {
    const beta = split(keys.find((key) => split(key).project === 'beta') as string).id;
    const alpha = split(keys.find((key) => split(key).project === 'alpha') as string).id;
    const paths = [
      ...['summary', ...VIEWS, 'timeline'].map((view) => sessionPath(beta, view)),
      `/v1/sessions/compare?ids=${alpha},${beta}`,
      sessionPath('no-such-session', 'tokens'),
    ];
    const statuses = await Promise.all(
      paths.map(async (path) => [path, (await getJson(url(path), KEYS.alpha)).status]),
    );
    expect(statuses).toEqual(paths.map((path) => [path, 404]));
  });

  it('answers 400 naming the parameter, 401 without a key, 403 without the read scope', async () => {
    const id = split(keys.find((key) => split(key).project === 'alpha') as string).id;
    const tooMany = Array.from({ length: 21 }, (_, i) => `s${i}`).join(',');
    const bad: Array<[string, string]> = [
      ['/v1/sessions?sort=title', 'sort'],
      ['/v1/sessions?sort=-', 'sort'],
      ['/v1/sessions?limit=0', 'limit'],
      ['/v1/sessions?limit=501', 'limit'],
      ['/v1/sessions?limit=ten', 'limit'],
      ['/v1/sessions?cursor=%21%21not-a-cursor', 'cursor'],
      ['/v1/sessions?status=paused', 'status'],
      ['/v1/sessions?from=yesterday', 'from'],
      ['/v1/sessions?to=2026-13-45', 'to'],
      ['/v1/sessions/compare', 'ids'],
      ['/v1/sessions/compare?ids=', 'ids'],
      [`/v1/sessions/compare?ids=${tooMany}`, 'ids'],
      [`${sessionPath(id, 'timeline')}?limit=0`, 'limit'],
      [`${sessionPath(id, 'timeline')}?limit=2001`, 'limit'],
      [`${sessionPath(id, 'timeline')}?limit=1.5`, 'limit'],
      [`${sessionPath(id, 'timeline')}?cursor=%21%21not-a-cursor`, 'cursor'],
    ];
    const answers = await Promise.all(
      bad.map(async ([path]) => {
        const { status, body } = await getJson(url(path), KEYS.alpha);
        return [path, status, (body.details as Json | undefined)?.parameter];
      }),
    );
    expect(answers).toEqual(bad.map(([path, parameter]) => [path, 400, parameter]));

    const paths = [
      '/v1/sessions',
      `/v1/sessions/compare?ids=${id}`,
      ...['summary', ...VIEWS, 'timeline'].map((view) => sessionPath(id, view)),
    ];
    const unauthenticated = await Promise.all(
      paths.map(async (path) => [path, (await getJson(url(path))).status]),
    );
    expect(unauthenticated).toEqual(paths.map((path) => [path, 401]));
    const ingestOnly = await Promise.all(
      paths.map(async (path) => [path, (await getJson(url(path), KEYS.alphaIngestOnly)).status]),
    );
    expect(ingestOnly).toEqual(paths.map((path) => [path, 403]));
  });
});
