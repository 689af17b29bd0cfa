import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensurePrerequisites } from '@agentpulse/local-infra';
import { eventually, getJson, postEvents } from './support/http-client';
import { KEYS, pipelineEnv, startPipeline, type TestPipeline } from './support/test-pipeline';

/**
 * The dashboard page in headless Chromium against the real pipeline: sign-in refusals, then
 * figures that follow posted events without a reload, on the global view, a session view and
 * the pipelines view. Screenshots land in artifacts/browser/.
 */

/** Debian's Chromium (PLATFORM.md); the prerequisite check installs it when run as root. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', 'artifacts', 'browser');
const WAIT_MS = 20_000;

const log = {
  info: (message: string) => process.stderr.write(`[dashboard e2e] ${message}\n`),
  warn: (message: string) => process.stderr.write(`[dashboard e2e] ${message}\n`),
};

const SESSION = 'dash-session-1';
const BETA_SESSION = 'dash-beta-secret';

type Tokens = { input: number; output: number; cache_read?: number; cache_write?: number };
const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

function message(id: string, role: 'user' | 'assistant', tokens?: Tokens, cost?: number) {
  return {
    id,
    type: 'message',
    timestamp: at(),
    session_id: SESSION,
    message_id: id,
    role,
    ...(role === 'assistant'
      ? { agent: 'build', model: 'claude-sonnet-4', tokens, cost_usd: cost }
      : { content: 'please fix the build' }),
  };
}

/** total_tokens as CONTRACT.md defines it: input + output + cache read + cache write. */
function totalTokens(events: object[]): number {
  let total = 0;
  for (const event of events) {
    const tokens = (event as { tokens?: Tokens }).tokens;
    if (tokens)
      total += tokens.input + tokens.output + (tokens.cache_read ?? 0) + (tokens.cache_write ?? 0);
  }
  return total;
}

/** The page's window, as far as these tests touch it (the test files have no DOM types). */
type PageWindow = { __apMarker?: number; location: { hash: string } };

const FIRST_BATCH = [
  {
    id: 'dash-s',
    type: 'session',
    timestamp: at(),
    session_id: SESSION,
    title: 'dashboard e2e session',
    directory: '/work/app',
    status: 'running',
  },
  message('dash-m1', 'user'),
  message(
    'dash-m2',
    'assistant',
    { input: 1200, output: 300, cache_read: 4000, cache_write: 500 },
    0.0123,
  ),
  {
    id: 'dash-t1',
    type: 'tool_call',
    timestamp: at(),
    session_id: SESSION,
    call_id: 'call-1',
    tool: 'bash',
    status: 'completed',
    agent: 'build',
    duration_ms: 850,
  },
  {
    id: 'dash-f1',
    type: 'file_operation',
    timestamp: at(),
    session_id: SESSION,
    operation: 'write',
    path: 'src/app.ts',
  },
];

const SECOND_BATCH = [
  message('dash-m3', 'user'),
  message('dash-m4', 'assistant', { input: 800, output: 450, cache_read: 5000 }, 0.0456),
  {
    id: 'dash-t2',
    type: 'tool_call',
    timestamp: at(),
    session_id: SESSION,
    call_id: 'call-2',
    tool: 'edit',
    status: 'error',
    agent: 'build',
    duration_ms: 120,
    error: { message: 'patch did not apply' },
  },
  {
    id: 'dash-f2',
    type: 'file_operation',
    timestamp: at(),
    session_id: SESSION,
    operation: 'edit',
    path: '.env',
  },
];

function pipelineEvent(id: string, status: 'success' | 'failed') {
  return {
    id: `dash-${id}`,
    type: 'pipeline',
    timestamp: at(),
    pipeline_id: id,
    status,
    environment: 'staging',
    git: { branch: 'main', commit_sha: '0123456789abcdef', commit_message: 'ship the dashboard' },
    steps: [
      { name: 'build', status: 'success', started_at: at(-60_000), duration_ms: 30_000 },
      {
        name: 'test',
        status: status === 'success' ? 'success' : 'failed',
        started_at: at(-30_000),
        duration_ms: 25_000,
      },
    ],
  };
}

