// The progress-report schedule of a signed-off strategy: a heads-up to the IRO 30 days before each report is due
// (mid-period and end), a reminder on the due date, then one every 10 working days until the report for that
// point has been submitted. Started by the approval workflow as an abandoned child (it outlives its parent by
// years). Each email is decided by an activity that reads the database, so a report submitted or a newer strategy
// signed off in the meantime is seen at the next due email; nothing here needs a signal. Timers only through
// Temporal: `Date.now()` is the workflow clock.
import { continueAsNew, log, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { nextProgressReminder, progressSchedule } from '../../domain/strategy/progress.js';
import { calendarAt, nextWorkingTime, type Calendar } from '../../domain/time/calendar.js';
import { progressStateQuery, type PointState, type ProgressInput, type ProgressOutcome } from './messages.js';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // A database or mail outage must not lose a reminder: keep trying, at most every 10 minutes.
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

/** About 10 events per email: continue-as-new long before that matters (the server may suggest it earlier). */
const MAX_HISTORY_EVENTS = 2_000;

function initialPoints(input: ProgressInput, now: number, cal: Calendar): PointState[] {
  return progressSchedule(input.period, cal).map((due) => {
    // Signed off late (the heads-up time or even the due date already passed): the first email goes now (on a
    // working day); when that is already the due date's reminder, there is no separate heads-up.
    const at = now < due.headsUpAt ? due.headsUpAt : nextWorkingTime(now, cal);
    return { point: due.point, dueDate: due.dueDate, nextAt: at, n: at < due.firstReminderAt ? 0 : 1, status: 'open' };
  });
}

export async function strategyProgressWorkflow(input: ProgressInput): Promise<ProgressOutcome> {
  const cal = calendarAt(input.calendarRevision);
  const points = input.carried?.points ?? initialPoints(input, Date.now(), cal);
  let emails = input.carried?.reminders ?? 0;
  const runs = (input.carried?.runs ?? 0) + 1;
  setHandler(progressStateQuery, () => ({ points, emails }));

  for (;;) {
    const open = points.filter((p) => p.status === 'open');
    if (open.length === 0) return { caseId: input.caseId, ended: 'submitted', emails, runs };

    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.maxHistoryEvents ?? MAX_HISTORY_EVENTS)) {
      log.info('progress schedule continuing as new', { caseId: input.caseId, historyLength: info.historyLength });
      return continueAsNew<typeof strategyProgressWorkflow>({ ...input, carried: { points, reminders: emails, runs } });
    }

    const next = open.reduce((a, b) => (b.nextAt < a.nextAt ? b : a));
    const wait = next.nextAt - Date.now();
    if (wait > 0) await sleep(wait);

    const { status } = await acts.progressReminder({
      strategyCaseId: input.caseId,
      institution: input.institution,
      point: next.point,
      dueDate: next.dueDate,
      n: next.n,
    });
    if (status === 'superseded') return { caseId: input.caseId, ended: 'superseded', emails, runs };
    if (status === 'submitted') {
      next.status = 'submitted';
      continue;
    }
    emails++;
    if (next.n === 0) {
      const due = progressSchedule(input.period, cal).find((d) => d.point === next.point)!;
      next.nextAt = Math.max(due.firstReminderAt, next.nextAt);
    } else {
      next.nextAt = nextProgressReminder(next.nextAt, undefined, cal);
    }
    next.n++;
  }
}
