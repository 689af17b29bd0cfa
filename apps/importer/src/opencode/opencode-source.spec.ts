import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventInput } from '@agentpulse/schema';
import {
  type OpenCodeStore,
  type OpenCodeTokens,
  writeOpenCodeStore,
} from '@agentpulse/test-support';
import initSqlJs from 'sql.js';
import { readFile } from 'node:fs/promises';
import { ImportSetupError } from '../import-errors';
import { opencodeSource } from './opencode-source';

type Message = Extract<EventInput, { type: 'message' }>;

/** Keeps the first event per (session, id), as ingest does. */
function firstWins(events: EventInput[]): EventInput[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = `${e.session_id}\u0000${e.id}`;
    return !seen.has(key) && seen.add(key);
  });
}

function usageOf(events: EventInput[], sessionId: string) {
  const messages = events.filter(
    (e): e is Message => e.type === 'message' && e.session_id === sessionId,
  );
  const tokens: OpenCodeTokens = {
    input: 0,
    output: 0,
    reasoning: 0,
    cache_read: 0,
    cache_write: 0,
  };
  for (const m of messages) {
    for (const key of Object.keys(tokens) as (keyof OpenCodeTokens)[])
      tokens[key] += m.tokens?.[key] ?? 0;
  }
  const calls = events.filter(
    (e): e is Extract<EventInput, { type: 'tool_call' }> =>
      e.type === 'tool_call' && e.session_id === sessionId,
  );
  return {
    tokens,
    costUsd: messages.reduce((sum, m) => sum + (m.cost_usd ?? 0), 0),
    userMessages: messages.filter((m) => m.role === 'user').length,
    assistantMessages: messages.filter((m) => m.role === 'assistant').length,
    toolCalls: new Set(calls.map((e) => e.call_id)).size,
    failedToolCalls: calls.filter((e) => e.status === 'error').length,
  };
}

const expectedOf = (truth: OpenCodeStore['sessions'][number]) => ({
  tokens: truth.tokens,
  costUsd: expect.closeTo(truth.costUsd, 9),
  userMessages: truth.userMessages,
  assistantMessages: truth.assistantMessages,
  toolCalls: truth.toolCalls,
  failedToolCalls: truth.failedToolCalls,
});

describe('opencodeSource', () => {
  let dir: string;
  let store: OpenCodeStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opencode-'));
    store = await writeOpenCodeStore(join(dir, 'opencode'), { seed: 3 });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads both stores of a data directory: each session as generated, a migrated one once', async () => {
    const scan = await opencodeSource.scan(store.dataDir, undefined);
    expect(scan.rejected).toEqual([]);
    const events = firstWins(scan.events);
    expect(events).toHaveLength(scan.events.length);
    for (const truth of store.sessions) {
      expect(usageOf(events, truth.sessionId)).toEqual(expectedOf(truth));
    }
  });

  it('links a sub-agent session to its parent and records the delegation there', async () => {
    const child = store.sessions.find((s) => s.parentId)!;
    const { events } = await opencodeSource.scan(store.dataDir, undefined);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'session',
        session_id: child.sessionId,
        parent_session_id: child.parentId,
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'agent_trace',
        session_id: child.parentId,
        child_session_id: child.sessionId,
        agent: 'general',
      }),
    );
  });

  it('stores a streaming message only once complete, with its final tokens', async () => {
    const first = await opencodeSource.scan(store.dataDir, undefined);
    await store.finishStreaming();
    const second = await opencodeSource.scan(store.dataDir, first.state);
    expect(second.files).toBe(1); // the database; no JSON file changed
    const all = firstWins([...first.events, ...second.events]);
    const truth = store.sessions.find((s) => s.sessionId === store.inFlight.sessionId)!;
    const usage = usageOf(all, truth.sessionId);
    expect(usage.assistantMessages).toBe(truth.assistantMessages + 1);
    const sum = (a: OpenCodeTokens, b: OpenCodeTokens) =>
      Object.fromEntries(
        Object.keys(a).map((k) => [k, a[k as keyof OpenCodeTokens] + b[k as keyof OpenCodeTokens]]),
      );
    expect(usage.tokens).toEqual(sum(truth.tokens, store.inFlight.tokens));
    expect(usage.costUsd).toBeCloseTo(truth.costUsd + store.inFlight.costUsd, 9);
  });

  it('reads nothing new when nothing changed', async () => {
    const first = await opencodeSource.scan(store.dataDir, undefined);
    const again = await opencodeSource.scan(store.dataDir, first.state);
    expect(again).toMatchObject({ events: [], rejected: [], files: 0 });
  });

  it('takes the storage/ directory or the database file alone', async () => {
    const fromStorage = await opencodeSource.scan(store.storage, undefined);
    const fromDatabase = await opencodeSource.scan(store.database, undefined);
    const sessionsIn = (events: EventInput[]) =>
      new Set(events.filter((e) => e.type === 'session').map((e) => e.session_id));
    const by = (kind: string) =>
      new Set(
        store.sessions
          .filter((s) => s.store === kind || s.store === 'both')
          .map((s) => s.sessionId),
      );
    expect(sessionsIn(fromStorage.events)).toEqual(by('json'));
    expect(sessionsIn(fromDatabase.events)).toEqual(by('sqlite'));
  });

  it('reports unreadable records with their file and goes on', async () => {
    const broken = join(store.storage, 'message', 'ses_x', 'msg_broken.json');
    await mkdir(join(broken, '..'), { recursive: true });
    await writeFile(broken, '{"id": "msg_broken", "role": ');
    const noRole = join(store.storage, 'message', 'ses_x', 'msg_norole.json');
    await writeFile(
      noRole,
      JSON.stringify({ id: 'msg_norole', sessionID: 'ses_x', time: { created: 1 } }),
    );
    const scan = await opencodeSource.scan(store.dataDir, undefined);
    expect(scan.rejected).toEqual([
      { file: broken, reason: expect.stringContaining('not JSON') },
      { file: noRole, reason: 'message role undefined is neither user nor assistant' },
    ]);
    for (const truth of store.sessions) {
      expect(usageOf(firstWins(scan.events), truth.sessionId)).toEqual(expectedOf(truth));
    }
  });

  it('reports a database row whose data is not JSON as rejected with the row', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database(await readFile(store.database));
    db.run("INSERT INTO message VALUES ('msg_bad', 'ses_x', 1, 1, '{not json')");
    await writeFile(store.database, db.export());
    db.close();
    const scan = await opencodeSource.scan(store.database, undefined);
    expect(scan.rejected).toEqual([
      {
        file: `${store.database}#message/msg_bad`,
        reason: expect.stringContaining('data is not usable JSON'),
      },
    ]);
    expect(scan.events.length).toBeGreaterThan(0);
  });

  it('refuses a directory that holds neither store', async () => {
    await expect(opencodeSource.scan(dir, undefined)).rejects.toBeInstanceOf(ImportSetupError);
  });
});
