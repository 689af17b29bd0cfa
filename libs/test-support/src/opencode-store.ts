import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import initSqlJs from 'sql.js';
import { SeededRandom } from './seeded-random';

/**
 * Writes a realistic OpenCode data directory — the SQLite `opencode.db` of current versions
 * (schema as OpenCode's migrations create it) and the JSON `storage/` tree of older ones — and
 * returns what each session really used, from the figures chosen here. It holds: sessions only
 * in the database, only in the JSON tree, and one in both (a migrated store); a sub-agent
 * session (`parentID`) started by a `task` tool; file tools and a failing command; and one
 * assistant message still streaming (no `time.completed`, partial tokens) that
 * {@link OpenCodeStore.finishStreaming} completes with its final figures.
 *
 * Token figures: the generator picks each request's billed output and the reasoning share of
 * it, and stores them as OpenCode does (`tokens.output` without the reasoning,
 * `tokens.reasoning` apart); the expected output is the billed one. The expected cost is the
 * cost OpenCode reports (`cost`), which it computes from the model's prices — here with
 * @pydantic/genai-prices — or 0 for a free model.
 */

export interface OpenCodeTokens {
  input: number;
  output: number;
  reasoning: number;
  cache_read: number;
  cache_write: number;
}

export interface OpenCodeSessionTruth {
  sessionId: string;
  parentId?: string;
  store: 'sqlite' | 'json' | 'both';
  /** this session's own messages (a root's summary adds its children's) */
  tokens: OpenCodeTokens;
  costUsd: number;
  userMessages: number;
  assistantMessages: number;
  toolCalls: number;
  failedToolCalls: number;
}

export interface OpenCodeStore {
  dataDir: string;
  database: string;
  storage: string;
  sessions: OpenCodeSessionTruth[];
  /** the streaming message's session and final figures, counted once it completes */
  inFlight: { sessionId: string; tokens: OpenCodeTokens; costUsd: number };
  /** Rewrites the streaming message as complete, with its final tokens and cost. */
  finishStreaming(): Promise<void>;
}

const SCHEMA = `
CREATE TABLE session (id text PRIMARY KEY, project_id text NOT NULL, parent_id text,
  slug text NOT NULL, directory text NOT NULL, title text NOT NULL, version text NOT NULL,
  share_url text, summary_additions integer, summary_deletions integer, summary_files integer,
  summary_diffs text, revert text, permission text, time_created integer NOT NULL,
  time_updated integer NOT NULL, time_compacting integer, time_archived integer,
  workspace_id text, path text, agent text, model text);
CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL,
  time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL);
CREATE TABLE part (id text PRIMARY KEY, message_id text NOT NULL, session_id text NOT NULL,
  time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL);
CREATE INDEX message_session_time_created_id_idx ON message (session_id, time_created, id);
CREATE INDEX part_message_id_id_idx ON part (message_id, id);`;

const MODELS = [
  { providerID: 'anthropic', modelID: 'claude-sonnet-4-20250514' },
  { providerID: 'openai', modelID: 'gpt-5' },
  { providerID: 'opencode', modelID: 'big-pickle' }, // free: OpenCode reports cost 0
] as const;
const START = Date.UTC(2026, 9, 6, 8, 0, 0);
const PROJECT = 'a3f1c2d4e5b6978812345678';

type Json = Record<string, unknown>;

interface SessionRows {
  info: Json;
  messages: Json[];
  parts: Json[];
}

function openCodeId(rng: SeededRandom, prefix: string, at: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const tail = Array.from({ length: 14 }, () => chars[rng.int(0, chars.length - 1)]).join('');
  return `${prefix}_${at.toString(16).padStart(12, '0')}${tail}`;
}

/** One assistant request's figures: OpenCode's stored shape, the billed truth and the cost. */
function request(rng: SeededRandom, model: (typeof MODELS)[number]) {
  const billedOutput = rng.int(50, 3_000);
  const reasoning = model.providerID === 'openai' ? rng.int(0, billedOutput) : 0;
  const tokens = {
    input: rng.int(5, 4_000),
    output: billedOutput - reasoning,
    reasoning,
    cache: { read: rng.int(0, 80_000), write: rng.int(0, 6_000) },
  };
  const price =
    model.modelID === 'big-pickle'
      ? 0
      : (calcPrice(
          {
            input_tokens: tokens.input + tokens.cache.read + tokens.cache.write,
            cache_read_tokens: tokens.cache.read,
            cache_write_tokens: tokens.cache.write,
            output_tokens: billedOutput,
          },
          model.modelID,
          { providerId: model.providerID },
        )?.total_price ?? 0);
  const truth: OpenCodeTokens = {
    input: tokens.input,
    output: billedOutput,
    reasoning,
    cache_read: tokens.cache.read,
    cache_write: tokens.cache.write,
  };
  return { tokens, truth, cost: price };
}

class SessionWriter {
  readonly rows: SessionRows;
  readonly truth: OpenCodeSessionTruth;
  clock: number;

