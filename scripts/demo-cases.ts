// Demo strategies at different steps, so that a newcomer's first `npm start` shows a living system: ITC's
// strategy waiting for its IRO check, NUM's in the MoEYS review, UBB's sent back for changes, and RUA's signed off.
// They go through the real engine (use cases + workflow Updates), exactly as people's requests would.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db/client.js';
import { loadIdentity } from '../lib/identity.js';
import { createCase } from '../api/cases/create-case.js';
import { runCommand } from '../api/cases/run-command.js';
import { stateQuery, type EngineCommand } from '../workflows/approval/messages.js';

const fields = (from: number, outgoing: number) => ({
  period: { from, to: from + 4 },
  vision: 'An internationally connected university serving Cambodia, with mobility and joint research across ASEAN and Europe.',
  goals: [
    { title: 'Grow student mobility', kpis: [{ kind: 'outgoing_mobility', name: 'Outgoing students per year', unit: 'students', targets: { [String(from + 4)]: outgoing } }] },
    { title: 'Joint research', kpis: [{ kind: 'joint_research_outputs', name: 'Co-authored publications', targets: { [String(from + 4)]: 20 } }] },
  ],
  budget: { amount: 180000, currency: 'USD' },
  responsibleUnits: ['International Relations Office'],
});

const scores = { alignment: 4, goals: 4, feasibility: 4, partnerships: 4, governance: 4 };

interface Demo {
  institution: string;
  submitter: string;
  steps: { as: string; command: (sha: string) => EngineCommand }[];
}

const demos: Demo[] = [
  { institution: 'ITC', submitter: 'director@demo.itc.edu.kh', steps: [] },
  {
    institution: 'NUM',
    submitter: 'rector@demo.num.edu.kh',
    steps: [
      { as: 'iro@demo.num.edu.kh', command: (sha) => ({ type: 'approve', stepId: 'iro_check', documentSha256: sha }) },
      { as: 'rector@demo.num.edu.kh', command: (sha) => ({ type: 'approve', stepId: 'leadership_endorsement', documentSha256: sha, comment: 'Endorsed.' }) },
      { as: 'reviewer1@demo.moeys.gov.kh', command: (sha) => ({ type: 'approve', stepId: 'moeys_review', documentSha256: sha, scores, comment: 'Clear goals; budget realistic.' }) },
    ],
  },
  {
    institution: 'UBB',
    submitter: 'rector@demo.ubb.edu.kh',
    steps: [{ as: 'iro@demo.ubb.edu.kh', command: (sha) => ({ type: 'sendBack', stepId: 'iro_check', documentSha256: sha, to: 'submitter', comment: 'Please add KPIs for incoming mobility and staff exchange.' }) }],
  },
  {
    institution: 'RUA',
    submitter: 'rector@demo.rua.edu.kh',
    steps: [
      { as: 'iro@demo.rua.edu.kh', command: (sha) => ({ type: 'approve', stepId: 'iro_check', documentSha256: sha }) },
      { as: 'rector@demo.rua.edu.kh', command: (sha) => ({ type: 'approve', stepId: 'leadership_endorsement', documentSha256: sha }) },
      { as: 'reviewer1@demo.moeys.gov.kh', command: (sha) => ({ type: 'approve', stepId: 'moeys_review', documentSha256: sha, scores, comment: 'Strong partnerships.' }) },
      { as: 'reviewer2@demo.moeys.gov.kh', command: (sha) => ({ type: 'approve', stepId: 'moeys_review', documentSha256: sha, scores, comment: 'Well aligned with the reforms.' }) },
      { as: 'reviewer3@demo.moeys.gov.kh', command: (sha) => ({ type: 'approve', stepId: 'moeys_signoff', documentSha256: sha, comment: 'Signed off.' }) },
    ],
  },
];

async function waitUntilOpen(temporal: Client, caseId: string, stepId: string): Promise<void> {
  const handle = temporal.workflow.getHandle(caseId);
  for (let i = 0; i < 200; i++) {
    const view = await handle.query(stateQuery, undefined).catch(() => undefined);
    if (view?.stages.some((s) => s.steps.some((st) => st.id === stepId && st.status === 'open'))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`demo case ${caseId}: step ${stepId} did not open`);
}

export async function createDemoCases(opts: { db: Db; temporal: Client; taskQueue: string }): Promise<string[]> {
  const ids: string[] = [];
  for (const demo of demos) {
    const person = await opts.db.person.findUniqueOrThrow({ where: { email: demo.submitter } });
    const identity = (await loadIdentity(opts.db, person.id, 'web'))!;
    const inst = await opts.db.institution.findUniqueOrThrow({ where: { code: demo.institution } });
    const { caseId, created } = await createCase({
      db: opts.db,
      temporal: opts.temporal,
      taskQueue: opts.taskQueue,
      identity,
      input: { type: 'strategy', institution: demo.institution, title: `${inst.name}: internationalisation strategy 2026–2030`, fields: fields(2026, 60) },
      idempotencyKey: `demo-strategy-${demo.institution}`,
    });
    ids.push(caseId);
    if (!created) continue; // made on an earlier start: leave it where it is
    const sha = (await opts.db.documentVersion.findFirstOrThrow({ where: { caseId }, orderBy: { version: 'desc' } })).sha256;
    for (const [i, step] of demo.steps.entries()) {
      const command = step.command(sha);
      if ('stepId' in command) await waitUntilOpen(opts.temporal, caseId, command.stepId);
      const actorPerson = await opts.db.person.findUnique({ where: { email: step.as } });
      if (!actorPerson) throw new Error(`demo data: no person ${step.as}`);
      await runCommand({
        temporal: opts.temporal,
        workflowId: caseId,
        identity: (await loadIdentity(opts.db, actorPerson.id, 'web'))!,
        command,
        requestId: `demo-${caseId}-${i}`,
      });
    }
  }
  return ids;
}
