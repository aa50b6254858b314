import { Router } from 'express';
import { z } from 'zod';
import { route } from '../http/routes.js';
import { requireIdentity } from '../auth/authenticate.js';
import type { AppDeps } from '../app.js';
import { checkMoeysStages, createPolicyVersion, getPolicy, listPolicies, validatePolicyDefinition } from '../policies/policy-admin.js';
import { caseTypes } from '../../domain/case-types.js';
import { versionNumber } from '../cases/schemas.js';

const policyBody = z.record(z.string(), z.unknown()).describe('A routing policy (see domain/routing/policy.ts); validated with paths on error.');

export function policyRoutes(deps: AppDeps): Router {
  const r = Router();
  route(
    r,
    {
      method: 'get',
      path: '/policies',
      summary: 'List routing policies (every version), optionally for a process type and institution.',
      tag: 'policies',
      query: z.object({ processType: z.enum(caseTypes).optional(), institution: z.string().toUpperCase().optional() }).strict(),
      responses: { 200: { description: 'the policies' } },
    },
    async ({ query }, req) => {
      requireIdentity(req);
      return { items: await listPolicies(deps.db, query) };
    },
  );
  route(
    r,
    {
      method: 'get',
      path: '/policies/:key',
      summary: 'A policy: its newest version (or ?version=N) and the list of versions.',
      tag: 'policies',
      params: z.object({ key: z.string().min(1).max(100) }),
      query: z.object({ version: versionNumber.optional() }).strict(),
      responses: { 200: { description: 'the policy' }, 404: { description: 'no such policy or version' } },
    },
    async ({ params, query }, req) => {
      requireIdentity(req);
      return getPolicy(deps.db, params.key, query.version);
    },
  );
  route(
    r,
    {
      method: 'post',
      path: '/policies/validate',
      summary: "Validate a policy without saving it: 200 with the normalised policy, 422 with the path of each problem, or 403 when the caller could not save it as it is (an institution's strategy policy without the network default's MoEYS stages).",
      tag: 'policies',
      body: policyBody,
      responses: { 200: { description: 'valid', schema: z.object({ valid: z.literal(true) }) }, 403: { description: 'valid, but not yours to save as it is' }, 422: { description: 'invalid, with paths' } },
    },
    async ({ body }, req) => {
      const identity = requireIdentity(req);
      const policy = validatePolicyDefinition(body);
      await checkMoeysStages(deps.db, identity, policy);
      return { valid: true as const, policy };
    },
  );
  route(
    r,
    {
      method: 'post',
      path: '/policies',
      summary: 'Save a policy as the next version of its key (network admins for network-wide policies, institution admins for their own). Running cases keep their snapshot.',
      tag: 'policies',
      body: policyBody,
      responses: { 201: { description: 'the new version' }, 403: { description: 'not an administrator of this policy' }, 422: { description: 'invalid, with paths' } },
    },
    async ({ body }, req, res) => {
      const created = await createPolicyVersion(deps.db, requireIdentity(req), body);
      res.status(201).json(created);
    },
  );
  return r;
}

