// The approval workflow on Temporal's time-skipping server: real workflow code, real timers, real Updates;
// activities are recording fakes (they are not the subject here).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { view as engineView, type Command } from '../../domain/approval/index.js';
import { APPROVAL_ENGINE_VERSION, MAX_STATE_IN_ANSWER } from '../../workflows/approval/messages.js';
import { SHA, openSteps, rejection, useTimeSkipping, waitOpen, withCase } from './harness.js';
import { actor, heldNotification, input, newRecorder, policies } from './fixtures.js';

useTimeSkipping();

describe('approval workflow (time-skipping server)', () => {
  it('runs stages in order and completes approved', async () => {
    await withCase(input(`seq-${randomUUID()}`, policies.sequential()), async (h, rec) => {
      expect(openSteps(await h.state())).toEqual(['iro_check']);
      await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA });
      await waitOpen(h);
      await h.settle();
      expect(openSteps(await h.state())).toEqual(['endorse']);
      await h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'endorse', documentSha256: SHA, comment: 'Endorsed.' });
      expect(await h.handle.result()).toMatchObject({ outcome: 'approved' });
      const kinds = rec.notifications.map((n) => `${n.kind}:${n.recipients.map((r) => r.email).join(',')}`);
      expect(kinds).toEqual(['task:iro@rupp.kh', 'task:rector@rupp.kh', 'outcome:rector@rupp.kh']);
      expect(rec.audits.map((a) => a.type)).toEqual(['submitted', 'step_opened', 'approved', 'step_completed', 'step_opened', 'approved', 'step_completed', 'completed']);
      // The decision is sealed once the closing approval and the outcome are stored: the PDF lists them all.
      expect(rec.sealed).toHaveLength(1);
      expect(rec.sealed[0]!.auditedBefore).toEqual(rec.audits.map((a) => a.type));
    });
  });

  it('opens new cases at the current engine version without patch markers; a case without a version asks patched() and behaves alike', async () => {
    const run = (engineVersion: number | undefined) =>
      withCase({ ...input(`ver-${engineVersion ?? 'none'}-${randomUUID()}`, policies.sequential()), engineVersion }, async (h, rec) => {
        await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA });
        await waitOpen(h);
        await h.settle();
        await h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'endorse', documentSha256: SHA });
        expect(await h.handle.result()).toMatchObject({ outcome: 'approved' });
        const history = await h.handle.fetchHistory();
        return {
          markers: (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch').length,
          audits: rec.audits.map((a) => a.type),
          notifications: rec.notifications.map((n) => n.kind),
          sealedAfter: rec.sealed.map((x) => x.auditedBefore.at(-1)),
        };
      });
    const current = await run(APPROVAL_ENGINE_VERSION);
    const legacy = await run(undefined);
    expect(current.markers).toBe(0);
    expect(legacy.markers).toBeGreaterThan(0);
    expect(legacy.audits).toEqual(current.audits);
    expect(legacy.notifications).toEqual(current.notifications);
    expect(current.sealedAfter).toEqual(['completed']);
    expect(legacy.sealedAfter).toEqual(['completed']);
  });

  it('looks up the people of a step that opens without a decision waiting (the first) in its own workflow task, those of a step opened by a decision through an activity task', async () => {
    const run = (engineVersion: number | undefined) =>
      withCase({ ...input(`local-${engineVersion ?? 'none'}-${randomUUID()}`, policies.sequential()), engineVersion }, async (h, rec) => {
        expect((await h.state()).stages[0]!.steps[0]!.assignees.map((a) => a.email)).toEqual(['iro@rupp.kh']);
        const answer = await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA }, undefined, { withState: true });
        // The decision's answer left before the rector was looked up.
        expect(answer.state?.stages[1]!.steps[0]!.status).toBe('resolving');
        await waitOpen(h);
        await h.settle();
        await h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'endorse', documentSha256: SHA });
        expect(await h.handle.result()).toMatchObject({ outcome: 'approved' });
        const events = (await h.handle.fetchHistory()).events ?? [];
        const markers = events.flatMap((e) => (e.markerRecordedEventAttributes ? [e.markerRecordedEventAttributes] : []));
        const local = markers
          .filter((m) => m.markerName === 'core_local_activity')
          .map((m) => (JSON.parse(Buffer.from(m.details!.data!.payloads![0]!.data!).toString()) as { activity_type: string }).activity_type);
        // What the first workflow task did: its commands follow its completion, up to the next task.
        const firstDone = events.findIndex((e) => e.workflowTaskCompletedEventAttributes);
        const nextTask = events.findIndex((e, i) => i > firstDone && e.workflowTaskScheduledEventAttributes);
        const firstTask = events.slice(firstDone + 1, nextTask).map((e) => e.markerRecordedEventAttributes?.markerName ?? e.activityTaskScheduledEventAttributes?.activityType?.name ?? (e.upsertWorkflowSearchAttributesEventAttributes ? 'upsert' : 'other'));
        const scheduled = events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType!.name!] : []));
        return { firstTask, local, scheduled, patches: markers.filter((m) => m.markerName === 'core_patch').length, calls: rec.calls, audits: rec.audits.map((a) => a.type) };
      });
    const current = await run(APPROVAL_ENGINE_VERSION);
    // The first step's people are looked up in the case's first workflow task (the email that follows usually
    // leaves with the same task; Temporal's core may also complete the task once the lookup is recorded).
    expect(current.firstTask[0]).toBe('core_local_activity');
    expect(current.local).toEqual(['resolveAssignees']);
    expect(current.scheduled).toEqual(['notify', 'record', 'resolveAssignees', 'notify', 'record', 'record', 'sealDecision', 'notify']);
    expect(current.patches).toBe(0);
    expect(current.calls.filter((c) => c === 'resolveAssignees')).toHaveLength(2);
    // A case opened at version 5 asks patched() as it reaches its first such lookup, and behaves alike.
    const older = await run(5);
    // (With its TemporalChangeVersion search attribute.)
    expect(older.firstTask.slice(0, 3)).toEqual(['core_patch', 'upsert', 'core_local_activity']);
    expect(older.local).toEqual(current.local);
    expect(older.scheduled).toEqual(current.scheduled);
    expect(older.patches).toBe(1);
    expect(older.audits).toEqual(current.audits);
  });

  it('records a decision that arrives while its step’s email goes out before the next email, without delaying the next step', async () => {
    const run = (engineVersion: number | undefined) => {
      const email = heldNotification((n) => n.kind === 'task' && n.stepId === 'iro_check');
      const recorder = { ...newRecorder(), holdNotify: email.hold };
      return withCase(
        { ...input(`during-${engineVersion ?? 'none'}-${randomUUID()}`, policies.sequential()), engineVersion },
        async (h, rec) => {
          await email.held;
          await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA });
          email.release();
          await waitOpen(h);
          await h.settle();
          // What the projection and the audit log hold once the rector's step is open and emailed.
          const auditedWhenEndorseOpens = [...rec.audits.map((a) => a.type)];
          await h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'endorse', documentSha256: SHA });
          expect(await h.handle.result()).toMatchObject({ outcome: 'approved' });
          const markers = ((await h.handle.fetchHistory()).events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch').length;
          return { calls: rec.calls, auditedWhenEndorseOpens, markers };
        },
        { recorder },
      );
    };
    const current = await run(APPROVAL_ENGINE_VERSION);
    // The rector's step opens as soon as the rector is known; the decision is recorded before the rector's email.
    // (Since engine version 7 the rector is looked up while the IRO's email is still held, so where that lookup falls
    // among the calls depends on timing; the emails and records keep their order.)
    const withoutLookups = (calls: string[]) => calls.filter((c) => c !== 'resolveAssignees');
    expect(withoutLookups(current.calls)).toEqual(['notify', 'record', 'notify', 'record', 'notify']);
    expect(current.calls.filter((c) => c === 'resolveAssignees')).toHaveLength(2);
    expect(current.auditedWhenEndorseOpens).toEqual(['submitted', 'step_opened', 'approved', 'step_completed', 'step_opened']);
    expect(current.markers).toBe(0);
    // A case opened at an older version asks patched() (and records its marker) and behaves alike from then on;
    // its histories from before replay as they ran (test/fixtures/histories/v6-decision-during-email.json).
    const older = await run(4);
    expect(older.calls).toEqual(['resolveAssignees', 'notify', 'resolveAssignees', 'record', 'notify', 'record', 'notify']);
    expect(older.markers).toBeGreaterThan(0);
  });

  it('opens the next step while the previous step’s email is still going out (engine version 7); earlier cases wait for that email', async () => {
    const run = (engineVersion: number) => {
      const email = heldNotification((n) => n.kind === 'task' && n.stepId === 'iro_check');
      const recorder = { ...newRecorder(), holdNotify: email.hold };
      return withCase(
        { ...input(`beside-${engineVersion}-${randomUUID()}`, policies.sequential()), engineVersion },
        async (h, rec) => {
          await email.held;
          await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA });
          // The IRO's email is still held: does the rector's step open meanwhile?
          let openedWhileHeld = false;
          for (let i = 0; i < 40 && !openedWhileHeld; i++) {
            openedWhileHeld = openSteps(await h.state()).includes('endorse');
            if (!openedWhileHeld) await new Promise((r) => setTimeout(r, 25));
          }
          const callsWhileHeld = [...rec.calls];
          email.release();
          await waitOpen(h);
          await h.settle();
          await h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'endorse', documentSha256: SHA });
          expect(await h.handle.result()).toMatchObject({ outcome: 'approved' });
          return { openedWhileHeld, callsWhileHeld, calls: rec.calls, audits: rec.audits.map((a) => a.type), notifications: rec.notifications.map((n) => `${n.kind}:${n.stepId ?? ''}`) };
        },
        { recorder },
      );
    };
    const current = await run(APPROVAL_ENGINE_VERSION);
    expect(current.openedWhileHeld).toBe(true);
    // (The recorder notes an email once it is sent.)
    expect(current.callsWhileHeld).toEqual(['resolveAssignees', 'resolveAssignees']);
    const earlier = await run(6);
    expect(earlier.openedWhileHeld).toBe(false);
    expect(earlier.callsWhileHeld).toEqual(['resolveAssignees']);
    // Either way the same activities (as each ends), the decision recorded before the rector's email, the same
    // audit trail and emails.
    expect(current.calls).toEqual(['resolveAssignees', 'resolveAssignees', 'notify', 'record', 'notify', 'record', 'notify']);
    expect(earlier.calls).toEqual(['resolveAssignees', 'notify', 'resolveAssignees', 'record', 'notify', 'record', 'notify']);
    expect(earlier.audits).toEqual(current.audits);
    expect(earlier.notifications).toEqual(current.notifications);
  });

  it('runs the steps of a stage in parallel and skips a conditional step whose condition is false', async () => {
    // budget above the threshold: finance review runs beside legal review
    await withCase(input(`par-on-${randomUUID()}`, policies.parallelConditional(), { budget: { amount: 80000 }, partner: { email: 'signatory@uni-saarland.de' } }), async (h) => {
      expect(openSteps(await h.state()).sort()).toEqual(['finance', 'legal']);
      await h.send(actor('admin@rupp.kh'), { type: 'approve', stepId: 'legal', documentSha256: SHA });
      await h.settle();
      expect(openSteps(await h.state())).toEqual(['finance']);
      await h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'finance', documentSha256: SHA });
      await waitOpen(h);
      await h.settle();
      const s = await h.state();
      expect(openSteps(s)).toEqual(['countersign']);
      expect(s.stages[1]!.steps[0]!.assignees.map((a) => a.email)).toEqual(['signatory@uni-saarland.de']);
    });
    // budget below: finance is skipped, legal alone completes the stage
    await withCase(input(`par-off-${randomUUID()}`, policies.parallelConditional(), { budget: { amount: 20000 }, partner: { email: 'signatory@ua.es' } }), async (h) => {
      const s = await h.state();
      expect(openSteps(s)).toEqual(['legal']);
      expect(s.stages[0]!.steps.find((x) => x.id === 'finance')!.status).toBe('skipped');
      await h.send(actor('admin@rupp.kh'), { type: 'approve', stepId: 'legal', documentSha256: SHA });
      await h.settle();
      expect(openSteps(await h.state())).toEqual(['countersign']);
    });
  });

  it('closes a 2-of-3 quorum at the second approval; the third reviewer is refused', async () => {
    await withCase(input(`quorum-${randomUUID()}`, policies.quorum()), async (h, rec) => {
      await h.send(actor('r1@moeys.kh'), { type: 'approve', stepId: 'review', documentSha256: SHA });
      let s = await h.state();
      expect(s.stages[0]!.steps[0]).toMatchObject({ status: 'open', approvals: 1, needed: 2 });
      await h.send(actor('r2@moeys.kh'), { type: 'approve', stepId: 'review', documentSha256: SHA });
      await waitOpen(h);
      await h.settle();
      s = await h.state();
      expect(s.stages[0]!.steps[0]).toMatchObject({ status: 'approved', approvals: 2 });
      expect(openSteps(s)).toEqual(['signoff']);
      expect(rec.notifications[0]).toMatchObject({ kind: 'task', link: { actions: ['approve', 'reject', 'delegate'], expiryDays: 14 } });
      expect(rec.notifications[0]!.recipients.map((r) => r.email)).toEqual(['r1@moeys.kh', 'r2@moeys.kh', 'r3@moeys.kh']);
      // The first approval revokes only that reviewer's link; the closing one revokes the step's links.
      expect(rec.revoked).toEqual([{ stepId: 'review', emails: ['r1@moeys.kh'] }, { stepId: 'review' }]);
      const late = await rejection(h.send(actor('r3@moeys.kh'), { type: 'approve', stepId: 'review', documentSha256: SHA }));
      expect(late.type).toBe('conflict');
      expect(late.message).toMatch(/not open \(approved\)/);
    });
  });

  it('refuses an unauthorised actor, a wrong version and a missing comment, recording nothing', async () => {
    await withCase(input(`auth-${randomUUID()}`, policies.sequential()), async (h) => {
      const before = (await h.state()).history.length;
      expect((await rejection(h.send(actor('mallory@itc.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA }))).type).toBe('forbidden');
      expect((await rejection(h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'endorse', documentSha256: SHA }))).type).toBe('conflict');
      expect((await rejection(h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: 'b'.repeat(64) }))).type).toBe('stale_version');
      expect((await rejection(h.send(actor('iro@rupp.kh'), { type: 'reject', stepId: 'iro_check', documentSha256: SHA, comment: ' ' }))).type).toBe('invalid');
      expect((await rejection(h.send(actor('iro@rupp.kh'), { type: 'withdraw' }))).type).toBe('forbidden');
      expect((await h.state()).history.length).toBe(before);
    });
  });

  it('versions its state for every viewer alike, moves the version with each change and announces each through its sink', async () => {
    const caseId = `ver-${randomUUID()}`;
    await withCase(input(caseId, policies.sequential(), { title: 'Internationalisation 2027–2031', budgetUsd: 120_000 }), async (h, rec) => {
      const opened = await h.state();
      // Started (1.0, announced too), then the IRO step opened: one change, announced with the version a read shows.
      expect(opened.version).toBe('1.1');
      expect((await h.state(actor('iro@rupp.kh'))).version).toBe(opened.version);
      expect(rec.changes).toEqual([
        { caseId, version: '1.0' },
        { caseId, version: '1.1' },
      ]);
      // Refused commands change nothing and announce nothing.
      expect((await rejection(h.send(actor('mallory@itc.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA }))).type).toBe('forbidden');
      expect((await h.state()).version).toBe('1.1');
      const answer = await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA }, undefined, { withState: true });
      expect(answer.state!.version).toBe('1.2');
      await waitOpen(h);
      await h.settle();
      const next = await h.state(actor('rector@rupp.kh'));
      expect(next.version).toBe('1.3');
      expect(next.allowed.some((a) => a.stepId === 'endorse' && a.actions.includes('approve'))).toBe(true);
      expect(rec.changes.map((c) => c.version)).toEqual(['1.0', '1.1', '1.2', '1.3']);
      expect(new Set(rec.changes.map((c) => c.caseId))).toEqual(new Set([caseId]));
      // Each announcement carries its state, without the case fields: what the API shows a woken read is the view
      // the Query gives at that version.
      expect(rec.announced.map((a) => a.version)).toEqual(['1.0', '1.1', '1.2', '1.3']);
      const last = rec.announced.at(-1)!;
      expect(last.state.fields).toEqual({});
      expect({ ...engineView(last.state, actor('rector@rupp.kh')), version: last.version }).toEqual(next);
    });
  });

  it('returns the first result for a repeated update id and records the decision once', async () => {
    await withCase(input(`idem-${randomUUID()}`, policies.quorum()), async (h) => {
      const cmd: Command = { type: 'approve', stepId: 'review', documentSha256: SHA, comment: 'ok' };
      const first = await h.send(actor('r1@moeys.kh'), cmd, 'decision-1');
      const second = await h.send(actor('r1@moeys.kh'), cmd, 'decision-1');
      expect(second).toEqual(first);
      const s = await h.state();
      expect(s.history.filter((e) => e.type === 'approved')).toHaveLength(1);
      expect(s.stages[0]!.steps[0]!.approvals).toBe(1);
    });
  });

  it("answers with the actor's view when asked, as the Query shows it; a repeat gets the first answer; a view too large for history is left to the Query", async () => {
    await withCase(input(`answer-${randomUUID()}`, policies.quorum()), async (h) => {
      const r1 = actor('r1@moeys.kh');
      const cmd: Command = { type: 'approve', stepId: 'review', documentSha256: SHA, comment: 'Sound plan.' };
      const answer = await h.send(r1, cmd, 'answer-1', { withState: true });
      expect(answer).toMatchObject({ ok: true, command: 'approve', stepStatus: 'open' });
      expect(answer.state!.stages[0]!.steps[0]).toMatchObject({ status: 'open', approvals: 1, needed: 2 });
      expect(answer.state!.allowed.some((a) => a.actions.includes('approve'))).toBe(false);
      expect(answer.state).toEqual(await h.state(r1));
      // Not asked: the result alone, as before.
      const plain = await h.send(actor('r2@moeys.kh'), { type: 'delegate', stepId: 'review', to: { email: 'r4@moeys.kh' } });
      expect(plain).not.toHaveProperty('state');
      // A repeat: the first answer, state and all, from Temporal's record of the update.
      expect(await h.send(r1, cmd, 'answer-1', { withState: true })).toEqual(answer);
      // A view whose JSON is beyond MAX_STATE_IN_ANSWER bytes stays out of history: the answer has the result alone.
      // In Khmer (three bytes a character) the comment is over the cap in bytes though a third of it in characters.
      const khmer = 'ក'.repeat(Math.ceil(MAX_STATE_IN_ANSWER / 3));
      expect(JSON.stringify({ comment: khmer }).length).toBeLessThan(MAX_STATE_IN_ANSWER / 2);
      const long = await h.send(actor('r3@moeys.kh'), { ...cmd, comment: khmer }, undefined, { withState: true });
      expect(long).toMatchObject({ ok: true, command: 'approve', stepStatus: 'approved' });
      expect(long).not.toHaveProperty('state');
      expect((await h.state()).stages[0]!.steps[0]).toMatchObject({ status: 'approved', approvals: 2 });
    });
  });

  it('sends back to the submitter; the resubmitted version voids earlier approvals and restarts the review', async () => {
    await withCase(input(`sendback-${randomUUID()}`, policies.sequential()), async (h, rec) => {
      await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA });
      await waitOpen(h);
      await h.send(actor('rector@rupp.kh'), { type: 'sendBack', stepId: 'endorse', documentSha256: SHA, to: 'submitter', comment: 'Add KPIs for incoming mobility.' });
      await h.settle();
      let s = await h.state();
      expect(s.status).toBe('sent_back');
      expect(rec.notifications.at(-1)).toMatchObject({ kind: 'sent_back', detail: 'Add KPIs for incoming mobility.' });
      const v2 = { sha256: 'c'.repeat(64), version: 2 };
      expect((await rejection(h.send(actor('iro@rupp.kh'), { type: 'resubmit', document: v2 }))).type).toBe('forbidden');
      await h.send(actor('rector@rupp.kh'), { type: 'resubmit', document: v2, fields: { kpis: 3 }, comment: 'KPIs added.' });
      await waitOpen(h);
      await h.settle();
      s = await h.state();
      expect(s.status).toBe('in_progress');
      expect(s.document).toEqual(v2);
      expect(openSteps(s)).toEqual(['iro_check']);
      const approvals = s.history.filter((e) => e.type === 'approved');
      expect(approvals).toHaveLength(1);
      expect(approvals[0]!.void).toBe(true);
      // A decision on the old version is refused; on the new one it counts.
      expect((await rejection(h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA }))).type).toBe('stale_version');
      await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: v2.sha256 });
      await waitOpen(h);
      expect(openSteps(await h.state())).toEqual(['endorse']);
      // Signed off: the seal is told which recorded approvals are void (the first IRO approval), by history index.
      await h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'endorse', documentSha256: v2.sha256 });
      await h.handle.result();
      const history = (await h.state()).history;
      expect(rec.sealed).toHaveLength(1);
      expect(rec.sealed[0]!.voidEvents).toEqual([history.findIndex((e) => e.type === 'approved' && e.void)]);
      expect(rec.sealed[0]!.voidEvents![0]).toBeGreaterThan(0);
    });
  });

  it('lets an assignee delegate; the delegate may decide and the delegator may not', async () => {
    await withCase(input(`delegate-${randomUUID()}`, policies.quorum()), async (h, rec) => {
      await h.send(actor('r1@moeys.kh'), { type: 'delegate', stepId: 'review', to: { email: 'deputy@moeys.kh', name: 'Deputy' }, comment: 'On mission.' });
      await h.settle();
      expect((await rejection(h.send(actor('r1@moeys.kh'), { type: 'approve', stepId: 'review', documentSha256: SHA }))).type).toBe('forbidden');
      const s = await h.state();
      const deputy = s.stages[0]!.steps[0]!.assignees.find((a) => a.email === 'deputy@moeys.kh')!;
      expect(deputy).toMatchObject({ active: true, source: 'delegation', delegatedFrom: ['r1@moeys.kh'] });
      expect(rec.notifications.at(-1)).toMatchObject({ kind: 'delegated', recipients: [{ email: 'deputy@moeys.kh', name: 'Deputy' }] });
      expect(rec.revoked).toContainEqual({ stepId: 'review', emails: ['r1@moeys.kh'] });
      // The deputy sees their allowed actions, then decides.
      const asDeputy = await h.state(actor('deputy@moeys.kh'));
      expect(asDeputy.allowed).toEqual([{ stepId: 'review', actions: ['approve', 'reject', 'delegate'] }]);
      await h.send(actor('deputy@moeys.kh'), { type: 'approve', stepId: 'review', documentSha256: SHA });
      expect((await h.state()).stages[0]!.steps[0]!.approvals).toBe(1);
    });
  });
});
