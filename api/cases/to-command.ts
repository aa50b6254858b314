// The API's request bodies → the engine's commands (one place, so that a shape change is a one-file fix).
import type { z } from 'zod';
import type { EngineCommand } from '../../workflows/approval/messages.js';
import type { decisionBody, delegateBody, reassignBody, withdrawBody } from './command-schemas.js';

type ApiCommand =
  | z.infer<typeof decisionBody>
  | ({ action: 'delegate' } & z.infer<typeof delegateBody>)
  | ({ action: 'reassign' } & z.infer<typeof reassignBody>)
  | ({ action: 'withdraw' } & z.infer<typeof withdrawBody>);

export function toCommand(b: ApiCommand): EngineCommand {
  switch (b.action) {
    case 'approve':
      return { type: 'approve', stepId: b.stepId, documentSha256: b.documentSha256, comment: b.comment, scores: b.scores };
    case 'reject':
      return { type: 'reject', stepId: b.stepId, documentSha256: b.documentSha256, comment: b.comment, reasonCode: b.reasonCode };
    case 'send_back':
      return { type: 'sendBack', stepId: b.stepId, documentSha256: b.documentSha256, to: b.to, comment: b.comment };
    case 'delegate':
      return { type: 'delegate', stepId: b.stepId, to: b.to, comment: b.comment };
    case 'reassign':
      return { type: 'reassign', stepId: b.stepId, ...(b.from ? { from: b.from } : {}), to: b.to, comment: b.comment };
    case 'withdraw':
      return { type: 'withdraw', comment: b.comment };
  }
}
