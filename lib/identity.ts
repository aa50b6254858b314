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
}

const withRoles = { memberships: { include: { institution: { select: { code: true } } } } } as const;

type PersonWithRoles = { id: string; email: string; name: string; memberships: { role: RoleName; institution: { code: string } }[] };

const toIdentity = (person: PersonWithRoles, via: Identity['via']): Identity => ({
  personId: person.id,
  email: person.email,
  name: person.name,
  via,
  roles: person.memberships.map((m) => ({ role: m.role, institution: m.institution.code })),
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

export async function identityFromApiKey(db: Db, key: string): Promise<Identity | null> {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  // The key, its person and their roles in one query (every API request authenticates).
  const row = await db.apiKey.findUnique({ where: { keyHash: sha256Hex(key) }, include: { person: { include: withRoles } } });
  if (!row || row.revokedAt) return null;
  return toIdentity(row.person, 'api');
}
