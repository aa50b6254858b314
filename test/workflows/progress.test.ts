// The progress-report schedule of a signed-off strategy on the time-skipping server, with the real activity on a
// real database: years pass in seconds. The heads-up and reminders go at the schedule's dates (working days,
// 08:00 Phnom Penh), a submitted report stops its point's reminders, a newer signed-off strategy ends the schedule;
// and the approval workflow starts the schedule when a strategy is signed off, not when it is rejected.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import { chainSinks } from '../../worker/create-worker.js';
import { createActivities, type Activities } from '../../activities/index.js';
import { createMailer } from '../../activities/mailer.js';
import type { Sealer } from '../../activities/pdf/index.js';
import type { ProgressReminderInput } from '../../activities/progress.js';
import { isWorkingDay, localDate } from '../../domain/time/calendar.js';
import { CALENDAR_REVISION } from '../../domain/time/holidays.js';
import { nextProgressReminder, reportDue, type Period } from '../../domain/strategy/progress.js';
import { strategyProgressWorkflow } from '../../workflows/progress/workflow.js';
import { progressStateQuery, progressWorkflowId } from '../../workflows/progress/messages.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { demoStrategyFields } from '../support/strategy-fields.js';
import { SHA, closed, env, useTimeSkipping, waitOpen, withCase, workflowBundle } from './harness.js';
import { actor, input, policies } from './fixtures.js';

useTimeSkipping();

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const HOUR = 3_600_000;
const IRO = 'iro@demo.rupp.edu.kh';
const localHour = (ms: number) => new Date(ms + 7 * HOUR).getUTCHours();

/** Working days after `from` up to and including `to` (both at the same time of day). */
function workingDaysBetween(from: number, to: number): number {
  let n = 0;
  for (let d = from + 24 * HOUR; d <= to; d += 24 * HOUR) if (isWorkingDay(d)) n++;
  return n;
}

/** A signed-off strategy of RUPP as the approval workflow leaves it: approved, with its sealed decision. */
async function signedOffStrategy(period: Period): Promise<string> {
  const rupp = await t.db.institution.findUniqueOrThrow({ where: { code: 'RUPP' } });
  const id = `strategy-rupp-${randomUUID().slice(0, 8)}`;
  await t.db.case.create({
    data: { id, type: 'strategy', institutionId: rupp.id, title: `RUPP strategy ${period.from}–${period.to}`, status: 'approved', workflowId: id, fields: demoStrategyFields({ period }) },
  });
  await t.db.sealedDocument.create({
    data: { caseId: id, decisionKey: `${id}/approved/${SHA}`, outcome: 'approved', sha256: randomBytes(32).toString('hex'), approvedSha256: SHA, auditHeadHash: SHA, bytes: new Uint8Array([37]) },
  });
  return id;
}

