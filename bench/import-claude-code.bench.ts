/**
 * Claude Code import against ccusage, on one generated `projects/` tree, in one run:
 *
 *   npm run bench:import -- [sizeMB=1024] [seed=1]
 *
 * 1. The tree (writeClaudeCodeTree with `targetBytes`) is generated once per size, seed and
 *    generator build, and kept in the temp directory for later runs; its ground truth beside it.
 * 2. ccusage 20.0.24 (`claude session --json --offline`, its native binary, CLAUDE_CONFIG_DIR =
 *    the tree): wall time (median of 3) and per-session totals. ccusage names a session after
 *    its transcript file and files sub-agent transcripts under their parent: the same grouping
 *    as AgentPulse's root session, so sessions are compared one to one.
 * 3. AgentPulse end to end: a fresh all-in-one process (own Kafka, embedded ClickHouse, Redis,
 *    data directory), then `agentpulse import claude-code <tree>/projects` as a child (wall
 *    time, peak RSS), then the time until every accepted event is stored (ingest's accepted
 *    count = the aggregator's inserted + duplicate-skipped rows), then per-session totals from
 *    the gateway (`/v1/sessions` pages, each root's `/summary`).
 *
 * Prints a table and the first differences; asserts nothing (correctness lives in tests/).
 * IMPORT_CPU_PROF=<dir> / PIPELINE_CPU_PROF=<dir> write V8 CPU profiles (node --cpu-prof) of
 * the importer / the all-in-one process there.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLAUDE_CODE_TRUTH_FILE,
  writeClaudeCodeTree,
  type ClaudeCodeTruth,
} from '@agentpulse/test-support';
import {
  ccusageTotals,
  compactLineTotals,
  compare,
  formatTokens,
  gatewayTotals,
  truthTotals,
  type Comparison,
} from './support/session-totals';
import { startAllInOneChild } from './support/all-in-one-child';
import { loadAverage, processTreeCpuSeconds, runTimed, type ChildRun } from './support/timed-child';

const [sizeMb = 1024, seed = 1] = process.argv.slice(2).map(Number);
const ROOT = join(__dirname, '..', '..');
/** the compiled CLI without the bin's rebuild step, for the timed import */
const COMPILED_CLI = join(__dirname, 'support', 'compiled-cli.js');
const CCUSAGE = join(ROOT, 'node_modules/@ccusage/ccusage-linux-x64/bin/ccusage');
const KEY = 'bench-import-key-0123456789abcdef';
const MB = 1024 * 1024;
const SHOWN_DIFFERENCES = 5;
/** give up waiting for the stored count when it has not moved for this long */
const STALL_MS = 60_000;

