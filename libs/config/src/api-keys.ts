import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export type Scope = 'ingest' | 'read';

/** Who a request is, once its key is known. Never holds the key itself. */
export interface Principal {
  project: string;
  scopes: ReadonlySet<Scope>;
  /** first 12 hex chars of the key's hash: safe to log, enough to tell keys apart */
  keyId: string;
}

export const ApiKeyEntrySchema = z.object({
  key: z.string().min(16, 'must be at least 16 characters'),
  project: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, _ . -'),
  scopes: z
    .array(z.enum(['ingest', 'read']))
    .min(1)
    .default(['ingest', 'read']),
  gitlab_token: z.string().min(8).optional(),
});
export const ApiKeyListSchema = z.array(ApiKeyEntrySchema).min(1, 'must hold at least one key');
export type ApiKeyEntry = z.infer<typeof ApiKeyEntrySchema>;

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The configured keys, kept only as SHA-256 hashes. Looking a key up by its hash reveals
 * nothing about other keys; GitLab tokens are compared in constant time.
 */
export class ApiKeyRegistry {
  private readonly byHash = new Map<string, Principal>();
  private readonly gitlab: Array<{ hash: Buffer; project: string }> = [];

  constructor(entries: ApiKeyEntry[]) {
    for (const entry of entries) {
      const hash = sha256(entry.key).toString('hex');
      this.byHash.set(hash, {
        project: entry.project,
        scopes: new Set(entry.scopes),
        keyId: hash.slice(0, 12),
      });
      if (entry.gitlab_token)
        this.gitlab.push({ hash: sha256(entry.gitlab_token), project: entry.project });
    }
  }

  get size(): number {
    return this.byHash.size;
  }

  authenticate(key: string | undefined): Principal | undefined {
    if (!key) return undefined;
    return this.byHash.get(sha256(key).toString('hex'));
  }

  projectForGitlabToken(token: string | undefined): string | undefined {
    if (!token) return undefined;
    const hash = sha256(token);
    let project: string | undefined;
    for (const candidate of this.gitlab) {
      if (timingSafeEqual(candidate.hash, hash)) project ??= candidate.project;
    }
    return project;
  }
}

/** Extracts the key from an `Authorization: Bearer <key>` header value. */
export function bearerKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function generateApiKey(): string {
  return `ap_dev_${randomBytes(24).toString('base64url')}`;
}
