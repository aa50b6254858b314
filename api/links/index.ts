// The link layer: the hooks the worker's activities call (issue a link into an email, revoke a step's links) and
// the routes people reach from their mailbox.
import type { Db } from '../../lib/db/client.js';
import { createLinkIssuer } from './issue-link.js';
import { revokeStepLinks } from './revoke-links.js';

export { linkRoutes } from './routes.js';
export { issueLinkToken, linkUrl } from './issue-link.js';
export { revokeStepLinks } from './revoke-links.js';

/** For createActivities({ issueLink, revokeLinks }). */
export function createLinkHooks(opts: { db: Db; publicUrl: () => string }) {
  return {
    issueLink: createLinkIssuer(opts),
    revokeLinks: (a: { caseId: string; stepId: string; emails?: string[] }) => revokeStepLinks(opts.db, a),
  };
}
