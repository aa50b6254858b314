// Timers of the approval workflow on a time-skipping server of its own: continue-as-new
// (its own file: the Java test server's clock is shared by every workflow on it).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SHA, advanceDays, env, openSteps, useTimeSkipping, withCase } from './harness.js';
import { actor, input, policies } from './fixtures.js';

useTimeSkipping();

describe('approval workflow continue-as-new (time-skipping server)', () => {
  it('continues as new with its state when the history grows long', async () => {
    const inp = { ...input(`can-${randomUUID()}`, policies.timed()), maxHistoryEvents: 60 };
    await withCase(inp, async (h) => {
      await advanceDays(20);
      await h.settle();
      const s = await h.state();
      const desc = await h.handle.describe();
      expect(desc.runId).not.toBe(h.handle.firstExecutionRunId);
      // The state came along: the same submission, the reminders so far, the open step and its assignees.
      expect(s.history[0]!.type).toBe('submitted');
      expect(s.history.filter((e) => e.type === 'reminded').length).toBeGreaterThan(8);
      expect(openSteps(s)).toEqual(['review']);
      await h.send(actor('iro@rupp.kh'), { type: 'approve', stepId: 'review', documentSha256: SHA });
      const result = await env.client.workflow.getHandle(inp.caseId).result();
      expect(result.outcome).toBe('approved');
      expect(result.runs).toBeGreaterThan(1);
    });
  });

  it('answers a repeated update id with its first result in a later run too, and applies it once', async () => {
    const inp = { ...input(`can-dedup-${randomUUID()}`, policies.timed()), maxHistoryEvents: 60 };
    await withCase(inp, async (h) => {
      const delegate = { type: 'delegate' as const, stepId: 'review', to: { email: 'deputy@rupp.kh' } };
      const first = await h.send(actor('iro@rupp.kh'), delegate, 'delegate-once');
      await advanceDays(20);
      await h.settle();
      expect((await h.handle.describe()).runId).not.toBe(h.handle.firstExecutionRunId);
      // The client retries after the case continued as new: the same answer, and no second delegation (the IRO,
      // no longer an assignee, would otherwise be refused).
      expect(await h.send(actor('iro@rupp.kh'), delegate, 'delegate-once')).toEqual(first);
      expect((await h.state()).history.filter((e) => e.type === 'delegated')).toHaveLength(1);
      // A new id is a new request, validated as such.
      await expect(h.send(actor('iro@rupp.kh'), delegate, 'delegate-again')).rejects.toThrow();
      await h.send(actor('deputy@rupp.kh'), { type: 'approve', stepId: 'review', documentSha256: SHA });
      expect((await env.client.workflow.getHandle(inp.caseId).result()).outcome).toBe('approved');
    });
  });
});
