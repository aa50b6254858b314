// The bench's embedded database is the engine's own (lib/db/pglite-server.ts, serialised per exchange, on its own
// thread as in the embedded mode).
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../lib/db/embedded.js';

export type SerialPglite = EmbeddedPostgres;
export const startSerialPglite = (): Promise<SerialPglite> => startEmbeddedPostgres();
