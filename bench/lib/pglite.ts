// The bench's embedded database is the engine's own (lib/db/pglite-server.ts, serialised per exchange).
import { freePort } from '../../lib/db/embedded.js';
import { startSerialPglite as start, type SerialPglite } from '../../lib/db/pglite-server.js';

export type { SerialPglite };
export const startSerialPglite = async (): Promise<SerialPglite> => start({ port: await freePort() });
