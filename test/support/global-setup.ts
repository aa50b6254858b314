// One Temporal dev server (the real `temporal` CLI) for the whole test run; its address is provided to the
// test files. Time-skipping servers are started per workflow test file (test/support/temporal.ts).
import type { TestProject } from 'vitest/node';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { toolPaths } from '../../lib/tools.js';
import { allSearchAttributeKeys } from '../../workflows/approval/search-attributes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

let env: TestWorkflowEnvironment | undefined;

export async function setup(project: TestProject) {
  const cli = toolPaths().temporalCli;
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      ...(cli ? { executable: { type: 'existing-path' as const, path: cli } } : {}),
      searchAttributes: allSearchAttributeKeys,
      extraArgs: ['--log-level', 'error'],
    },
  });
  project.provide('temporalAddress', env.address);
}

export async function teardown() {
  await env?.teardown();
}
