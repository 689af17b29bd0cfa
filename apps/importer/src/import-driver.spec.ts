import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  appendFile,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOpenCodeStore } from '@agentpulse/test-support';
import { IngestRefusedError, IngestUnavailableError } from './import-errors';
import { runImport, type ImportOptions } from './import-driver';

const SESSION = 'aaaaaaaa-1111-2222-3333-444444444444';
const KEY = 'unit-test-key-0123456789';

/**
 * A transcript line pair: a prompt and its one-entry reply, unique by `n`. The reply is the
 * response's last entry (it carries its stop_reason) unless `streaming`.
 */
function exchange(n: number, streaming = false): string {
  const base = { sessionId: SESSION, cwd: '/w', isSidechain: false };
  const at = new Date(Date.UTC(2025, 9, 1, 8, 0, n)).toISOString();
  const prompt = {
    ...base,
    type: 'user',
    uuid: `u${n}`,
    timestamp: at,
    message: { role: 'user', content: `p${n}` },
  };
  const reply = {
    ...base,
    type: 'assistant',
    uuid: `a${n}`,
    timestamp: at,
    requestId: `r${n}`,
    message: {
      id: `m${n}`,
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [],
      usage: { input_tokens: 1, output_tokens: n },
      stop_reason: streaming ? null : 'end_turn',
    },
  };
  return `${JSON.stringify(prompt)}\n${JSON.stringify(reply)}\n`;
}

/** Ingest as far as the importer can tell: answers each request as `answer` says, records ids. */
class FakeIngest {
  readonly ids: string[] = [];
  /** the first acknowledged copy of each event, as the store keeps it (an id counts once) */
  readonly stored = new Map<string, Record<string, unknown>>();
  requests = 0;
  private server?: Server;

  constructor(
    private answer: (
      n: number,
      events: Array<{ id: string }>,
    ) => { status: number; body?: unknown; headers?: Record<string, string> } = (_, events) => ({
      status: 202,
      body: { accepted: events.length },
    }),
  ) {}

  set(answer: FakeIngest['answer']): void {
    this.answer = answer;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const events = JSON.parse(body) as Array<{ id: string }>;
        const n = this.requests++;
        const { status, body: answer, headers } = this.answer(n, events);
        if (status === 202) this.ids.push(...events.map((e) => e.id));
        if (status === 202)
          for (const event of events)
            if (!this.stored.has(event.id)) this.stored.set(event.id, event);
        if (status === 207) {
          const rejected = new Set(
            (answer as { rejected: Array<{ index: number }> }).rejected.map((r) => r.index),
          );
          this.ids.push(...events.filter((_, i) => !rejected.has(i)).map((e) => e.id));
        }
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(answer ?? {}));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

describe('runImport (against a fake ingest)', () => {
  let dir: string;
  let projects: string;
  let file: string;
  let ingest: FakeIngest;
  let url: string;
  const options = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
    source: 'claude-code',
    path: projects,
    ingestUrl: url,
    apiKey: KEY,
    checkpointDir: join(dir, 'checkpoints'),
    progress: null,
    batchEvents: 4,
    inFlight: 2,
    ...extra,
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ap-import-unit-'));
    projects = join(dir, 'projects');
    await mkdir(join(projects, '-w'), { recursive: true });
    file = join(projects, '-w', `${SESSION}.jsonl`);
    ingest = new FakeIngest();
    url = await ingest.start();
  });

  afterEach(async () => {
    await ingest.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes from its checkpoint: a re-run sends nothing, appended lines only', async () => {
    await writeFile(file, exchange(1) + exchange(2) + exchange(3));
    const first = await runImport(options());
    expect(first).toMatchObject({ files: 1, lines: 6, rejected: [] });
    expect(first.eventsAccepted).toBe(first.eventsSent);
    const sent = ingest.ids.length;
    expect(new Set(ingest.ids).size).toBe(sent);

    expect(await runImport(options())).toMatchObject({ lines: 0, eventsSent: 0 });
    await appendFile(file, exchange(4));
    const third = await runImport(options());
    expect(third.lines).toBe(2);
    expect(new Set(ingest.ids).size).toBe(ingest.ids.length);
    const saved = JSON.parse(await readFile(third.checkpointFile, 'utf8')) as {
      files: Record<string, { offset: number }>;
    };
    expect(saved.files[file].offset).toBe(
      Buffer.byteLength(exchange(1) + exchange(2) + exchange(3) + exchange(4)),
    );
    expect(await readFile(third.checkpointFile, 'utf8')).not.toContain(KEY);
  });

