// Loads the demo data idempotently (upserts keyed by institution code and email).
import type { Db } from './db/client.js';
import { institutions, people } from './seed-data.js';
import { defaultPolicies } from '../domain/routing/defaults.js';

export interface SeedResult {
  institutions: number;
  people: number;
  memberships: number;
  policies: number;
}

export async function seed(db: Db): Promise<SeedResult> {
  const ids = new Map<string, string>();
  for (const { domain: _domain, ...inst } of institutions) {
    const row = await db.institution.upsert({ where: { code: inst.code }, create: inst, update: inst });
    ids.set(inst.code, row.id);
  }
  let memberships = 0;
  for (const p of people) {
    const person = await db.person.upsert({
      where: { email: p.email },
      create: { email: p.email, name: p.name, title: p.title },
      update: { name: p.name, title: p.title },
    });
    for (const role of p.roles) {
      const institutionId = ids.get(p.institution)!;
      await db.membership.upsert({
        where: { personId_institutionId_role: { personId: person.id, institutionId, role } },
        create: { personId: person.id, institutionId, role },
        update: {},
      });
      memberships++;
    }
  }
  for (const p of defaultPolicies) {
    // Version 1 of each default; a newer version made through the API is never overwritten.
    await db.policy.upsert({
      where: { key_version: { key: p.key, version: p.version } },
      create: { key: p.key, version: p.version, processType: p.processType, name: p.name, definition: p as object },
      update: {},
    });
  }
  return { institutions: institutions.length, people: people.length, memberships, policies: defaultPolicies.length };
}