/** Moves the server's clock to `target`, a week at most per step, then waits until the workflow is idle. */
async function advanceTo(target: number, workflowId: string): Promise<void> {
  for (let now = await env.currentTimeMs(); now < target; now = await env.currentTimeMs()) {
    await env.sleep(Math.min(7 * 24 * HOUR, target - now));
  }
  const handle = env.client.workflow.getHandle(workflowId);
  const idle = async () => {
    const d = await handle.describe();
    return d.status.name !== 'RUNNING' || (!d.raw.pendingWorkflowTask && (d.raw.pendingActivities ?? []).length === 0);
  };
  for (let i = 0; i < 200; i++) {
    if ((await idle()) && (await new Promise((r) => setTimeout(r, 50)), await idle())) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the schedule did not settle');
}

describe('progress-report schedule (time-skipping server, real activity and database)', () => {
  it('heads-up, due-date and working-day reminders; a submitted report stops its point; a newer strategy ends it', async () => {
    // A two-year period whose mid-period heads-up is still ahead of the server's clock (it starts at today). It
    // may reach a year with no published holiday list: the schedule computes with the calendar revision a new case
    // gets (the newest, as the approval workflow passes it), the same as reportDue and nextProgressReminder here.
    const now = await env.currentTimeMs();
    const year = new Date(now + 7 * HOUR).getUTCFullYear();
    const period = [year - 1, year, year + 1].map((from) => ({ from, to: from + 1 })).find((p) => reportDue(p, 'mid').headsUpAt > now + 24 * HOUR)!;
    const mid = reportDue(period, 'mid');
    const end = reportDue(period, 'end');
    const strategyId = await signedOffStrategy(period);

    // The real activity, recording when (on the server's clock) the workflow asked for each email and the answer.
    const real = createActivities({ db: t.db, mailer: createMailer({ db: t.db, from: 'test@chain.localhost' }), publicUrl: 'http://chain.test', sealer: undefined as unknown as Sealer });
    const calls: (ProgressReminderInput & { at: number; status: string })[] = [];
    const activities: Partial<Activities> = {
      async progressReminder(args) {
        const res = await real.progressReminder(args);
        // To the minute: the activity is scheduled a few milliseconds after its timer fires.
        const at = Context.current().info.currentAttemptScheduledTimestampMs;
        calls.push({ ...args, at: at - (at % 60_000), status: res.status });
        return res;
      },
    };
    const taskQueue = `progress-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: workflowBundle(), activities, sinks: chainSinks() });
    const workflowId = progressWorkflowId(strategyId);
    const emails = () => t.db.outboxMessage.findMany({ where: { caseId: strategyId }, orderBy: { createdAt: 'asc' } });

    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(strategyProgressWorkflow, { workflowId, taskQueue, args: [{ caseId: strategyId, institution: 'RUPP', period, calendarRevision: CALENDAR_REVISION }] });
      try {
        const state = await handle.query(progressStateQuery);
        expect(state.points.map((p) => [p.point, p.dueDate, p.n, p.nextAt])).toEqual([
          ['mid', mid.dueDate, 0, mid.headsUpAt],
          ['end', end.dueDate, 0, end.headsUpAt],
        ]);

        // Nothing before the heads-up; the heads-up 30 days before the due date, on a working day at 08:00.
        await advanceTo(mid.headsUpAt - HOUR, workflowId);
        expect(calls).toEqual([]);
        await advanceTo(mid.headsUpAt + HOUR, workflowId);
        expect(calls.map((c) => [c.point, c.n, c.at, c.status])).toEqual([['mid', 0, mid.headsUpAt, 'reminded']]);
        const headsUp = await emails();
        expect(headsUp.map((m) => [m.kind, m.to])).toEqual([['progress_heads_up', IRO]]);
        expect(headsUp[0]!.subject).toContain(`mid-period progress report due ${mid.dueDate}`);
        expect(headsUp[0]!.text).toContain(`"strategyCaseId": "${strategyId}", "point": "mid"`);
        expect(mid.dueAt - mid.headsUpAt).toBeLessThanOrEqual(30 * 24 * HOUR);

        // The due-date reminder (the next working day when the date is a weekend or holiday), then every 10
        // working days: nothing in between.
        await advanceTo(mid.firstReminderAt - HOUR, workflowId);
        expect(calls).toHaveLength(1);
        await advanceTo(mid.firstReminderAt + HOUR, workflowId);
        const second = nextProgressReminder(mid.firstReminderAt);
        await advanceTo(second - HOUR, workflowId);
        expect(calls.map((c) => [c.point, c.n, c.at])).toEqual([
          ['mid', 0, mid.headsUpAt],
          ['mid', 1, mid.firstReminderAt],
        ]);
        await advanceTo(second + HOUR, workflowId);
        expect(calls.map((c) => [c.n, c.at])).toEqual([
          [0, mid.headsUpAt],
          [1, mid.firstReminderAt],
          [2, second],
        ]);
        expect(workingDaysBetween(mid.firstReminderAt, second)).toBe(10);
        expect(second - mid.firstReminderAt).toBeGreaterThanOrEqual(14 * 24 * HOUR); // two weekends at least
        for (const c of calls) {
          expect(isWorkingDay(c.at), `email on ${localDate(c.at)}`).toBe(true);
          expect(localHour(c.at)).toBe(8);
        }
        expect((await emails()).map((m) => m.kind)).toEqual(['progress_heads_up', 'progress_reminder', 'progress_reminder']);

        // The IRO submits the mid-period report: the next due reminder finds it and the point is done.
        const rupp = await t.db.institution.findUniqueOrThrow({ where: { code: 'RUPP' } });
        const reportId = `strategy_report-rupp-${randomUUID().slice(0, 8)}`;
        await t.db.case.create({ data: { id: reportId, type: 'strategy_report', institutionId: rupp.id, title: 'Mid-period report', status: 'in_progress', workflowId: reportId, fields: { strategyCaseId: strategyId, point: 'mid' } } });
        const third = nextProgressReminder(second);
        await advanceTo(third + HOUR, workflowId);
        expect(calls.at(-1)).toMatchObject({ point: 'mid', n: 3, status: 'submitted' });
        expect(await emails()).toHaveLength(3);
        expect((await handle.query(progressStateQuery)).points.map((p) => [p.point, p.status])).toEqual([
          ['mid', 'submitted'],
          ['end', 'open'],
        ]);

        // Nothing more until the end report's heads-up.
        await advanceTo(end.headsUpAt - HOUR, workflowId);
        expect(calls).toHaveLength(4);
        await advanceTo(end.headsUpAt + HOUR, workflowId);
        expect(calls.at(-1)).toMatchObject({ point: 'end', n: 0, at: end.headsUpAt, status: 'reminded' });
        expect(await emails()).toHaveLength(4);

        // A newer strategy is signed off: the schedule of the old one ends quietly at its next due email.
        await signedOffStrategy({ from: period.to + 1, to: period.to + 5 });
        await advanceTo(end.firstReminderAt + HOUR, workflowId);
        expect(calls.at(-1)).toMatchObject({ point: 'end', n: 1, at: end.firstReminderAt, status: 'superseded' });
        expect(await handle.result()).toMatchObject({ caseId: strategyId, ended: 'superseded', emails: 4, runs: 1 });
        expect(await emails()).toHaveLength(4);
        expect((await handle.describe()).historyLength).toBeLessThan(200);
      } finally {
        await handle.terminate('test over').catch(() => undefined);
      }
    });
  }, 180_000);

  it('starts when the approval workflow signs a strategy off, with ids and numbers only; not for a rejected one', async () => {
    const fields = { period: { from: 2026, to: 2030 } };
    const before = await env.currentTimeMs();
    await withCase(input(`prog-ok-${randomUUID()}`, policies.sequential(), fields), async (h) => {
      await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA });
      await waitOpen(h);
      await h.settle();
      await h.send(actor('rector@rupp.kh'), { type: 'approve', stepId: 'endorse', documentSha256: SHA });
      expect(await closed(h)).toBe('COMPLETED');
      expect((await h.state()).status).toBe('approved');
      // The schedule's first timer is far ahead (or, after the test above, already passed): the clock stayed put.
      expect(await env.currentTimeMs()).toBeLessThan(before + 7 * 24 * HOUR);
      const child = env.client.workflow.getHandle(progressWorkflowId(h.handle.workflowId));
      const d = await child.describe();
      expect(d.type).toBe('strategyProgressWorkflow');
      expect(d.status.name).toBe('RUNNING');
      expect(d.parentExecution?.workflowId).toBe(h.handle.workflowId);
      const state = await child.query(progressStateQuery);
      expect(state.points.map((p) => [p.point, p.dueDate, p.status])).toEqual([
        ['mid', '2028-07-01', 'open'],
        ['end', '2031-03-31', 'open'],
      ]);
      const started = (await child.fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!;
      expect(JSON.stringify(started.input)).not.toContain('vision');
      // The schedule computes with the strategy case's calendar revision (years ahead, replays the same).
      const childInput = JSON.parse(Buffer.from(started.input!.payloads![0]!.data!).toString('utf8')) as { calendarRevision?: number };
      expect(childInput.calendarRevision).toBe(CALENDAR_REVISION);
    });
    await withCase(input(`prog-no-${randomUUID()}`, policies.sequential(), fields), async (h) => {
      await h.send(actor('iro@rupp.kh'), { type: 'reject', stepId: 'iro_check', documentSha256: SHA, comment: 'Out of scope.' });
      expect(await h.handle.result()).toMatchObject({ outcome: 'rejected' });
      await expect(env.client.workflow.getHandle(progressWorkflowId(h.handle.workflowId)).describe()).rejects.toThrow(/not found/i);
    });
  }, 120_000);
});