  it('takes a snapshot store by its file (opencode.db), but a line store only as a directory', async () => {
    const store = await writeOpenCodeStore(join(dir, 'opencode'));
    const fromFile = await runImport(options({ source: 'opencode', path: store.database }));
    expect(fromFile.eventsSent).toBeGreaterThan(0);
    expect(fromFile.eventsAccepted).toBe(fromFile.eventsSent);
    expect(fromFile.rejected).toEqual([]);
    await writeFile(file, exchange(1));
    await expect(runImport(options({ path: file }))).rejects.toThrow('is not a directory');
    await expect(runImport(options({ path: join(dir, 'nowhere') }))).rejects.toThrow(
      'does not exist',
    );
  });

  it('reads a truncated file, and one rewritten with other first bytes, from the start', async () => {
    await writeFile(file, exchange(1) + exchange(2));
    await runImport(options());
    await writeFile(file, exchange(3));
    expect((await runImport(options())).lines).toBe(2);
    await writeFile(file, exchange(5) + exchange(3) + exchange(6));
    expect((await runImport(options())).lines).toBe(6);
    // Rotated: another file (inode) renamed over the path, longer than the one checkpointed.
    await writeFile(`${file}.new`, exchange(5) + exchange(3) + exchange(6) + exchange(7));
    await rename(`${file}.new`, file);
    expect((await runImport(options())).lines).toBe(8);
  });

  it('--watch reads an unterminated last line once its newline arrives, or once quiet and whole', async () => {
    const [prompt, reply] = exchange(1).trimEnd().split('\n');
    await writeFile(file, `${prompt}\n${reply.slice(0, 40)}`);
    const controller = new AbortController();
    const watching = runImport(options({ watch: true, settleMs: 150, signal: controller.signal }));
    await new Promise((r) => setTimeout(r, 600));
    await appendFile(file, `${reply.slice(40)}\n${exchange(2).split('\n')[0]}`);
    await new Promise((r) => setTimeout(r, 900));
    controller.abort();
    const summary = await watching;
    expect(summary.rejected).toEqual([]);
    expect(summary.lines).toBe(3);
    expect(summary.bytes).toBe((await stat(file)).size);
  });

  it('--watch sends a response still streaming only after the longest hold', async () => {
    await writeFile(file, exchange(1, true));
    const controller = new AbortController();
    const watching = runImport(
      options({ watch: true, settleMs: 100, maxHoldMs: 1_500, signal: controller.signal }),
    );
    const replies = () => ingest.ids.length;
    await new Promise((r) => setTimeout(r, 900));
    const beforeHold = replies();
    await new Promise((r) => setTimeout(r, 1_600));
    controller.abort();
    await watching;
    // session, title and prompt first; the unfinished reply once quiet for maxHoldMs
    expect(beforeHold).toBe(3);
    expect(replies()).toBe(4);
  });

  it("counts a sub-agent response with its own file's final usage, not a partial progress relay", async () => {
    const at = (second: number) => new Date(Date.UTC(2025, 9, 1, 9, 0, second)).toISOString();
    const response = (output: number, stop: string | null) => ({
      type: 'assistant',
      requestId: 'req_sub',
      timestamp: at(2),
      message: {
        id: 'msg_sub',
        role: 'assistant',
        model: 'claude-haiku-4-5',
        content: [{ type: 'text', text: 'found it' }],
        usage: { input_tokens: 4, output_tokens: output },
        stop_reason: stop,
      },
    });
    const sidechain = { sessionId: SESSION, cwd: '/w', isSidechain: true, agentId: 'a1' };
    await mkdir(join(projects, '-w', SESSION, 'subagents'), { recursive: true });
    await writeFile(
      join(projects, '-w', SESSION, 'subagents', 'agent-a1.jsonl'),
      [response(2, null), response(377, 'end_turn')]
        .map((entry, i) => JSON.stringify({ ...sidechain, ...entry, uuid: `s${i}` }))
        .join('\n') + '\n',
    );
    // The parent relays only the response's first (partial) entry.
    const relay = {
      type: 'progress',
      sessionId: SESSION,
      cwd: '/w',
      uuid: 'p1',
      timestamp: at(3),
      data: {
        type: 'agent_progress',
        agentId: 'a1',
        message: { ...response(2, null), uuid: 's0' },
      },
    };
    await writeFile(file, exchange(1) + JSON.stringify(relay) + '\n');
    await runImport(options());
    const sub = [...ingest.stored.values()].filter((e) => e.message_id === 'msg_sub');
    expect(sub).toHaveLength(1);
    expect(sub[0].tokens).toMatchObject({ input: 4, output: 377 });
  });

