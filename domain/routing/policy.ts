// A routing policy is data: ordered stages; a stage holds steps that run in parallel; a step names its assignees,
// its mode (any / all / n-of-m), an optional condition on case fields, its deadline, reminders, escalation, where
// it may send back to, a review rubric, and whether its assignees decide from email links. Versioned; a case runs
// on the snapshot it started with. Workflow-safe: zod only.
import { z } from 'zod';
import { conditionSchema } from './conditions.js';
import { caseTypes } from '../case-types.js';

export const roles = ['leadership', 'iro', 'faculty', 'moeys_reviewer', 'admin'] as const;

export const durationSchema = z
  .object({
    workingDays: z.number().int().min(0).max(3650).optional(),
    days: z.number().int().min(0).max(3650).optional(),
    hours: z.number().int().min(0).max(24 * 3650).optional(),
  })
  .strict()
  .refine((d) => (d.workingDays ?? 0) + (d.days ?? 0) + (d.hours ?? 0) > 0, 'give workingDays, days or hours (more than zero)');

export const assigneeSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('role'),
      role: z.enum(roles),
      /** 'case' = the case's institution; 'moeys' = the ministry; or an institution code. */
      institution: z.union([z.literal('case'), z.literal('moeys'), z.string().regex(/^[A-Z0-9]{2,12}$/, 'case, moeys or an institution code')]),
    })
    .strict(),
  z.object({ kind: z.literal('person'), email: z.string().email() }).strict(),
  z
    .object({
      kind: z.literal('external'),
      email: z.string().email().optional(),
      /** Dotted path into the case fields holding the address, e.g. partner.signatoryEmail. */
      emailField: z.string().regex(/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/).optional(),
      name: z.string().optional(),
    })
    .strict()
    .refine((a) => !!a.email !== !!a.emailField, 'an external party needs exactly one of email or emailField'),
]);

export const modeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('any') }).strict(),
  z.object({ type: z.literal('all') }).strict(),
  z.object({ type: z.literal('quorum'), n: z.number().int().min(1) }).strict(),
]);

export const rubricSchema = z
  .object({
    criteria: z
      .array(
        z
          .object({ id: z.string().regex(/^[a-z][a-z0-9_]*$/), label: z.string().min(3), min: z.number().int(), max: z.number().int() })
          .strict()
          .refine((c) => c.max > c.min, { message: 'max must be above min', path: ['max'] }),
      )
      .min(1),
  })
  .strict();

export const stepSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case id: letters, digits, _'),
    name: z.string().min(2),
    assignees: z.array(assigneeSchema).min(1, 'a step needs at least one assignee'),
    mode: modeSchema.default({ type: 'any' }),
    condition: conditionSchema.optional(),
    deadline: durationSchema.optional(),
    reminders: z.object({ every: durationSchema, max: z.number().int().min(1).max(1000).optional() }).strict().optional(),
    escalation: z
      .object({ after: durationSchema, action: z.enum(['add', 'handover']), to: assigneeSchema })
      .strict()
      .optional(),
    /** Where this step may send a case back to: the submitter and/or earlier stage ids. Absent: no send back. */
    sendBack: z.object({ to: z.array(z.string()).min(1) }).strict().optional(),
    rubric: rubricSchema.optional(),
    /** Assignees decide from email links (no account needed). */
    viaLink: z.boolean().default(false),
    linkExpiryDays: z.number().int().min(1).max(90).default(14),
    /** Allowed final actions (default both). */
    actions: z.array(z.enum(['approve', 'reject'])).min(1).default(['approve', 'reject']),
  })
  .strict();

export const stageSchema = z
  .object({ id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case id: letters, digits, _'), name: z.string().min(2), steps: z.array(stepSchema).min(1) })
  .strict();

export const policySchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case key with dashes'),
    processType: z.enum(caseTypes),
    /** Institution code of an institution's own policy; null for the network-wide default. */
    institution: z.string().regex(/^[A-Z0-9]{2,12}$/).nullable().default(null),
    version: z.number().int().min(1),
    name: z.string().min(3),
    stages: z.array(stageSchema).min(1),
  })
  .strict()
  .superRefine((p, ctx) => {
    const stageIds = new Map<string, number>();
    const stepIds = new Set<string>();
    p.stages.forEach((stage, si) => {
      if (stageIds.has(stage.id)) ctx.addIssue({ code: 'custom', path: ['stages', si, 'id'], message: `duplicate stage id ${stage.id}` });
      stageIds.set(stage.id, si);
      stage.steps.forEach((step, ti) => {
        const at = ['stages', si, 'steps', ti];
        if (stepIds.has(step.id)) ctx.addIssue({ code: 'custom', path: [...at, 'id'], message: `duplicate step id ${step.id}` });
        stepIds.add(step.id);
        if (step.mode.type === 'quorum') {
          const countable = step.assignees.every((a) => a.kind !== 'role');
          if (countable && step.mode.n > step.assignees.length) {
            ctx.addIssue({ code: 'custom', path: [...at, 'mode', 'n'], message: `quorum of ${step.mode.n} needs at least ${step.mode.n} assignees (has ${step.assignees.length})` });
          }
        }
        step.sendBack?.to.forEach((target, k) => {
          if (target === 'submitter') return;
          const idx = stageIds.get(target);
          if (idx === undefined || idx > si) {
            ctx.addIssue({ code: 'custom', path: [...at, 'sendBack', 'to', k], message: `${target} is not this or an earlier stage` });
          }
        });
      });
    });
  });

export type Policy = z.infer<typeof policySchema>;
export type Stage = Policy['stages'][number];
export type Step = Stage['steps'][number];
export type AssigneeSpec = z.infer<typeof assigneeSchema>;
export type Duration = z.infer<typeof durationSchema>;

export interface PolicyIssue {
  path: string;
  message: string;
}

export const issuePath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') || '(root)';

export function parsePolicy(input: unknown): { ok: true; policy: Policy } | { ok: false; issues: PolicyIssue[] } {
  const r = policySchema.safeParse(input);
  if (r.success) return { ok: true, policy: r.data };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message })) };
}
