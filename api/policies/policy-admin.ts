// Routing policies: list, read, validate without saving, and create a new version. A policy in use is never
// changed in place: a new version is a new row, and running cases keep the snapshot they started with.
import type { Db } from '../../lib/db/client.js';
import { AppError } from '../../lib/errors.js';
import type { Identity } from '../../lib/identity.js';
import { isNetworkAdmin } from '../../lib/authz.js';
import { parsePolicy, type Policy } from '../../domain/routing/policy.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import type { CaseType } from '../../domain/case-types.js';

export function validatePolicyDefinition(input: unknown): Policy {
  const parsed = parsePolicy(input);
  if (!parsed.ok) throw new AppError('validation_failed', 'The policy is not valid.', { issues: parsed.issues });
  return parsed.policy;
}

function canAdministerPolicy(identity: Identity, institution: string | null): boolean {
  if (isNetworkAdmin(identity)) return true;
  return institution !== null && identity.roles.some((r) => r.role === 'admin' && r.institution === institution);
}

export async function listPolicies(db: Db, filter: { processType?: CaseType; institution?: string }) {
  const rows = await db.policy.findMany({
    where: {
      ...(filter.processType ? { processType: filter.processType } : {}),
      ...(filter.institution ? { OR: [{ institution: { code: filter.institution } }, { institutionId: null }] } : {}),
    },
    include: { institution: { select: { code: true } } },
    orderBy: [{ key: 'asc' }, { version: 'desc' }],
  });
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    version: r.version,
    name: r.name,
    processType: r.processType,
    institution: r.institution?.code ?? null,
    createdAt: r.createdAt.toISOString(),
  }));
}

export async function getPolicy(db: Db, key: string, version?: number) {
  const row = await db.policy.findFirst({ where: { key, ...(version ? { version } : {}) }, orderBy: { version: 'desc' }, include: { institution: { select: { code: true } } } });
  if (!row) throw new AppError('not_found', `No policy ${key}${version ? ` version ${version}` : ''}.`);
  const versions = await db.policy.findMany({ where: { key }, select: { version: true }, orderBy: { version: 'asc' } });
  return { key: row.key, version: row.version, versions: versions.map((v) => v.version), institution: row.institution?.code ?? null, createdAt: row.createdAt.toISOString(), definition: row.definition };
}

/** Process types with stages of the ministry's: it decides strategies and the reports on them, and records MoUs. */
const WITH_MOEYS_STAGES: readonly CaseType[] = ['strategy', 'strategy_report', 'mou'];
const isMoeysStage = (stage: Policy['stages'][number]) =>
  stage.steps.some((st) => st.assignees.some((a) => a.kind === 'role' && (a.institution === 'moeys' || a.institution === 'MOEYS')));

/**
 * An institution routes its own part of a case as it likes, but not the ministry's: for the process types with
 * MoEYS stages, an institution's policy (saved by anyone but a MoEYS administrator) ends with the network default's
 * MoEYS stages, unchanged.
 */
export async function checkMoeysStages(db: Db, identity: Identity, draft: Policy): Promise<void> {
  if (!draft.institution || isNetworkAdmin(identity) || !WITH_MOEYS_STAGES.includes(draft.processType)) return;
  const network = await db.policy.findFirst({ where: { processType: draft.processType, institutionId: null }, orderBy: { version: 'desc' } });
  const parsed = network ? parsePolicy(network.definition) : undefined;
  const required = parsed?.ok ? parsed.policy.stages.filter(isMoeysStage) : [];
  if (required.length === 0) return;
  const tail = draft.stages.slice(-required.length);
  if (canonicalJson(tail) === canonicalJson(required)) return;
  throw new AppError('forbidden', `A ${draft.processType} policy of ${draft.institution} must end with the MoEYS stages of the network default, unchanged; only a MoEYS administrator may change how MoEYS decides.`, {
    issues: [{ path: 'stages', message: `end with ${required.map((st) => st.id).join(', ')} as in ${network!.key} version ${network!.version}` }],
  });
}

/** Stores `input` as the next version of its key (the version in the body is ignored: versions only go up). */
export async function createPolicyVersion(db: Db, identity: Identity, input: unknown) {
  const draft = validatePolicyDefinition({ ...(input as object), version: 1 });
  if (!canAdministerPolicy(identity, draft.institution)) {
    throw new AppError('forbidden', draft.institution ? `Only an administrator of ${draft.institution} may change its policies.` : 'Only a network administrator may change the network-wide policies.');
  }
  await checkMoeysStages(db, identity, draft);
  const institution = draft.institution ? await db.institution.findUnique({ where: { code: draft.institution } }) : null;
  if (draft.institution && !institution) throw new AppError('validation_failed', 'Unknown institution.', { issues: [{ path: 'institution', message: `no institution ${draft.institution}` }] });
  const existing = await db.policy.findFirst({ where: { key: draft.key }, orderBy: { version: 'desc' } });
  if (existing && (existing.processType !== draft.processType || existing.institutionId !== (institution?.id ?? null))) {
    throw new AppError('conflict', `Policy ${draft.key} belongs to another process type or institution: choose another key.`);
  }
  const version = (existing?.version ?? 0) + 1;
  const policy: Policy = { ...draft, version };
  try {
    const row = await db.policy.create({
      data: { key: policy.key, version, processType: policy.processType, institutionId: institution?.id ?? null, name: policy.name, definition: policy as object, createdById: identity.personId },
    });
    return { id: row.id, key: row.key, version: row.version, definition: policy };
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new AppError('conflict', 'Another version was saved at the same moment: try again.');
    throw err;
  }
}
