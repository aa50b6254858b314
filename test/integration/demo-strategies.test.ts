// The embedded mode's demo strategies go through the real engine to different steps, and the per-institution
// strategy list shows their status, current step, and which signed-off strategy is current.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoCases } from '../../scripts/demo-cases.js';
import { startHarness, type Harness } from '../support/harness.js';
import { waitFor } from '../support/wait.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('demo strategies', () => {
  it('are created at different steps, once', async () => {
    const ids = await createDemoCases({ db: h.t.db, temporal: h.runtime.client, taskQueue: h.taskQueue });
    expect(ids).toHaveLength(4);
    const byInst = async () => {
      const rows = await h.t.db.case.findMany({ where: { id: { in: ids } }, include: { institution: true } });
      return Object.fromEntries(rows.map((r) => [r.institution.code, { status: r.status, stage: r.currentStage }]));
    };
    const states = await waitFor(async () => {
      const s = await byInst();
      return s.RUA?.status === 'approved' && s.UBB?.status === 'sent_back' && s.NUM?.stage === 'MoEYS review' && s.ITC?.stage === 'IRO check' ? s : null;
    }, { what: 'demo states', timeoutMs: 30_000 });
    expect(states).toEqual({
      ITC: { status: 'in_progress', stage: 'IRO check' },
      NUM: { status: 'in_progress', stage: 'MoEYS review' },
      UBB: { status: 'sent_back', stage: 'Changes by the submitter' },
      RUA: { status: 'approved', stage: null },
    });
    // Idempotent: a second run finds the same cases and adds nothing.
    expect(await createDemoCases({ db: h.t.db, temporal: h.runtime.client, taskQueue: h.taskQueue })).toEqual(ids);
    expect(await h.t.db.case.count()).toBe(4);
  });

  it("lists an institution's strategies with the current one", async () => {
    const rua = await waitFor(async () => {
      const res = (await (await h.api('/institutions/RUA/strategies', { as: 'iro@demo.rua.edu.kh' })).json()) as { current: string | null; items: { current: boolean; status: string; sealedId: string | null }[] };
      return res.current ? res : null;
    }, { what: 'current RUA strategy' });
    expect(rua.items).toHaveLength(1);
    expect(rua.items[0]).toMatchObject({ current: true, status: 'approved' });
    expect(rua.items[0]!.sealedId).toBeTruthy();
    const itcSeenByRua = (await (await h.api('/institutions/ITC/strategies', { as: 'iro@demo.rua.edu.kh' })).json()) as { items: unknown[] };
    expect(itcSeenByRua.items).toEqual([]);
    const itc = (await (await h.api('/institutions/ITC/strategies', { as: 'iro@demo.itc.edu.kh' })).json()) as { current: null; items: { status: string; currentStep: string }[] };
    expect(itc.current).toBeNull();
    expect(itc.items).toEqual([expect.objectContaining({ status: 'in_progress', currentStep: 'IRO check', current: false, archived: false })]);
  });
});
