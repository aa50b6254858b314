// Replay: histories recorded from earlier versions of the approval workflow (test/fixtures/histories) must
// replay against today's code, so that a change that would break cases already running fails here first.
// When you change the workflow: keep the old fixtures passing (guard changed behaviour with patched()), and
// record the new shape as well: RECORD_HISTORIES=1 npx vitest run test/workflows/replay.test.ts
// Unprefixed files are what today's code writes (cases opened at engine version 7: no patch markers; a step's people
// are looked up as soon as it opens, beside effects still running — in decision-during-email the rector's lookup is
// scheduled while the IRO's email is out — and, for a step that opens while no decision waits for an answer (the
// first step, an escalation), in a local activity, a marker in the workflow task); v1-, v2- and v3- are earlier
// generations (before the patches, and with them asked through patched()), v4- cases opened at engine version 3 (sealed before the closing decision was
// stored), v5-sequential-approved a case at engine version 4 decided before decisions asked for the state in their
// answer, v6- cases at engine version 4 (v6-decision-during-email: the decision's effects ran before the first
// projection), v7- cases at engine version 5 whose answers carried no state version, v8- cases at engine version 5
// (every step's people looked up by an activity task), v9- cases at engine version 6 (one queue: a step opened by a
// decision waited for the effects still running); patched-decision-during-email is a version-4 case run by
// today's code (its patch markers mid-history). All must keep replaying.
import { randomUUID } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { repoRoot } from '../../lib/paths.js';
import { chainSinks, workflowsPath } from '../../worker/create-worker.js';
import { SHA, advanceDays, closed, env, useTimeSkipping, waitOpen, withCase } from './harness.js';
import { actor, heldNotification, input, newRecorder, policies } from './fixtures.js';

useTimeSkipping();

const dir = path.join(repoRoot, 'test', 'fixtures', 'histories');
const record = process.env.RECORD_HISTORIES === '1';

/** The first decision arrives while its step's email is still going out (see the scenario below). */
function decisionDuringEmail(engineVersion?: number): Promise<string> {
  const email = heldNotification((n) => n.kind === 'task' && n.stepId === 'iro_check');
  const recorder = { ...newRecorder(), holdNotify: email.hold };
  return withCase(
    { ...input(`rec-during-${engineVersion ?? 'current'}-${randomUUID()}`, policies.sequential()), ...(engineVersion === undefined ? {} : { engineVersion }) },
    async (h) => {
      await email.held;
      await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA }, undefined, { withState: true });
      email.release();
      await waitOpen(h);
      await h.settle();
      await h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'endorse', documentSha256: SHA }, undefined, { withState: true });
      await h.handle.result();
      return h.handle.workflowId;
    },
    { recorder },
  );
}

/** Scenarios whose histories are recorded: together they pass through every branch of the workflow loop. */
const scenarios: Record<string, () => Promise<string>> = {
  // Decided as the API does: each answer carries the decider's view of the case (withState).
  'sequential-approved': () =>
    withCase(input(`rec-seq-${randomUUID()}`, policies.sequential()), async (h) => {
      await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA }, undefined, { withState: true });
      await waitOpen(h);
      await h.settle();
      await h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'endorse', documentSha256: SHA }, undefined, { withState: true });
      await h.handle.result();
      return h.handle.workflowId;
    }),
  'send-back-resubmit-rejected': () =>
    withCase(input(`rec-back-${randomUUID()}`, policies.sequential()), async (h) => {
      await h.send(actor('iro@rupp.kh'), { type: 'sendBack', stepId: 'iro_check', documentSha256: SHA, to: 'submitter', comment: 'Add KPIs.' });
      await h.settle();
      await h.send(actor('rector@rupp.kh'), { type: 'resubmit', document: { sha256: 'c'.repeat(64), version: 2 } });
      await waitOpen(h);
      await h.settle();
      await h.send(actor('iro@rupp.kh'), { type: 'reject', stepId: 'iro_check', documentSha256: 'c'.repeat(64), comment: 'Out of scope.' });
      await h.handle.result();
      return h.handle.workflowId;
    }),
  'reminders-escalation-delegation': () =>
    withCase(input(`rec-time-${randomUUID()}`, policies.timed()), async (h) => {
      await advanceDays(9);
      await h.settle();
      await h.send(actor('iro@rupp.kh'), { type: 'delegate', stepId: 'review', to: { email: 'deputy@rupp.kh' } });
      await h.settle();
      await h.send(actor('deputy@rupp.kh'), { type: 'approve', stepId: 'review', documentSha256: SHA });
      await h.handle.result();
      return h.handle.workflowId;
    }),
  // The first decision arrives while its step's email is still going out (people decide from the case page before
  // the email lands): the workflow is in the middle of that step's effects when the Update comes.
  'decision-during-email': () => decisionDuringEmail(),
  // The same for a case opened at engine version 4 and still running on today's code: it asks patched() and
  // records the marker of `record-before-next-command` in the middle of its history.
  'patched-decision-during-email': () => decisionDuringEmail(4),
  // A signed-off strategy with a period: the approval workflow starts its progress schedule (child workflow).
  // Last, and awaited by polling: the child's timers must not move the shared test server's clock (see closed()).
  'strategy-approved-progress': () =>
    withCase(input(`rec-progress-${randomUUID()}`, policies.sequential(), { period: { from: 2026, to: 2030 } }), async (h) => {
      await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA });
      await waitOpen(h);
      await h.settle();
      await h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'endorse', documentSha256: SHA });
      await closed(h);
      return h.handle.workflowId;
    }),
};

describe('replay of recorded histories', () => {
  it.runIf(record)('records the scenario histories (RECORD_HISTORIES=1)', async () => {
    // RECORD_SCENARIOS=a,b records only those.
    const only = process.env.RECORD_SCENARIOS?.split(',');
    for (const [name, run] of Object.entries(scenarios)) {
      if (only && !only.includes(name)) continue;
      const workflowId = await run();
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      await writeFile(path.join(dir, `${name}.json`), historyToJSON(history));
    }
  }, 180_000);

  it('replays every recorded history against the current workflow code', async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(3);
    const histories = await Promise.all(files.map(async (f) => ({ workflowId: f, history: historyFromJSON(JSON.parse(await readFile(path.join(dir, f), 'utf8'))) })));
    const failures: string[] = [];
    for await (const r of Worker.runReplayHistories({ workflowsPath, replayName: 'chain-replay', sinks: chainSinks() }, histories)) {
      if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
