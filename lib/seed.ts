// Loads the demo data idempotently (upserts keyed by institution code and email).
import type { Db } from './db/client.js';
import { institutions, people } from './seed-data.js';

export interface SeedResult {
  institutions: number;
  people: number;
  memberships: number;
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
  return { institutions: institutions.length, people: people.length, memberships };
}
