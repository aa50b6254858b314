// The bench's embedded database is the engine's own (lib/db/pglite-server.ts, serialised per exchange, on its own
// thread at the embedded mode's lower priority, PGLITE_NICE and PGLITE_IDLE).
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../lib/db/embedded.js';

export type SerialPglite = EmbeddedPostgres;
export const startSerialPglite = (opts: { nice?: number; idle?: boolean } = {}): Promise<SerialPglite> => startEmbeddedPostgres(opts);
