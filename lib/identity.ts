// Who is acting. The API authenticates (API key, session, email link) and builds an Identity; authorisation and
// the engine read only this.
import type { Db } from './db/client.js';
import { randomToken, sha256Hex } from './crypto.js';

export type RoleName = 'leadership' | 'iro' | 'faculty' | 'moeys_reviewer' | 'admin';

export interface Identity {
  personId: string;
  email: string;
  name: string;
  via: 'api' | 'web' | 'link';
  roles: { role: RoleName; institution: string }[];
  /** The person's language ('en', 'km'): their emails, and their pages unless they chose another. */
  locale?: string;
}

const withRoles = { memberships: { include: { institution: { select: { code: true } } } } } as const;

type PersonWithRoles = { id: string; email: string; name: string; locale: string; memberships: { role: RoleName; institution: { code: string } }[] };

const toIdentity = (person: PersonWithRoles, via: Identity['via']): Identity => ({
  personId: person.id,
  email: person.email,
  name: person.name,
  via,
  roles: person.memberships.map((m) => ({ role: m.role, institution: m.institution.code })),
  locale: person.locale,
});

export async function loadIdentity(db: Db, personId: string, via: Identity['via']): Promise<Identity | null> {
  const person = await db.person.findUnique({ where: { id: personId }, include: withRoles });
  return person ? toIdentity(person, via) : null;
}

export const API_KEY_PREFIX = 'chain_';

/** Creates an API key for a person; the key is returned once and only its SHA-256 is stored. */
export async function createApiKey(db: Db, personId: string, name: string): Promise<{ id: string; key: string }> {
  const key = API_KEY_PREFIX + randomToken(32);
  const row = await db.apiKey.create({ data: { personId, name, keyHash: sha256Hex(key), prefix: key.slice(0, 12) } });
  return { id: row.id, key };
}

async function lookUpApiKey(db: Db, keyHash: string): Promise<Identity | null> {
  // The key, its person and their roles in one query.
  const row = await db.apiKey.findUnique({ where: { keyHash }, include: { person: { include: withRoles } } });
  if (!row || row.revokedAt) return null;
  return toIdentity(row.person, 'api');
}

export interface ApiKeyAuthenticator {
  identify(key: string): Promise<Identity | null>;
  /** Forgets every remembered key (after revoking a key or changing someone's roles in this process). */
  forget(): void;
}

/**
 * Every API request authenticates; a client sending many requests in a row would otherwise cost one query each.
 * A valid key's identity is remembered for `ttlMs` (0: never) — so a key revoked, or a role changed, directly in
 * the database takes up to that long to take effect in a running process. Unknown and revoked keys are never
 * remembered, and concurrent requests with the same key share one lookup.
 */
export function apiKeyAuthenticator(db: Db, opts: { ttlMs: number; maxEntries?: number; now?: () => number }): ApiKeyAuthenticator {
  const now = opts.now ?? (() => Date.now());
  const maxEntries = opts.maxEntries ?? 1000;
  const remembered = new Map<string, { identity: Promise<Identity | null>; until: number }>();
  return {
    async identify(key) {
      if (!key.startsWith(API_KEY_PREFIX)) return null;
      const keyHash = sha256Hex(key);
      if (opts.ttlMs <= 0) return lookUpApiKey(db, keyHash);
      const t = now();
      const hit = remembered.get(keyHash);
      if (hit && hit.until > t) return hit.identity;
      remembered.delete(keyHash);
      const identity = lookUpApiKey(db, keyHash);
      remembered.set(keyHash, { identity, until: t + opts.ttlMs });
      // Oldest first: a Map iterates in insertion order.
      if (remembered.size > maxEntries) remembered.delete(remembered.keys().next().value!);
      const found = await identity.catch((err: unknown) => {
        remembered.delete(keyHash);
        throw err;
      });
      if (!found && remembered.get(keyHash)?.identity === identity) remembered.delete(keyHash);
      return found;
    },
    forget() {
      remembered.clear();
    },
  };
}
