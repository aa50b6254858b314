import type { Db } from '../../lib/db/client.js';
import { AppError } from '../../lib/errors.js';
import { parsePolicy, type Policy } from '../../domain/routing/policy.js';
import type { CaseType } from '../../domain/case-types.js';

/** The newest version of the institution's own policy for the process type, else of the network-wide default. */
export async function findPolicyInForce(db: Db, processType: CaseType, institutionCode: string) {
  const own = await db.policy.findFirst({
    where: { processType, institution: { code: institutionCode } },
    orderBy: { version: 'desc' },
  });
  const row =
    own ?? (await db.policy.findFirst({ where: { processType, institutionId: null }, orderBy: { version: 'desc' } }));
  if (!row) throw new AppError('conflict', `No routing policy is configured for ${processType} cases.`);
  return withDefinition(row);
}

/** One version of a policy, as a case opened on it snapshotted it; null when there is no such version. */
export async function findPolicyVersion(db: Db, key: string, version: number) {
  const row = await db.policy.findUnique({ where: { key_version: { key, version } } });
  return row ? withDefinition(row) : null;
}

function withDefinition(row: { id: string; key: string; version: number; definition: unknown }) {
  const parsed = parsePolicy(row.definition);
  if (!parsed.ok) throw new AppError('internal', `The routing policy ${row.key} v${row.version} is invalid.`, { internal: JSON.stringify(parsed.issues) });
  return { id: row.id, key: row.key, version: row.version, definition: parsed.policy as Policy };
}