  it('checkpoints only what ingest acknowledged: after a failure the re-run sends the rest', async () => {
    await writeFile(file, [1, 2, 3, 4, 5, 6, 7, 8].map((n) => exchange(n)).join(''));
    await runImport(options({ checkpointDir: join(dir, 'reference') }));
    const all = new Set(ingest.ids);
    ingest.ids.length = 0;
    ingest.requests = 0;
    ingest.set((n, events) =>
      n === 0
        ? { status: 202, body: { accepted: events.length } }
        : { status: 500, body: { message: 'boom' } },
    );
    await expect(runImport(options({ inFlight: 1 }))).rejects.toBeInstanceOf(
      IngestUnavailableError,
    );
    const acknowledged = ingest.ids.length;
    expect(acknowledged).toBeLessThan(all.size);
    ingest.set((_, events) => ({ status: 202, body: { accepted: events.length } }));
    await runImport(options());
    expect(new Set(ingest.ids)).toEqual(all);
  });

  it('retries 503 with Retry-After, and stops on 401 without printing the key', async () => {
    await writeFile(file, exchange(1));
    ingest.set((n, events) =>
      n < 2
        ? { status: 503, headers: { 'retry-after': '0' } }
        : { status: 202, body: { accepted: events.length } },
    );
    const summary = await runImport(options());
    expect(ingest.requests).toBeGreaterThanOrEqual(3);
    expect(summary.eventsAccepted).toBe(summary.eventsSent);

    ingest.set(() => ({ status: 401, body: { message: 'unauthorized' } }));
    const refused = runImport(options({ checkpointDir: join(dir, 'other') }));
    await expect(refused).rejects.toBeInstanceOf(IngestRefusedError);
    await expect(refused).rejects.not.toThrow(KEY);
  });

  it('--watch follows appended lines and new files, then stops on abort with its checkpoint', async () => {
    await writeFile(file, exchange(1));
    const controller = new AbortController();
    const watching = runImport(options({ watch: true, settleMs: 100, signal: controller.signal }));
    const seen = (n: number) => ingest.ids.length >= n;
    const waitFor = async (n: number) => {
      const started = Date.now();
      while (!seen(n) && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 20));
      return Date.now() - started;
    };
    await waitFor(4);
    const afterFirst = ingest.ids.length;
    await appendFile(file, exchange(2));
    expect(await waitFor(afterFirst + 2)).toBeLessThan(2_000);
    const other = join(projects, '-w', 'bbbbbbbb-1111-2222-3333-444444444444.jsonl');
    await writeFile(other, exchange(3).replaceAll(SESSION, 'bbbbbbbb-1111-2222-3333-444444444444'));
    expect(await waitFor(afterFirst + 5)).toBeLessThan(2_000);
    controller.abort();
    const summary = await watching;
    expect(summary).toMatchObject({ interrupted: true, files: 2, lines: 6 });
    expect(new Set(ingest.ids).size).toBe(ingest.ids.length);
    const saved = JSON.parse(await readFile(summary.checkpointFile, 'utf8')) as {
      files: Record<string, { offset: number }>;
    };
    expect(saved.files[other].offset).toBe(Buffer.byteLength(exchange(3)));
  });

  it('reports events ingest rejected (207) as file:line, and reads an unterminated tail at the end', async () => {
    await writeFile(file, exchange(1) + exchange(2).trimEnd());
    ingest.set((_, events) => ({
      status: 207,
      body: {
        accepted: events.length - 1,
        rejected: [{ index: 0, id: events[0].id, errors: [{ path: '/tokens', message: 'bad' }] }],
      },
    }));
    const summary = await runImport(options({ batchEvents: 1000 }));
    expect(summary.lines).toBe(4);
    expect(summary.rejected).toEqual([{ file, line: 1, reason: 'ingest: /tokens bad' }]);
    expect(summary.eventsAccepted).toBe(summary.eventsSent - 1);
  });
});
