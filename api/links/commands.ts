// The one adapter between the link pages and the approval engine: the form a link page posts → the engine's
// command, and the link's recipient → the engine's actor. A change of the engine's command shapes is fixed here.
import { z } from 'zod';
import type { EngineActor, EngineCommand } from '../../workflows/approval/messages.js';
import { AppError } from '../../lib/errors.js';
import { scoresSchema } from '../cases/command-schemas.js';

export const LINK_ACTIONS = ['approve', 'reject', 'send_back', 'delegate'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(max).optional());

/** The fields of the decision form (application/x-www-form-urlencoded); rubric scores arrive as score_<criterion>. */
export const linkFormSchema = z
  .object({
    _csrf: z.string().max(200).optional(),
    action: z.enum(LINK_ACTIONS),
    documentSha256: z.string().regex(/^[a-f0-9]{64}$/, 'the SHA-256 of the document version shown').optional(),
    comment: optionalText(5000),
    reasonCode: optionalText(60),
    sendBackTo: optionalText(100),
    delegateEmail: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().toLowerCase().email().max(320).optional()),
    delegateName: optionalText(200),
  })
  .catchall(z.unknown());

export type LinkForm = z.infer<typeof linkFormSchema>;

/**
 * The rubric scores of a form (score_<criterion> = number), held to the API's bounds (scoresSchema): a criterion id
 * like a policy's, at most 100, finite and in range — 422 naming the form field otherwise. Empty fields are skipped.
 */
export function parseScores(form: Record<string, unknown>): Record<string, number> | undefined {
  const scores: Record<string, number> = {};
  for (const [k, v] of Object.entries(form)) {
    if (!k.startsWith('score_') || typeof v !== 'string' || v.trim() === '') continue;
    scores[k.slice('score_'.length)] = Number(v);
  }
  if (!Object.keys(scores).length) return undefined;
  const r = scoresSchema.safeParse(scores);
  if (!r.success) {
    throw new AppError('validation_failed', 'Please check the scores.', {
      issues: r.error.issues.map((i) => ({ path: i.path.length ? `score_${String(i.path[0])}` : 'scores', message: i.code === 'invalid_type' ? 'a number' : i.message })),
    });
  }
  return r.data;
}

/** The engine sees a link's holder as the recipient, acting by link, bound to the link's step, with no roles. */
export function linkActor(link: { recipientEmail: string; stepId: string }, person?: { id: string; name: string } | null): EngineActor {
  return { personId: person?.id, email: link.recipientEmail, name: person?.name, via: 'link', roles: [], linkStepId: link.stepId };
}

const need = (v: string | undefined, path: string, message: string): string => {
  if (!v) throw new AppError('validation_failed', 'Please check the form.', { issues: [{ path, message }] });
  return v;
};

export function linkCommand(stepId: string, form: LinkForm): EngineCommand {
  switch (form.action) {
    case 'approve':
      return {
        type: 'approve',
        stepId,
        documentSha256: need(form.documentSha256, 'documentSha256', 'missing document fingerprint'),
        comment: form.comment,
        scores: parseScores(form),
      };
    case 'reject':
      return {
        type: 'reject',
        stepId,
        documentSha256: need(form.documentSha256, 'documentSha256', 'missing document fingerprint'),
        comment: need(form.comment, 'comment', 'say why the case is rejected'),
        reasonCode: form.reasonCode,
      };
    case 'send_back':
      return {
        type: 'sendBack',
        stepId,
        documentSha256: need(form.documentSha256, 'documentSha256', 'missing document fingerprint'),
        to: form.sendBackTo ?? 'submitter',
        comment: need(form.comment, 'comment', 'say what must change'),
      };
    case 'delegate':
      return {
        type: 'delegate',
        stepId,
        to: { email: need(form.delegateEmail, 'delegateEmail', "your colleague's email address"), name: form.delegateName },
        comment: form.comment,
      };
  }
}
