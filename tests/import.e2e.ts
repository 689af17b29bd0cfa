import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImport, type ImportSummary } from '@agentpulse/importer';
import {
  expectedMessageCost,
  writeClaudeCodeTree,
  type ClaudeCodeSessionTruth,
  type ClaudeCodeTokens,
  type ClaudeCodeTruth,
} from '@agentpulse/test-support';
import { eventually, getJson } from './support/http-client';
import {
  KEYS,
  pipelineEnv,
  startPipeline,
  waitForConsumerCatchUp,
  type TestPipeline,
} from './support/test-pipeline';

jest.setTimeout(900_000);

const ROOT = join(__dirname, '..');
const MODEL = 'claude-sonnet-4-5-20250929';

/** The summary figures an import must get right, per session. */
interface SessionFigures {
  tokens_in: number;
  tokens_out: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  cost_usd: number;
}

const NOTHING: SessionFigures = {
  tokens_in: 0,
  tokens_out: 0,
  tokens_cache_read: 0,
  tokens_cache_write: 0,
  cost_usd: 0,
};

const figures = (tokens: ClaudeCodeTokens, cost_usd: number): SessionFigures => ({
  tokens_in: tokens.input,
  tokens_out: tokens.output,
  tokens_cache_read: tokens.cache_read,
  tokens_cache_write: tokens.cache_write,
  cost_usd,
});

/** Costs are float sums added in another order: equal to 1e-9 relative. */
function sameFigures(got: SessionFigures | undefined, want: SessionFigures): boolean {
  if (!got) return false;
  return (Object.keys(want) as Array<keyof SessionFigures>).every((key) =>
    key === 'cost_usd'
      ? Math.abs(got[key] - want[key]) <= 1e-9 * Math.max(1, want[key])
      : got[key] === want[key],
  );
}

/** A prompt and a one-entry reply with chosen usage, as Claude Code writes them. */
function exchangeLines(
  sessionId: string,
  cwd: string,
  at: number,
  tag: string,
  tokens: ClaudeCodeTokens,
): string {
  const base = { parentUuid: null, isSidechain: false, userType: 'external', cwd, sessionId };
  const prompt = {
    ...base,
    type: 'user',
    message: { role: 'user', content: `Appended prompt ${tag}` },
    uuid: `u-${tag}`,
    timestamp: new Date(at).toISOString(),
  };
  const reply = {
    ...base,
    type: 'assistant',
    requestId: `req_${tag}`,
    message: {
      id: `msg_${tag}`,
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: `Reply ${tag}` }],
      usage: {
        input_tokens: tokens.input,
        output_tokens: tokens.output,
        cache_read_input_tokens: tokens.cache_read,
        cache_creation_input_tokens: tokens.cache_write,
      },
      stop_reason: 'end_turn',
    },
    uuid: `a-${tag}`,
    timestamp: new Date(at + 1_000).toISOString(),
  };
  return `${JSON.stringify(prompt)}\n${JSON.stringify(reply)}\n`;
}

function plus(a: SessionFigures, tokens: ClaudeCodeTokens): SessionFigures {
  return {
    tokens_in: a.tokens_in + tokens.input,
    tokens_out: a.tokens_out + tokens.output,
    tokens_cache_read: a.tokens_cache_read + tokens.cache_read,
    tokens_cache_write: a.tokens_cache_write + tokens.cache_write,
    cost_usd: a.cost_usd + expectedMessageCost(MODEL, tokens),
  };
}

