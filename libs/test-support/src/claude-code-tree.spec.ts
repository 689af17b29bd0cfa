import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  writeClaudeCodeTree,
  type ClaudeCodeTokens,
  type ClaudeCodeTruth,
} from './claude-code-tree';
import { expectedMessageCost } from './summary-ground-truth';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** Every usage-bearing entry of a file: top-level responses and those inside progress lines. */
function usageEntries(line: Json): { id: string; requestId: string; usage: Usage }[] {
  if (line.type === 'assistant' && line.message?.usage) {
    return [{ id: line.message.id, requestId: line.requestId, usage: line.message.usage }];
  }
  const inner = line.type === 'progress' ? line.data?.message : undefined;
  if (inner?.type === 'assistant' && inner.message?.usage) {
    return [{ id: inner.message.id, requestId: inner.requestId, usage: inner.message.usage }];
  }
  return [];
}

const options = {
  seed: 11,
  sessions: 12,
  malformedLines: 3,
  recordMessages: true,
  spacedUsageShare: 0.2,
  subagentPercent: 20,
};

describe('writeClaudeCodeTree', () => {
  let dir: string;
  let truth: ClaudeCodeTruth;
  const parsed = new Map<string, Json[]>();
  const raw = new Map<string, string[]>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-tree-'));
    truth = await writeClaudeCodeTree(dir, options);
    const malformed = new Set(truth.malformed.map((m) => `${m.file}:${m.line}`));
    for (const session of truth.sessions) {
      for (const file of session.files) {
        const lines = (await readFile(join(truth.projectsDir, file), 'utf8')).split('\n');
        expect(lines.pop()).toBe('');
        raw.set(file, lines);
        parsed.set(
          file,
          lines.flatMap((text, i) =>
            malformed.has(`${file}:${i + 1}`) ? [] : [JSON.parse(text) as Json],
          ),
        );
      }
    }
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes one JSON value per line, except the malformed lines it reports', () => {
    expect(truth.malformed).toHaveLength(3);
    for (const { file, line } of truth.malformed) {
      expect(() => JSON.parse(raw.get(file)![line - 1])).toThrow();
    }
    const lines = [...raw.values()].reduce((n, l) => n + l.length, 0);
    expect(lines).toBe(truth.lines);
    expect(truth.files).toBe(raw.size);
  });

  it('counts each response once with its final usage, as a recount of the files finds', () => {
    for (const session of truth.sessions) {
      const finals = new Map<string, Usage>();
      for (const file of session.files) {
        for (const line of parsed.get(file)!) {
          expect(line.sessionId ?? session.sessionId).toBe(session.sessionId);
          for (const { id, requestId, usage } of usageEntries(line)) {
            const key = `${id}\u0000${requestId}`;
            const seen = finals.get(key);
            if (seen) {
              expect(seen.input_tokens).toBe(usage.input_tokens);
              expect(seen.cache_read_input_tokens).toBe(usage.cache_read_input_tokens);
            }
            if (!seen || usage.output_tokens > seen.output_tokens) finals.set(key, usage);
          }
        }
      }
      const recount: ClaudeCodeTokens = { input: 0, output: 0, cache_read: 0, cache_write: 0 };
      for (const u of finals.values()) {
        recount.input += u.input_tokens;
        recount.output += u.output_tokens;
        recount.cache_read += u.cache_read_input_tokens;
        recount.cache_write += u.cache_creation_input_tokens;
      }
      expect(recount).toEqual(session.tokens);
      expect(finals.size).toBe(session.messages_assistant);
    }
  });

  it('sums the session truth from its recorded choices', () => {
    for (const session of truth.sessions) {
      const sum = (pick: (m: (typeof session.messages)[number]) => boolean) => {
        const t: ClaudeCodeTokens = { input: 0, output: 0, cache_read: 0, cache_write: 0 };
        for (const m of session.messages.filter(pick)) {
          t.input += m.tokens.input;
          t.output += m.tokens.output;
          t.cache_read += m.tokens.cache_read;
          t.cache_write += m.tokens.cache_write;
        }
        return t;
      };
      expect(sum(() => true)).toEqual(session.tokens);
      expect(sum((m) => m.origin === 'progress-only')).toEqual(session.progressOnlyTokens);
      expect(sum((m) => m.spaced && m.origin !== 'progress-only')).toEqual(session.spacedTokens);
      const cost = session.messages.reduce((c, m) => c + expectedMessageCost(m.model, m.tokens), 0);
      expect(session.cost_usd).toBeCloseTo(cost, 9);
      expect(session.cost_usd).toBeGreaterThan(0);
    }
  });

  it('contains the shapes an importer must handle', () => {
    const all = [...parsed.values()].flat();
    const text = [...raw.values()].flat();
    const agents = truth.sessions.flatMap((s) => s.agents);
    expect(agents.some((a) => a.transcript === 'progress')).toBe(true);
    expect(agents.some((a) => a.transcript === 'file')).toBe(true);
    // a sub-agent file that replays a response already in the parent transcript
    const mainIds = new Set(
      all.filter((l) => l.type === 'assistant' && !l.isSidechain).map((l) => l.message.id),
    );
    expect(
      all.some((l) => l.isSidechain && l.type === 'assistant' && mainIds.has(l.message.id)),
    ).toBe(true);
    // streamed: several entries of one response, the earlier with fewer output tokens
    const outputs = new Map<string, number[]>();
    for (const l of all.filter((x) => x.type === 'assistant')) {
      outputs.set(l.message.id, [
        ...(outputs.get(l.message.id) ?? []),
        l.message.usage.output_tokens,
      ]);
    }
    expect([...outputs.values()].some((o) => o.length > 1 && o[0] < o[o.length - 1])).toBe(true);
    const results = all.flatMap((l) =>
      l.type === 'user' && Array.isArray(l.message.content) ? l.message.content : [],
    );
    expect(results.some((b: Json) => b.type === 'tool_result' && b.is_error)).toBe(true);
    const tools = new Set(
      all
        .flatMap((l) =>
          l.type === 'assistant'
            ? l.message.content.filter((b: Json) => b.type === 'tool_use')
            : [],
        )
        .map((b: Json) => b.name),
    );
    for (const name of ['Read', 'Write', 'Edit', 'Task']) expect(tools).toContain(name);
    expect(text.some((l) => l.includes('"usage": {'))).toBe(true);
    expect(text.some((l) => l.startsWith('{"toolUseResult"') || l.startsWith('{"timestamp"'))).toBe(
      true,
    );
  });

  it('writes the same tree for the same seed', async () => {
    const other = await mkdtemp(join(tmpdir(), 'cc-tree-'));
    try {
      const again = await writeClaudeCodeTree(other, { ...options, sessions: 2 });
      const first = truth.sessions[0];
      expect(again.sessions[0].tokens).toEqual(first.tokens);
      const digest = async (root: string, file: string) =>
        createHash('sha256')
          .update(await readFile(join(root, file)))
          .digest('hex');
      expect(await digest(again.projectsDir, first.files[0])).toBe(
        await digest(truth.projectsDir, first.files[0]),
      );
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
