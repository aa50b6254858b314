// A case that waits a whole year, reminding its assignee every working day: its history stays far inside
// Temporal's limits (warning at 10,240 events), continuing as new when needed, with its state intact.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { advanceDays, useTimeSkipping, withCase } from './harness.js';
import { input, policies } from './fixtures.js';

useTimeSkipping();

describe('a year of reminders', () => {
  it('keeps the history small and the state whole', async () => {
    const policy = policies.timed();
    const step = policy.stages[0]!.steps[0]!;
    delete step.escalation;
    const inp = input(`year-${randomUUID()}`, policy);
    await withCase(inp, async (h, rec) => {
      await advanceDays(365);
      await h.settle();
      const desc = await h.handle.describe();
      const s = await h.state();
      const reminders = s.history.filter((e) => e.type === 'reminded').length;
      // Cambodia has about 245 working days a year; one reminder on each.
      expect(reminders).toBeGreaterThan(230);
      expect(reminders).toBeLessThan(262);
      expect(rec.notifications.filter((n) => n.kind === 'reminder')).toHaveLength(reminders);
      expect(desc.historyLength).toBeLessThan(10_240);
      console.log(`\nA year of daily reminders: ${reminders} reminders, current run's history ${desc.historyLength} events (run ${desc.runId.slice(0, 8)}, first run ${h.handle.firstExecutionRunId?.slice(0, 8)}).\n`);
      expect(s.stages[0]!.steps[0]!.status).toBe('open');
    });
  }, 240_000);
});
