import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImport, type SourceName } from '@agentpulse/importer';
import {
  type CodexStore,
  type OpenCodeStore,
  type OpenCodeTokens,
  writeCodexStore,
  writeOpenCodeStore,
} from '@agentpulse/test-support';
import { eventually, getJson, inParallel } from './support/http-client';
import {
  KEYS,
  pipelineEnv,
  startPipeline,
  type TestPipeline,
  waitForConsumerCatchUp,
} from './support/test-pipeline';

jest.setTimeout(600_000);

/** What a session's summary must show: its tokens by kind and its cost. */
interface Expected {
  tokens_in: number;
  tokens_out: number;
  tokens_reasoning: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  cost_usd: number;
}

const toExpected = (t: OpenCodeTokens, cost: number): Expected => ({
  tokens_in: t.input,
  tokens_out: t.output,
  tokens_reasoning: t.reasoning,
  tokens_cache_read: t.cache_read,
  tokens_cache_write: t.cache_write,
  cost_usd: cost,
});

function add(a: Expected, b: Expected): Expected {
  const sum = { ...a };
  for (const key of Object.keys(sum) as (keyof Expected)[]) sum[key] += b[key];
  return sum;
}

/**
 * Per OpenCode session, its own usage plus its sub-agent sessions' (a summary covers the
 * family), and, once `finished`, the streaming message's final figures.
 */
function openCodeExpected(store: OpenCodeStore, finished: boolean): Map<string, Expected> {
  const own = new Map(
    store.sessions.map((s) => [s.sessionId, toExpected(s.tokens, s.costUsd)] as const),
  );
  if (finished) {
    const { sessionId, tokens, costUsd } = store.inFlight;
    own.set(sessionId, add(own.get(sessionId) as Expected, toExpected(tokens, costUsd)));
  }
  const family = new Map(own);
  for (const s of store.sessions) {
    if (s.parentId) {
      family.set(
        s.parentId,
        add(family.get(s.parentId) as Expected, own.get(s.sessionId) as Expected),
      );
    }
  }
  return family;
}

const codexExpected = (store: CodexStore) =>
  new Map(store.sessions.map((s) => [s.sessionId, toExpected(s.tokens, s.costUsd)] as const));

describe('import opencode and codex stores through the pipeline', () => {
  const env = pipelineEnv('import_sources');
  let pipeline: TestPipeline;
  let dir: string;
  let opencode: OpenCodeStore;
  let codex: CodexStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'import-sources-'));
    opencode = await writeOpenCodeStore(join(dir, 'opencode'), { seed: 21 });
    codex = await writeCodexStore(join(dir, 'codex-home'), { seed: 22, sessions: 4 });
    pipeline = await startPipeline(env);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function importStore(
    source: SourceName,
    path: string,
    checkpoints: string,
    watch?: AbortSignal,
  ) {
    const summary = await runImport({
      source,
      path,
      ingestUrl: pipeline.ingestUrl,
      apiKey: KEYS.alpha,
      checkpointDir: join(dir, checkpoints),
      progress: null,
      ...(watch ? { watch: true, signal: watch } : {}),
    });
    expect(summary.rejected).toEqual([]);
    return summary;
  }

  /** Each session's summary next to what it should be; lists the differences. */
  async function mismatches(expected: Map<string, Expected>, catchUp = true): Promise<string[]> {
    if (catchUp) await waitForConsumerCatchUp(env, 120_000);
    const problems: string[] = [];
    await inParallel([...expected], 4, async ([sessionId, want]) => {
      const { status, body } = await getJson(
        `${pipeline.gatewayUrl}/v1/sessions/${encodeURIComponent(sessionId)}/summary`,
        KEYS.alpha,
      );
      if (status !== 200) return void problems.push(`${sessionId}: HTTP ${status}`);
      const got = body.summary as Record<string, number>;
      for (const [key, value] of Object.entries(want)) {
        const ok =
          key === 'cost_usd'
            ? Math.abs(got[key] - value) <= 1e-9 * Math.max(1, value)
            : got[key] === value;
        if (!ok) problems.push(`${sessionId}.${key}: got ${got[key]}, want ${value}`);
      }
    });
    return problems;
  }

  it('stores each session with the tokens and cost of its ground truth', async () => {
    await importStore('opencode', opencode.dataDir, 'checkpoints');
    await importStore('codex', codex.home, 'checkpoints');
    expect(await mismatches(openCodeExpected(opencode, false))).toEqual([]);
    expect(await mismatches(codexExpected(codex))).toEqual([]);
  });

  it('picks up a streamed OpenCode message once complete, with its final tokens', async () => {
    await opencode.finishStreaming();
    await importStore('opencode', opencode.dataDir, 'checkpoints');
    expect(await mismatches(openCodeExpected(opencode, true))).toEqual([]);
  });

  it('gives identical totals when everything is imported again from scratch', async () => {
    const again = await importStore('opencode', opencode.dataDir, 'fresh-checkpoints');
    await importStore('codex', codex.home, 'fresh-checkpoints');
    expect(again.eventsSent).toBeGreaterThan(0);
    expect(await mismatches(openCodeExpected(opencode, true))).toEqual([]);
    expect(await mismatches(codexExpected(codex))).toEqual([]);
  });

  /** Milliseconds until the summaries match `expected` (polled, without waiting for Kafka). */
  async function timeToMatch(expected: Map<string, Expected>, since: number): Promise<number> {
    await eventually(
      async () => ((await mismatches(expected, false)).length === 0 ? true : undefined),
      30_000,
      'the watched change in the session summaries',
    );
    return Date.now() - since;
  }

  it('follows a running OpenCode and an appended Codex rollout with --watch', async () => {
    const live = await writeOpenCodeStore(join(dir, 'opencode-live'), { seed: 31 });
    const stop = new AbortController();
    const watching = [
      importStore('opencode', live.dataDir, 'watch-checkpoints', stop.signal),
      importStore('codex', codex.home, 'checkpoints', stop.signal),
    ];
    try {
      await timeToMatch(openCodeExpected(live, false), Date.now());
      await live.finishStreaming();
      const openCodeMs = await timeToMatch(openCodeExpected(live, true), Date.now());
      const resumed = codex.sessions[1].sessionId;
      await codex.appendTurn(resumed);
      const codexMs = await timeToMatch(codexExpected(codex), Date.now());
      console.log(
        `watch: OpenCode completion visible after ${openCodeMs} ms, Codex turn after ${codexMs} ms`,
      );
      expect(openCodeMs).toBeLessThan(2_000);
      expect(codexMs).toBeLessThan(2_000);
    } finally {
      stop.abort();
      await Promise.all(watching);
    }
    expect(await mismatches(codexExpected(codex))).toEqual([]);
  });
});
