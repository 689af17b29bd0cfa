/** The envelope of every gateway query answer (CONTRACT.md "Queries"). */
export interface Envelope<S = Record<string, unknown>, D = Record<string, unknown>, C = D> {
  meta: {
    generated_at: string;
    project: string;
    session_id?: string;
    period: { start: string | null; end: string | null };
  };
  summary: S;
  details: Partial<D>;
  charts: Partial<C>;
}

/** A refused or failed request, with the message a person should read. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /** The key itself is the problem: the page goes back to the sign-in form. */
  get isAuthFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export const KEY_NOT_ACCEPTED = 'This API key was not accepted';
export const KEY_LACKS_READ = 'This key lacks the read scope';

/** What a person should read for a refused request. */
export function explainStatus(status: number, serverMessage?: string): string {
  if (status === 401) return KEY_NOT_ACCEPTED;
  if (status === 403) return KEY_LACKS_READ;
  if (status === 404) return serverMessage ?? 'Not found';
  if (status === 429) return 'Too many requests for this key; retrying shortly';
  return `The gateway answered ${status}${serverMessage ? `: ${serverMessage}` : ''}`;
}

/** The same explanation for a refused socket.io handshake (`connect_error`), if it is one. */
export function explainRefusedHandshake(message: string): string | undefined {
  if (message.startsWith('unauthorized')) return KEY_NOT_ACCEPTED;
  if (message.startsWith('forbidden')) return KEY_LACKS_READ;
  return undefined;
}

export type QueryValue = string | number | null | undefined;

/** `path?name=value&…`, leaving out parameters without a value. */
export function withQuery(path: string, query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== null) params.set(name, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** GETs gateway queries on this page's origin, every one with the key as a bearer token. */
export class ApiClient {
  constructor(private readonly key: string) {}

  /** `url`: a path on this origin with its query string (see {@link withQuery}). */
  async get<T>(url: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${this.key}`, accept: 'application/json' },
      });
    } catch {
      throw new ApiError(0, 'The gateway cannot be reached');
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { message?: unknown };
      const message = typeof body.message === 'string' ? body.message : undefined;
      throw new ApiError(response.status, explainStatus(response.status, message));
    }
    return (await response.json()) as T;
  }
}
