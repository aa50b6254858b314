// A second HTTP app on the harness's database and Temporal client, configured as outside the embedded mode
// (Secure cookies, no outbox), to check what changes between the two modes.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app.js';
import { createLogger } from '../../lib/logger.js';
import { webLayer } from '../../web/layer.js';
import type { Harness } from '../support/harness.js';

export async function startProductionLikeApp(h: Harness): Promise<{ url: string; close(): Promise<void> }> {
  let url = '';
  const app = createApp({
    db: h.t.db,
    temporal: h.runtime.client,
    taskQueue: h.taskQueue,
    logger: createLogger('silent'),
    get publicUrl() {
      return url;
    },
    embedded: false,
    ...webLayer({ mailer: h.runtime.mailer, cookieSecure: true }),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
