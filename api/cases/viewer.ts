import type { Identity } from '../../lib/identity.js';
import type { EngineActor } from '../../workflows/approval/messages.js';

/** The engine's view of the caller: who they are, how they came, which roles they hold. */
export const toViewer = (id: Identity): EngineActor => ({
  personId: id.personId,
  email: id.email,
  name: id.name,
  via: id.via,
  roles: id.roles,
});
