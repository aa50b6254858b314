// A time-skipping Temporal test server (Temporal's Java test server, installed by the set-up) per workflow test
// file, with the case search attributes registered. Time skips by itself only while a client awaits a workflow
// *result*; tests that wait on Updates move it with `env.sleep(...)`.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { toolPaths } from '../../lib/tools.js';
import { ensureSearchAttributes } from '../../worker/create-worker.js';

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = toolPaths().testServer;
  let env: TestWorkflowEnvironment | undefined;
  // The SDK gives the server 5 s to start; on a loaded 2-core machine the JVM can miss that: try again.
  for (let attempt = 1; !env; attempt++) {
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping(path ? { server: { executable: { type: 'existing-path', path } } } : {});
    } catch (err) {
      if (attempt >= 3 || !/did not start within/.test(String(err))) throw err;
    }
  }
  await ensureSearchAttributes(env.client, env.namespace ?? 'default');
  return env;
}