  constructor(
    private readonly rng: SeededRandom,
    id: string,
    at: number,
    store: OpenCodeSessionTruth['store'],
    readonly agent: string,
    parentId?: string,
  ) {
    this.clock = at;
    this.rows = {
      info: {
        id,
        version: '0.15.8',
        projectID: PROJECT,
        directory: '/home/dev/shop',
        ...(parentId ? { parentID: parentId } : {}),
        title: parentId
          ? `Explore the checkout code (@${agent} subagent)`
          : `Session ${id.slice(-6)}`,
        time: { created: at, updated: at },
      },
      messages: [],
      parts: [],
    };
    this.truth = {
      sessionId: id,
      ...(parentId ? { parentId } : {}),
      store,
      tokens: { input: 0, output: 0, reasoning: 0, cache_read: 0, cache_write: 0 },
      costUsd: 0,
      userMessages: 0,
      assistantMessages: 0,
      toolCalls: 0,
      failedToolCalls: 0,
    };
  }

  get id(): string {
    return this.truth.sessionId;
  }

  part(messageID: string, data: Json): void {
    const id = openCodeId(this.rng, 'prt', this.clock);
    this.rows.parts.push({ id, sessionID: this.id, messageID, ...data });
  }

  user(text: string): string {
    const id = openCodeId(this.rng, 'msg', this.clock);
    const model = MODELS[0];
    this.rows.messages.push({
      id,
      sessionID: this.id,
      role: 'user',
      time: { created: this.clock },
      agent: this.agent,
      model,
    });
    this.part(id, { type: 'text', text });
    this.part(id, {
      type: 'text',
      text: '<system-reminder>plan mode</system-reminder>',
      synthetic: true,
    });
    this.truth.userMessages += 1;
    return id;
  }

  tool(messageID: string, tool: string, input: Json, fails = false, metadata: Json = {}): void {
    const start = this.clock;
    this.clock += this.rng.int(100, 4_000);
    this.truth.toolCalls += 1;
    if (fails) this.truth.failedToolCalls += 1;
    const time = { start, end: this.clock };
    this.part(messageID, {
      type: 'tool',
      callID: `toolu_${this.rng.int(100_000, 999_999)}`,
      tool,
      state: fails
        ? { status: 'error', input, error: 'Command failed with exit code 1', time }
        : { status: 'completed', input, output: 'ok', title: `${tool} done`, metadata, time },
    });
  }

  /** An assistant message: request figures, its tools, its text; `streaming` leaves it open. */
  assistant(parentID: string, tools: (id: string) => void, streaming = false) {
    const model = this.rng.pick(MODELS);
    const figures = request(this.rng, model);
    const id = openCodeId(this.rng, 'msg', this.clock);
    const created = this.clock;
    this.part(id, { type: 'step-start' });
    tools(id);
    this.clock += this.rng.int(500, 9_000);
    this.part(id, {
      type: 'text',
      text: 'Here is what I changed.',
      time: { start: created, end: this.clock },
    });
    const message: Json = {
      id,
      sessionID: this.id,
      role: 'assistant',
      parentID,
      time: streaming ? { created } : { created, completed: this.clock },
      modelID: model.modelID,
      providerID: model.providerID,
      mode: this.agent,
      agent: this.agent,
      path: { cwd: '/home/dev/shop', root: '/home/dev/shop' },
      cost: streaming ? figures.cost / 3 : figures.cost,
      tokens: streaming
        ? { ...figures.tokens, output: Math.floor(figures.tokens.output / 3) }
        : figures.tokens,
    };
    this.rows.messages.push(message);
    if (!streaming) {
      this.part(id, {
        type: 'step-finish',
        reason: 'stop',
        cost: figures.cost,
        tokens: figures.tokens,
      });
      this.count(figures.truth, figures.cost);
    }
    (this.rows.info.time as Json).updated = this.clock;
    return { message, figures };
  }

  count(tokens: OpenCodeTokens, cost: number): void {
    const t = this.truth.tokens;
    for (const key of Object.keys(t) as (keyof OpenCodeTokens)[]) t[key] += tokens[key];
    this.truth.costUsd += cost;
    this.truth.assistantMessages += 1;
  }
}

function conversation(
  rng: SeededRandom,
  s: SessionWriter,
  turns: number,
  onTask?: (messageId: string) => void,
): void {
  for (let t = 0; t < turns; t += 1) {
    s.clock += rng.int(20_000, 120_000);
    const user = s.user(`Turn ${t}: make checkout handle coupons`);
    s.assistant(user, (id) => {
      s.tool(id, 'read', { filePath: `/home/dev/shop/src/checkout${t}.ts` });
      s.tool(id, 'edit', {
        filePath: `/home/dev/shop/src/checkout${t}.ts`,
        oldString: 'a',
        newString: 'b',
      });
      s.tool(id, 'bash', { command: 'npm test', description: 'Run tests' }, rng.chance(0.4));
      if (t === 0 && onTask) onTask(id);
    });
  }
}