describe('agentpulse import claude-code (real pipeline)', () => {
  const env = pipelineEnv('import');
  let pipeline: TestPipeline;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ap-import-'));
    pipeline = await startPipeline(env);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function summaryOf(sessionId: string, key: string): Promise<SessionFigures | undefined> {
    const { status, body } = await getJson(
      `${pipeline.gatewayUrl}/v1/sessions/${encodeURIComponent(sessionId)}/summary`,
      key,
    );
    return status === 200 ? (body.summary as SessionFigures) : undefined;
  }

  /** Sessions whose summary differs from the truth, as readable lines. */
  async function mismatches(truth: ClaudeCodeTruth, key: string): Promise<string[]> {
    const problems: string[] = [];
    for (const session of truth.sessions) {
      const want = figures(session.tokens, session.cost_usd);
      const got = await summaryOf(session.sessionId, key);
      if (!sameFigures(got, want))
        problems.push(
          `${session.sessionId}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`,
        );
    }
    return problems;
  }

  /** Prompts, responses and tool calls per session against what the generator wrote. */
  async function countMismatches(truth: ClaudeCodeTruth, key: string): Promise<string[]> {
    const problems: string[] = [];
    for (const session of truth.sessions) {
      const { body } = await getJson(
        `${pipeline.gatewayUrl}/v1/sessions/${encodeURIComponent(session.sessionId)}/summary`,
        key,
      );
      const got = body.summary as Record<string, number>;
      const want = {
        messages_user: session.prompts,
        messages_assistant: session.messages_assistant,
        tool_calls: session.tool_calls,
      };
      for (const [name, value] of Object.entries(want))
        if (got[name] !== value)
          problems.push(`${session.sessionId} ${name}: got ${got[name]}, want ${value}`);
    }
    return problems;
  }

  function importTree(truth: ClaudeCodeTruth, key: string, checkpointDir: string) {
    return runImport({
      source: 'claude-code',
      path: truth.projectsDir,
      ingestUrl: pipeline.ingestUrl,
      apiKey: key,
      checkpointDir,
      progress: null,
    });
  }

  it('imports the same tree twice with identical totals, equal to the ground truth', async () => {
    const truth = await writeClaudeCodeTree(join(dir, 'twice'), {
      seed: 11,
      sessions: 8,
      malformedLines: 2,
    });
    expect(truth.sessions.some((s) => s.agents.length > 0)).toBe(true);

    const first = await importTree(truth, KEYS.alpha, join(dir, 'checkpoints-1'));
    expect(first.lines).toBe(truth.lines);
    expect(first.rejected.map((r) => `${r.file}:${r.line}`).sort()).toEqual(
      truth.malformed.map((m) => `${join(truth.projectsDir, m.file)}:${m.line}`).sort(),
    );
    expect(first.eventsAccepted).toBe(first.eventsSent);
    await waitForConsumerCatchUp(env);
    expect(await mismatches(truth, KEYS.alpha)).toEqual([]);
    expect(await countMismatches(truth, KEYS.alpha)).toEqual([]);

    // A fresh checkpoint sends everything again: ids are deterministic, nothing counts twice.
    const second = await importTree(truth, KEYS.alpha, join(dir, 'checkpoints-2'));
    expect(second.eventsSent).toBe(first.eventsSent);
    await waitForConsumerCatchUp(env);
    expect(await mismatches(truth, KEYS.alpha)).toEqual([]);

    // The same checkpoint resumes at the end: nothing left to read or send.
    const third = await importTree(truth, KEYS.alpha, join(dir, 'checkpoints-1'));
    expect([third.lines, third.eventsSent]).toEqual([0, 0]);

    const days = truth.sessions.map((s) => s.first_timestamp.slice(0, 10)).sort();
    const last = truth.sessions.map((s) => s.last_timestamp.slice(0, 10)).sort();
    const { body } = await getJson(
      `${pipeline.gatewayUrl}/v1/stats/global?from=${days[0]}&to=${last[last.length - 1]}`,
      KEYS.alpha,
    );
    const global = body.summary as SessionFigures & { messages: number };
    expect(sameFigures(global, figures(truth.totals, truth.totals.cost_usd))).toBe(true);
  });

  it('resumes after the importer is killed mid-way, with identical totals', async () => {
    const truth = await writeClaudeCodeTree(join(dir, 'killed'), { seed: 12, targetBytes: 40e6 });
    const checkpoints = join(dir, 'checkpoints-killed');
    const cli = (): ReturnType<typeof spawn> =>
      spawn(
        process.execPath,
        [
          join(ROOT, 'apps/cli/bin/agentpulse.js'),
          'import',
          'claude-code',
          truth.projectsDir,
          '--url',
          pipeline.ingestUrl,
          '--key',
          KEYS.beta,
          '--checkpoint-dir',
          checkpoints,
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    const child = cli();
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? code)),
    );
    // Killed as soon as a checkpoint with acknowledged progress exists (the CLI may build first).
    await eventually(
      async () => {
        const files = await readdir(checkpoints).catch(() => [] as string[]);
        if (files.length === 0) return undefined;
        const saved = JSON.parse(await readFile(join(checkpoints, files[0]), 'utf8')) as {
          files: Record<string, unknown>;
        };
        return Object.keys(saved.files).length > 0 ? true : undefined;
      },
      300_000,
      'a first checkpoint',
    );
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const rerun = cli();
    let stdout = '';
    rerun.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => rerun.on('exit', resolve));
    expect(code).toBe(0);
    const resumedLines = Number(/lines (\d+)/.exec(stdout)?.[1]);
    expect(resumedLines).toBeGreaterThan(0);
    expect(resumedLines).toBeLessThan(truth.lines);
    expect(stdout).not.toContain(KEYS.beta);
    await waitForConsumerCatchUp(env);
    expect(await mismatches(truth, KEYS.beta)).toEqual([]);
  });

  it('--watch: appends and new sessions show within 2 s; bulk hand-off, truncation', async () => {
    const truth = await writeClaudeCodeTree(join(dir, 'watch'), { seed: 13, targetBytes: 12e6 });
    const [appended, rewritten, later] = truth.sessions;
    const fileOf = (s: ClaudeCodeSessionTruth) => join(truth.projectsDir, s.files[0]);
    const want = new Map(truth.sessions.map((s) => [s.sessionId, figures(s.tokens, s.cost_usd)]));
    const controller = new AbortController();
    const watching = runImport({
      source: 'claude-code',
      path: truth.projectsDir,
      ingestUrl: pipeline.ingestUrl,
      apiKey: KEYS.alpha,
      checkpointDir: join(dir, 'checkpoints-watch'),
      watch: true,
      settleMs: 300,
      signal: controller.signal,
      progress: null,
    });

    // Lines appended while the bulk pass runs: each counted once across the hand-off.
    let at = Date.parse(appended.last_timestamp) + 60_000;
    for (let i = 0; i < 40; i += 1) {
      const tokens = { input: 3 + i, output: 100 + i, cache_read: 1_000, cache_write: 50 };
      await appendFile(
        fileOf(appended),
        exchangeLines(appended.sessionId, appended.cwd, at, `bulk${i}`, tokens),
      );
      want.set(appended.sessionId, plus(want.get(appended.sessionId) as SessionFigures, tokens));
      at += 5_000;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await eventually(
      async () => ((await mismatchesOf(want)).length === 0 ? true : undefined),
      300_000,
      'the bulk pass and the lines appended during it',
    );

    // An appended exchange and a new session file: visible in the summary within 2 s.
    const latencies: number[] = [];
    const tokens = { input: 7, output: 321, cache_read: 2_000, cache_write: 80 };
    const started = Date.now();
    await appendFile(fileOf(later), exchangeLines(later.sessionId, later.cwd, at, 'live1', tokens));
    const target = plus(want.get(later.sessionId) as SessionFigures, tokens);
    await eventually(
      async () =>
        sameFigures(await summaryOf(later.sessionId, KEYS.alpha), target) ? true : undefined,
      10_000,
      'the appended exchange',
    );
    latencies.push(Date.now() - started);
    want.set(later.sessionId, target);

    const newSession = '9e0c2b1a-0000-4000-8000-000000000001';
    const newFile = join(truth.projectsDir, later.projectDir, `${newSession}.jsonl`);
    const bornAt = Date.now();
    await writeFile(newFile, exchangeLines(newSession, later.cwd, at, 'new1', tokens));
    await eventually(
      async () =>
        sameFigures(await summaryOf(newSession, KEYS.alpha), plus(NOTHING, tokens))
          ? true
          : undefined,
      10_000,
      'the new session',
    );
    latencies.push(Date.now() - bornAt);
    process.stderr.write(
      `import --watch latency (append, new file): ${latencies.join(' ms, ')} ms\n`,
    );
    for (const latency of latencies) expect(latency).toBeLessThanOrEqual(2_000);

    // Rewritten in place (same inode, new first line, longer): read again from the start.
    const original = await readFile(fileOf(rewritten), 'utf8');
    const extra = { input: 11, output: 222, cache_read: 3_000, cache_write: 90 };
    const inode = (await stat(fileOf(rewritten))).ino;
    await writeFile(
      fileOf(rewritten),
      exchangeLines(rewritten.sessionId, rewritten.cwd, at, 'rewrite', extra) + original,
    );
    expect((await stat(fileOf(rewritten))).ino).toBe(inode);
    want.set(rewritten.sessionId, plus(want.get(rewritten.sessionId) as SessionFigures, extra));
    await eventually(
      async () => ((await mismatchesOf(want)).length === 0 ? true : undefined),
      30_000,
      'the rewritten file',
    );

    controller.abort();
    const summary: ImportSummary = await watching;
    expect(summary.interrupted).toBe(true);
    await waitForConsumerCatchUp(env);
    expect(await mismatchesOf(want)).toEqual([]);
  });

  async function mismatchesOf(want: Map<string, SessionFigures>): Promise<string[]> {
    const problems: string[] = [];
    for (const [sessionId, figuresWanted] of want) {
      const got = await summaryOf(sessionId, KEYS.alpha);
      if (!sameFigures(got, figuresWanted))
        problems.push(
          `${sessionId}: got ${JSON.stringify(got)}, want ${JSON.stringify(figuresWanted)}`,
        );
    }
    return problems;
  }
});