describe('dashboard page in a browser', () => {
  let pipeline: TestPipeline;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const policyViolations: string[] = [];
  const dataRequests: Array<{ url: string; authorization?: string }> = [];

  const figure = (testId: string) => page.getAttribute(`[data-testid="${testId}"]`, 'data-value');
  const waitForFigure = (testId: string, value: number | string) =>
    page.waitForSelector(`[data-testid="${testId}"][data-value="${value}"]`, { timeout: WAIT_MS });
  const screenshot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  /** Set once after sign-in; a reload would drop it. */
  const notReloaded = () =>
    page.evaluate(() => (globalThis as unknown as PageWindow).__apMarker === 1);

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await ensurePrerequisites(['chromium'], log);
    [pipeline, browser] = await Promise.all([
      startPipeline(pipelineEnv('dashboard')),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      }),
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (entry) => {
      if (/content security policy/i.test(entry.text())) policyViolations.push(entry.text());
    });
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/'))
        dataRequests.push({ url: request.url(), authorization: request.headers().authorization });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
  });

  it('serves the page without a key, under a strict policy, and refuses wrong keys clearly', async () => {
    const response = await page.goto(`${pipeline.gatewayUrl}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response?.headers()['cache-control']).toBe('no-cache');

    await page.fill('[data-testid="api-key-input"]', 'not-a-key-0123456789');
    await page.click('[data-testid="sign-in"]');
    await page.waitForSelector(
      '[data-testid="auth-error"]:has-text("This API key was not accepted")',
    );

    await page.fill('[data-testid="api-key-input"]', KEYS.alphaIngestOnly);
    await page.click('[data-testid="sign-in"]');
    await page.waitForSelector(
      '[data-testid="auth-error"]:has-text("This key lacks the read scope")',
    );
    await screenshot('signed-out-error');
  });

  it('signs in, and the global cards follow posted events without a reload', async () => {
    await page.fill('[data-testid="api-key-input"]', KEYS.alpha);
    await page.click('[data-testid="sign-in"]');
    await page.waitForSelector('[data-testid="connection-status"][data-state="live"]');
    await page.evaluate(() => ((globalThis as unknown as PageWindow).__apMarker = 1));
    await waitForFigure('kpi-sessions', 0);
    await waitForFigure('kpi-total_tokens', 0);
    expect(await page.textContent('[data-testid="project"]')).toContain('alpha');

    // Another project's session, stored before alpha's: it must never reach alpha's page.
    const beta = [
      {
        id: 'dash-b1',
        type: 'session',
        timestamp: at(),
        session_id: BETA_SESSION,
        status: 'running',
      },
      {
        id: 'dash-b2',
        type: 'message',
        timestamp: at(),
        session_id: BETA_SESSION,
        message_id: 'b2',
        role: 'assistant',
        tokens: { input: 99_999, output: 1 },
      },
    ];
    expect((await postEvents(pipeline.ingestUrl, KEYS.beta, beta)).status).toBe(202);
    await eventually(
      async () =>
        (await getJson(`${pipeline.gatewayUrl}/v1/sessions/${BETA_SESSION}/summary`, KEYS.beta))
          .status === 200 || undefined,
      WAIT_MS,
      "beta's session",
    );

    expect((await postEvents(pipeline.ingestUrl, KEYS.alpha, FIRST_BATCH)).status).toBe(202);
    await waitForFigure('kpi-total_tokens', totalTokens(FIRST_BATCH));
    await waitForFigure('kpi-sessions', 1);
    await waitForFigure('kpi-messages_user', 1);
    await waitForFigure('kpi-messages_assistant', 1);
    expect(Number(await figure('kpi-cost_usd'))).toBeCloseTo(0.0123, 10);
    expect(await page.textContent('[data-testid="kpi-total_tokens"]')).toBe('6,000');
    expect(await page.textContent('[data-testid="kpi-cost_usd"]')).toBe('$0.0123');
    // The headline: the running session is active, its tokens fall in the 5-minute window.
    await waitForFigure('kpi-active_sessions', 1);
    await waitForFigure('kpi-tokens_per_minute', totalTokens(FIRST_BATCH) / 5);
    await waitForFigure('kpi-tool_failure_rate', 0);
    expect(await figure('kpi-api_p95_ms')).toBeNull();
    expect(await page.textContent('[data-testid="kpi-api_p95_ms"]')).toBe('—');
    // The charts by agent and by model are drawn, not reported missing.
    await page.waitForSelector('[data-testid="chart-tokens-by-agent"] canvas', {
      timeout: WAIT_MS,
    });
    await page.waitForSelector('[data-testid="chart-cost-by-model"] canvas', { timeout: WAIT_MS });

    await page.waitForSelector(`[data-testid="session-row"][data-session-id="${SESSION}"]`, {
      timeout: WAIT_MS,
    });
    expect(await page.locator(`[data-session-id="${BETA_SESSION}"]`).count()).toBe(0);
    expect(await page.textContent('body')).not.toContain(BETA_SESSION);
    expect(await notReloaded()).toBe(true);
    await screenshot('global');
  });

  it('opens a session whose KPIs and details follow new events without a reload', async () => {
    await page.click(`[data-testid="session-row"][data-session-id="${SESSION}"] a`);
    await page.waitForSelector(`[data-testid="session-title"]:has-text("${SESSION}")`);
    await waitForFigure('session-kpi-total_tokens', totalTokens(FIRST_BATCH));
    await waitForFigure('session-kpi-tool_calls', 1);
    await waitForFigure('session-kpi-messages_user', 1);
    await waitForFigure('session-kpi-messages_assistant', 1);
    await waitForFigure('session-kpi-files_written', 1);
    await page.click('[data-testid="tab-tools"]');
    await page.waitForSelector('[data-testid="tool-row"][data-tool="bash"]');

    expect((await postEvents(pipeline.ingestUrl, KEYS.alpha, SECOND_BATCH)).status).toBe(202);
    const total = totalTokens([...FIRST_BATCH, ...SECOND_BATCH]);
    await waitForFigure('session-kpi-total_tokens', total);
    await waitForFigure('session-kpi-tool_calls', 2);
    await waitForFigure('session-kpi-tool_failure_rate', 0.5);
    await waitForFigure('session-kpi-messages_user', 2);
    await waitForFigure('session-kpi-messages_assistant', 2);
    await waitForFigure('session-kpi-exchanges', 2);
    await waitForFigure('session-kpi-files_written', 2);
    await waitForFigure('session-kpi-risky_files', 1);
    expect(Number(await figure('session-kpi-cost_usd'))).toBeCloseTo(0.0123 + 0.0456, 10);
    // The open tab is refetched on the session's pushes.
    await page.waitForSelector('[data-testid="tool-row"][data-tool="edit"]', { timeout: WAIT_MS });
    expect(await notReloaded()).toBe(true);
    await screenshot('session');

    // A session of another project is not found with alpha's key.
    await page.evaluate(
      (id) => ((globalThis as unknown as PageWindow).location.hash = `#/sessions/${id}`),
      BETA_SESSION,
    );
    await page.waitForSelector('[data-testid="session-not-found"]');
    expect(await page.textContent('body')).not.toContain('99,999');
  });

  it('shows pipelines with their success rate, updated live', async () => {
    await page.click('[data-testid="nav-pipelines"]');
    await waitForFigure('pipeline-kpi-pipelines', 0);
    const runs = [pipelineEvent('dash-pl-1', 'success'), pipelineEvent('dash-pl-2', 'failed')];
    expect((await postEvents(pipeline.ingestUrl, KEYS.alpha, runs)).status).toBe(202);
    await waitForFigure('pipeline-kpi-pipelines', 2);
    await waitForFigure('pipeline-kpi-success_rate', 0.5);
    await page.waitForSelector('[data-testid="pipeline-row"][data-pipeline-id="dash-pl-2"]');
    expect(await page.textContent('[data-testid="top-failing-steps"]')).toContain('test');
    expect(await notReloaded()).toBe(true);
    await screenshot('pipelines');

    // The overview's card counts today's pipelines (unless the UTC day turned meanwhile).
    await page.click('[data-testid="nav-overview"]');
    if (runs[0].timestamp.slice(0, 10) === new Date().toISOString().slice(0, 10))
      await waitForFigure('kpi-pipeline_success_rate', 0.5);
  });

  it('sent the key with every data request, and broke no rule of the page', () => {
    const signedIn = dataRequests.filter((r) => r.authorization === `Bearer ${KEYS.alpha}`);
    expect(signedIn.length).toBeGreaterThan(10);
    for (const request of dataRequests) expect(request.authorization).toMatch(/^Bearer /);
    expect(pageErrors).toEqual([]);
    expect(policyViolations).toEqual([]);
  });
});