async function writeDatabase(file: string, sessions: SessionWriter[]): Promise<void> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(SCHEMA);
  for (const { rows } of sessions) {
    const info = rows.info as {
      id: string;
      parentID?: string;
      directory: string;
      title: string;
      version: string;
      time: { created: number; updated: number };
    };
    const agentMatch = /\(@(\S+) subagent\)/.exec(info.title);
    db.run(
      'INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, time_created, time_updated, agent) VALUES (?,?,?,?,?,?,?,?,?,?)',
      [
        info.id,
        PROJECT,
        info.parentID ?? null,
        info.id.slice(-8),
        info.directory,
        info.title,
        info.version,
        info.time.created,
        info.time.updated,
        agentMatch?.[1] ?? null,
      ],
    );
    for (const m of rows.messages) {
      const { id, sessionID, ...data } = m;
      const time = m.time as { created: number; completed?: number };
      db.run('INSERT INTO message VALUES (?,?,?,?,?)', [
        id as string,
        sessionID as string,
        time.created,
        time.completed ?? time.created,
        JSON.stringify(data),
      ]);
    }
    for (const p of rows.parts) {
      const { id, sessionID, messageID, ...data } = p;
      const at = ((p.state as { time?: { end: number } })?.time?.end ??
        info.time.created) as number;
      db.run('INSERT INTO part VALUES (?,?,?,?,?,?)', [
        id as string,
        messageID as string,
        sessionID as string,
        at,
        at,
        JSON.stringify(data),
      ]);
    }
  }
  await writeFile(file, db.export());
  db.close();
}

async function writeJsonTree(storage: string, sessions: SessionWriter[]): Promise<void> {
  const put = async (path: string, data: Json) => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, JSON.stringify(data, null, 2));
  };
  for (const { rows } of sessions) {
    await put(join(storage, 'session', PROJECT, `${String(rows.info.id)}.json`), rows.info);
    for (const m of rows.messages)
      await put(join(storage, 'message', String(m.sessionID), `${String(m.id)}.json`), m);
    for (const p of rows.parts)
      await put(join(storage, 'part', String(p.messageID), `${String(p.id)}.json`), p);
  }
}

export async function writeOpenCodeStore(
  dataDir: string,
  options: { seed?: number } = {},
): Promise<OpenCodeStore> {
  const rng = new SeededRandom(options.seed ?? 5);
  const database = join(dataDir, 'opencode.db');
  const storage = join(dataDir, 'storage');
  const at = (hour: number) => START + hour * 3_600_000;

  const root = new SessionWriter(rng, openCodeId(rng, 'ses', at(0)), at(0), 'sqlite', 'build');
  let child: SessionWriter | undefined;
  conversation(rng, root, 3, (messageId) => {
    child = new SessionWriter(
      rng,
      openCodeId(rng, 'ses', root.clock),
      root.clock,
      'sqlite',
      'general',
      root.id,
    );
    conversation(rng, child, 2);
    root.tool(
      messageId,
      'task',
      { description: 'Explore', prompt: 'Find the coupon code', subagent_type: 'general' },
      false,
      { sessionId: child.id },
    );
  });
  const migrated = new SessionWriter(rng, openCodeId(rng, 'ses', at(4)), at(4), 'both', 'build');
  conversation(rng, migrated, 2);
  const legacy = new SessionWriter(rng, openCodeId(rng, 'ses', at(6)), at(6), 'json', 'plan');
  conversation(rng, legacy, 3);
  // The newest session, its last answer still streaming: completing it is the latest update.
  const streamingSession = new SessionWriter(
    rng,
    openCodeId(rng, 'ses', at(9)),
    at(9),
    'sqlite',
    'build',
  );
  conversation(rng, streamingSession, 2);
  const lastUser = streamingSession.user('One more thing');
  const streaming = streamingSession.assistant(lastUser, () => undefined, true);

  const inDatabase = [root, child as SessionWriter, streamingSession, migrated];
  await mkdir(dataDir, { recursive: true });
  await writeDatabase(database, inDatabase);
  await writeJsonTree(storage, [migrated, legacy]);

  return {
    dataDir,
    database,
    storage,
    sessions: [...inDatabase, legacy].map((s) => s.truth),
    inFlight: {
      sessionId: streamingSession.id,
      tokens: streaming.figures.truth,
      costUsd: streaming.figures.cost,
    },
    async finishStreaming() {
      const message = streaming.message;
      const created = (message.time as { created: number }).created;
      const completed = streamingSession.clock + 1_000;
      const { id, sessionID: _session, ...rest } = message;
      const data = {
        ...rest,
        time: { created, completed },
        cost: streaming.figures.cost,
        tokens: streaming.figures.tokens,
      };
      const SQL = await initSqlJs();
      const db = new SQL.Database(await readFile(database));
      db.run('UPDATE message SET data = ?, time_updated = ? WHERE id = ?', [
        JSON.stringify(data),
        completed,
        id as string,
      ]);
      await writeFile(database, db.export());
      db.close();
    },
  };
}
