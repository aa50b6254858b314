// Turns a step's assignee specs (a role at an institution, a person, an external party) into people.
import type { Db } from '../lib/db/client.js';
import { NETWORK_INSTITUTION } from '../lib/authz.js';

export type AssigneeSpec =
  | { kind: 'role'; role: string; institution: string }
  | { kind: 'person'; email: string }
  | { kind: 'external'; email?: string; emailField?: string; name?: string };

export interface ResolvedPerson {
  id?: string;
  email: string;
  name?: string;
}

function fieldAt(fields: Record<string, unknown>, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), fields);
}

export async function resolveAssigneeSpecs(
  db: Db,
  ctx: { institution: string; fields: Record<string, unknown> },
  specs: AssigneeSpec[],
): Promise<ResolvedPerson[]> {
  const out = new Map<string, ResolvedPerson>();
  for (const spec of specs) {
    if (spec.kind === 'role') {
      const code = spec.institution === 'case' ? ctx.institution : spec.institution === 'moeys' ? NETWORK_INSTITUTION : spec.institution;
      const members = await db.membership.findMany({
        where: { role: spec.role as never, institution: { code } },
        include: { person: true },
        orderBy: { person: { email: 'asc' } },
      });
      for (const m of members) out.set(m.person.email.toLowerCase(), { id: m.person.id, email: m.person.email, name: m.person.name });
    } else if (spec.kind === 'person') {
      const p = await db.person.findUnique({ where: { email: spec.email } });
      out.set(spec.email.toLowerCase(), p ? { id: p.id, email: p.email, name: p.name } : { email: spec.email });
    } else {
      const email = spec.email ?? (spec.emailField ? fieldAt(ctx.fields, spec.emailField) : undefined);
      if (typeof email === 'string' && email.includes('@')) {
        const p = await db.person.findUnique({ where: { email } });
        out.set(email.toLowerCase(), p ? { id: p.id, email: p.email, name: p.name } : { email, name: spec.name });
      }
    }
  }
  return [...out.values()];
}