/** A digest of the compiled generator: a changed generator never reuses an old tree. */
function generatorDigest(): string {
  const dir = join(__dirname, '..', 'libs', 'test-support', 'src');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir)
    .filter((f) => /^claude-code-.*\.js$/.test(f))
    .sort()) {
    hash.update(readFileSync(join(dir, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

async function cachedTree(): Promise<{ truth: ClaudeCodeTruth; generatedMs?: number }> {
  const prefix = `agentpulse-cc-tree-${sizeMb}mb-seed${seed}-`;
  const name = `${prefix}${generatorDigest()}`;
  const dir = join(tmpdir(), name);
  const truthFile = join(dir, CLAUDE_CODE_TRUTH_FILE);
  if (existsSync(truthFile)) {
    return { truth: JSON.parse(readFileSync(truthFile, 'utf8')) as ClaudeCodeTruth };
  }
  // a tree of the same size and seed from an older generator build
  for (const old of readdirSync(tmpdir()).filter((d) => d.startsWith(prefix))) {
    rmSync(join(tmpdir(), old), { recursive: true, force: true });
  }
  process.stderr.write(`generating a ${sizeMb} MB Claude Code tree in ${dir}…\n`);
  const started = performance.now();
  const truth = await writeClaudeCodeTree(dir, { seed, sessions: 1, targetBytes: sizeMb * MB });
  return { truth, generatedMs: performance.now() - started };
}

async function runCcusage(truth: ClaudeCodeTruth): Promise<ChildRun[]> {
  const home = mkdtempSync(join(tmpdir(), 'ccusage-home-'));
  const env = { ...process.env, CLAUDE_CONFIG_DIR: truth.root, HOME: home, XDG_CONFIG_HOME: home };
  // npm installs the native binary without its execute bit; ccusage's own launcher sets it on
  // first use. The binary is run directly so that the launcher's start-up is not timed.
  chmodSync(CCUSAGE, 0o755);
  const runs: ChildRun[] = [];
  for (let i = 0; i < 3; i += 1) {
    const run = await runTimed(CCUSAGE, ['claude', 'session', '--json', '--offline'], env);
    if (run.code !== 0) throw new Error(`ccusage exited with ${run.code}`);
    runs.push(run);
  }
  rmSync(home, { recursive: true, force: true });
  return runs;
}

/** Accepted events (ingest) and settled ones (inserted + skipped as duplicates) so far. */
async function storedCounts(metricsUrl: string): Promise<{ accepted: number; settled: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(name))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    accepted: sum('agentpulse_ingest_events_accepted_total'),
    settled:
      sum('agentpulse_aggregator_rows_inserted_total') +
      sum('agentpulse_aggregator_duplicates_skipped_total'),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function differences(label: string, comparison: Comparison): string {
  return comparison.differing
    .slice(0, SHOWN_DIFFERENCES)
    .map((d) => `  ${label} ${d.sessionId}: ${formatTokens(d.left)}  vs  ${formatTokens(d.right)}`)
    .join('\n');
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const { truth, generatedMs } = await cachedTree();
  process.stderr.write('running ccusage (3 times)…\n');
  const ccusageRuns = await runCcusage(truth);
  const ccusage = ccusageTotals(ccusageRuns[ccusageRuns.length - 1].stdout);
  const ccusageMs = median(ccusageRuns.map((r) => r.wallMs));
  const cpus = ccusageRuns.flatMap((r) => (r.cpuSeconds === undefined ? [] : [r.cpuSeconds]));
  const ccusageCpu = cpus.length > 0 ? median(cpus).toFixed(2) : 'n/a';

  const importDir = mkdtempSync(join(tmpdir(), 'agentpulse-import-state-'));
  const pipelineProfile = process.env.PIPELINE_CPU_PROF;
  const pipeline = await startAllInOneChild({
    key: KEY,
    nodeFlags: pipelineProfile ? ['--cpu-prof', `--cpu-prof-dir=${pipelineProfile}`] : [],
  });
  try {
    const { gateway, ingest } = pipeline;
    const loadAtImport = loadAverage();
    process.stderr.write(`importing ${truth.projectsDir}…\n`);
    const profile = process.env.IMPORT_CPU_PROF;
    const nodeFlags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
    const pipelineCpuBefore = processTreeCpuSeconds(pipeline.pid);
    const started = performance.now();
    const imported = await runTimed(
      process.execPath,
      [
        ...nodeFlags,
        COMPILED_CLI,
        'import',
        'claude-code',
        truth.projectsDir,
        '--url',
        ingest,
        '--key',
        KEY,
      ],
      { ...process.env, AGENTPULSE_DATA_DIR: importDir },
    );
    if (imported.code !== 0) throw new Error(`the import exited with ${imported.code}`);
    let counts = await storedCounts(`${gateway}/metrics`);
    let changedAt = performance.now();
    while (counts.settled < counts.accepted) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const next = await storedCounts(`${gateway}/metrics`);
      if (next.settled !== counts.settled) changedAt = performance.now();
      counts = next;
      if (performance.now() - changedAt > STALL_MS) {
        process.stderr.write(`stored count stalled for ${STALL_MS / 1000} s below accepted\n`);
        break;
      }
    }
    const storedMs = performance.now() - started;
    const pipelineCpu = processTreeCpuSeconds(pipeline.pid) - pipelineCpuBefore;
    const loadAfter = loadAverage();

    process.stderr.write('reading per-session totals from the gateway…\n');
    const ours = await gatewayTotals(gateway, KEY);
    const expected = truthTotals(truth);
    const oursVsTruth = compare(ours, expected);
    const oursVsCcusage = compare(ours, ccusage);
    const ccusageVsTruth = compare(ccusage, expected);
    const ccusageVsCompact = compare(ccusage, compactLineTotals(truth));

    const ccusageCpuS = cpus.length > 0 ? median(cpus) : undefined;
    const cpuRatio =
      ccusageCpuS && imported.cpuSeconds !== undefined
        ? ((imported.cpuSeconds + pipelineCpu) / ccusageCpuS).toFixed(1)
        : 'n/a';
    const mb = truth.bytes / MB;
    const importS = imported.wallMs / 1000;
    const rows: [string, string][] = [
      ['tree: size (MB) / files / lines', `${mb.toFixed(0)} / ${truth.files} / ${truth.lines}`],
      [
        'tree: sessions / distinct responses',
        `${truth.sessions.length} / ${truth.totals.messages_assistant}`,
      ],
      ['tree: generated in (s)', generatedMs ? (generatedMs / 1000).toFixed(1) : 'cached'],
      ['AgentPulse import wall time (s)', importS.toFixed(1)],
      ['AgentPulse import lines/s', (truth.lines / importS).toFixed(0)],
      ['AgentPulse import MB/s', (mb / importS).toFixed(1)],
      ['AgentPulse importer peak RSS (MB)', imported.peakRssMb?.toFixed(0) ?? 'n/a'],
      ['AgentPulse importer CPU (s)', imported.cpuSeconds?.toFixed(1) ?? 'n/a'],
      ['AgentPulse all-in-one + broker + Redis CPU until stored (s)', pipelineCpu.toFixed(1)],
      ['AgentPulse events accepted / settled', `${counts.accepted} / ${counts.settled}`],
      ['AgentPulse time to stored (s)', (storedMs / 1000).toFixed(1)],
      ['AgentPulse end to end MB/s', (mb / (storedMs / 1000)).toFixed(1)],
      ['ccusage wall time, median of 3 (s)', (ccusageMs / 1000).toFixed(2)],
      ['ccusage peak RSS (MB)', ccusageRuns[0].peakRssMb?.toFixed(0) ?? 'n/a'],
      ['ccusage CPU, median of 3 (s)', ccusageCpu],
      ['ratio import / ccusage wall time', (imported.wallMs / ccusageMs).toFixed(1)],
      ['ratio time to stored / ccusage wall time', (storedMs / ccusageMs).toFixed(1)],
      ['ratio CPU seconds, AgentPulse (all) / ccusage', cpuRatio],
      ['sessions: ours / ccusage / truth', `${ours.size} / ${ccusage.size} / ${expected.size}`],
      ['sessions differing: ours vs truth', String(oursVsTruth.differing.length)],
      ['sessions differing: ours vs ccusage', String(oursVsCcusage.differing.length)],
      ['sessions differing: ccusage vs truth', String(ccusageVsTruth.differing.length)],
      ['  … vs truth minus progress-only + spaced', String(ccusageVsCompact.differing.length)],
      ['cost differing (equal tokens): ours vs truth', String(oursVsTruth.costDiffering)],
      ['load (1/5/15 min): start / import / end', `${loadBefore} / ${loadAtImport} / ${loadAfter}`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    const valueWidth = Math.max(...rows.map(([, v]) => v.length));
    process.stdout.write(
      `\n${rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v.padStart(valueWidth)} |`).join('\n')}\n`,
    );
    const shown = [
      differences('ours/truth', oursVsTruth),
      differences('ours/ccusage', oursVsCcusage),
      differences('ccusage/compact-truth', ccusageVsCompact),
    ].filter((s) => s !== '');
    if (shown.length > 0) process.stdout.write(`\nfirst differences:\n${shown.join('\n')}\n`);
    process.stdout.write(`\nimporter summary:\n${imported.stdout.trim()}\n`);
  } finally {
    await pipeline.stop();
    rmSync(importDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
