// Records the Queries an API sends through its Temporal client from now on (to one case's workflow only, when
// given), by name; `spy.mockRestore()` stops recording.
import { vi } from 'vitest';
import type { Client } from '@temporalio/client';

export function spyOnQueries(temporal: Client, caseId?: string) {
  const client = temporal.workflow;
  const getHandle = client.getHandle.bind(client);
  const queried: string[] = [];
  const spy = vi.spyOn(client, 'getHandle').mockImplementation((...args: Parameters<typeof getHandle>) => {
    const handle = getHandle(...args);
    const query = handle.query.bind(handle);
    handle.query = ((...q: Parameters<typeof query>) => {
      if (caseId === undefined || args[0] === caseId) queried.push(typeof q[0] === 'string' ? q[0] : q[0].name);
      return query(...q);
    }) as typeof handle.query;
    return handle;
  });
  return { queried, spy };
}
