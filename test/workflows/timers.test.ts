// Timers of the approval workflow on a time-skipping server of its own: reminders, escalation and
// continue-as-new over weeks of workflow time in seconds.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localDate } from '../../domain/time/calendar.js';
import { advanceDays, useTimeSkipping, withCase } from './harness.js';
import { input, policies } from './fixtures.js';

useTimeSkipping();

describe('approval workflow timers (time-skipping server)', () => {
  it('reminds every working day (skipping weekends and holidays) and escalates after the deadline — days pass in seconds', async () => {
    await withCase(input(`timed-${randomUUID()}`, policies.timed()), async (h, rec) => {
      const started = Date.now();
      await advanceDays(12);
      await h.settle();
      const s = await h.state();
      const reminders = s.history.filter((e) => e.type === 'reminded');
      expect(reminders.length).toBeGreaterThanOrEqual(5);
      for (const r of reminders) {
        const day = new Date(Date.parse(r.at) + 7 * 3600_000).getUTCDay();
        expect([0, 6], `reminder on ${localDate(Date.parse(r.at))}`).not.toContain(day);
      }
      const escalated = s.history.find((e) => e.type === 'escalated');
      expect(escalated?.detail).toBe('add: director@moeys.kh');
      expect(s.stages[0]!.steps[0]!.assignees.map((a) => a.email)).toEqual(['iro@rupp.kh', 'director@moeys.kh']);
      expect(rec.notifications.filter((n) => n.kind === 'escalation')).toHaveLength(1);
      expect(rec.notifications.filter((n) => n.kind === 'reminder').length).toBe(reminders.length);
      expect(Date.now() - started).toBeLessThan(30_000);
    });
  });
});
