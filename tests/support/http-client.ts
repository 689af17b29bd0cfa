import type { GeneratedEvent } from '@agentpulse/test-support';

/** Small fetch wrappers for the e2e suites. */
export async function postEvents(
  ingestUrl: string,
  key: string | undefined,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${ingestUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: response.headers,
  };
}

export async function getJson(
  url: string,
  key?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** Polls `probe` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs `work` over the items, at most `width` at a time. */
export async function inParallel<T>(
  items: T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/**
 * Posts generated events in their order, per project with its key, in batches of 500 (four
 * requests at a time), and expects every event accepted.
 */
export async function postGenerated(
  ingestUrl: string,
  sent: GeneratedEvent[],
  projects: string[],
  keyOf: (project: string) => string,
): Promise<void> {
  const batches: Array<{ project: string; events: unknown[] }> = [];
  for (const project of projects) {
    const events = sent.filter((g) => g.project === project).map((g) => g.event);
    for (let i = 0; i < events.length; i += 500)
      batches.push({ project, events: events.slice(i, i + 500) });
  }
  await inParallel(batches, 4, async ({ project, events }) => {
    const response = await postEvents(ingestUrl, keyOf(project), events);
    expect(response).toMatchObject({ status: 202, body: { accepted: events.length } });
  });
}
