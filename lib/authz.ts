// Authorisation, decided in one place. Staff of HEI A never read or act on HEI B's cases; MoEYS sees the cases
// routed to it; anybody assigned to a case (ever) may read it; a network administrator (admin at MOEYS) sees all.
import type { Identity, RoleName } from './identity.js';
import type { CaseType } from '../domain/case-types.js';
import { emailDomain } from '../domain/email.js';

export const NETWORK_INSTITUTION = 'MOEYS';

export type CaseTypeName = CaseType;

export interface CaseAccessView {
  institution: string;
  type: CaseTypeName;
  /** Emails of everyone ever assigned to a step of the case. */
  participants: string[];
  submitterEmail?: string | null;
}

const has = (id: Identity, role: RoleName, institution: string) =>
  id.roles.some((r) => r.role === role && r.institution === institution);

export const isNetworkAdmin = (id: Identity) => has(id, 'admin', NETWORK_INSTITUTION);

export const memberOf = (id: Identity, institution: string) => id.roles.some((r) => r.institution === institution);

/** Which roles at the case's institution may open a case of each type. */
export const creatorRoles: Record<CaseTypeName, RoleName[]> = {
  strategy: ['leadership', 'iro', 'admin'],
  mou: ['iro', 'admin'],
  recognition: ['iro', 'faculty', 'admin'],
  // A progress report speaks for the institution about its own strategy: its IRO or leadership only.
  strategy_report: ['iro', 'leadership'],
};

/** Types the network administrator may not open on an institution's behalf. */
const onlyByTheInstitution: ReadonlySet<CaseTypeName> = new Set(['strategy_report']);

/**
 * For a strategy report, `institution` is the strategy's institution (the use case checks that the report is
 * filed for the institution that owns the strategy).
 */
export function canCreateCase(id: Identity, institution: string, type: CaseTypeName): boolean {
  if (isNetworkAdmin(id) && !onlyByTheInstitution.has(type)) return true;
  return creatorRoles[type].some((role) => has(id, role, institution));
}

export function canReadCase(id: Identity, c: CaseAccessView): boolean {
  if (isNetworkAdmin(id)) return true;
  if (memberOf(id, c.institution)) return true;
  const email = id.email.toLowerCase();
  if (c.submitterEmail?.toLowerCase() === email) return true;
  return c.participants.some((p) => p.toLowerCase() === email);
}

/** An institution admin may reassign steps of its own cases; the network admin any. */
export function canAdministerCase(id: Identity, c: Pick<CaseAccessView, 'institution'>): boolean {
  return isNetworkAdmin(id) || has(id, 'admin', c.institution);
}

/** The institutions whose cases this identity may list without being a participant. */
export function listableInstitutions(id: Identity): 'all' | string[] {
  if (isNetworkAdmin(id)) return 'all';
  return [...new Set(id.roles.map((r) => r.institution))];
}


/**
 * A decision link's holder may hand it only to a colleague: an address at the same email domain. (Partners and
 * MoEYS reviewers have no account here, so the domain is what says "the same organisation".)
 */
export function canDelegateFromLink(fromEmail: string, toEmail: string): boolean {
  const d = emailDomain(fromEmail);
  return d.length > 0 && d === emailDomain(toEmail);
}
