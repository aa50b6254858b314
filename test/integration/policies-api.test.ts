// Routing policies through the API: validation with paths, versioning, who may save, and that a running case
// keeps the snapshot it started with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultStrategyPolicy } from '../../domain/routing/defaults.js';
import { startHarness, type Harness } from '../support/harness.js';
import { demoStrategyFields } from '../support/strategy-fields.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const ADMIN = 'admin@demo.moeys.gov.kh';
const RUPP_ADMIN = 'iro@demo.rupp.edu.kh'; // IRO head, also admin of RUPP in the demo data

describe('policies API', () => {
  it('lists the seeded defaults and reads one with its versions', async () => {
    const list = (await (await h.api('/policies?processType=strategy', { as: RUPP_ADMIN })).json()) as { items: { key: string; version: number }[] };
    expect(list.items).toEqual([expect.objectContaining({ key: 'strategy-default', version: 1 })]);
    const one = (await (await h.api('/policies/strategy-default', { as: RUPP_ADMIN })).json()) as { versions: number[]; definition: { stages: unknown[] } };
    expect(one.versions).toEqual([1]);
    expect(one.definition.stages).toHaveLength(4);
    expect((await h.api('/policies/nope', { as: RUPP_ADMIN })).status).toBe(404);
  });

  it('validates without saving and names the path of each problem', async () => {
    const stored = await h.t.db.policy.count();
    const bad = structuredClone(defaultStrategyPolicy) as unknown as { stages: { steps: { mode: unknown; sendBack?: unknown }[] }[] };
    bad.stages[0]!.steps[0]!.mode = { type: 'quorum', n: 0 };
    bad.stages[0]!.steps[0]!.sendBack = { to: ['moeys_signoff'] };
    const res = await h.api('/policies/validate', { as: ADMIN, json: bad });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { issues: { path: string }[] };
    expect(body.issues.map((i) => i.path).sort()).toEqual(['stages[0].steps[0].mode.n', 'stages[0].steps[0].sendBack.to[0]']);
    const ok = await h.api('/policies/validate', { as: ADMIN, json: defaultStrategyPolicy });
    expect(ok.status).toBe(200);
    expect(await h.t.db.policy.count()).toBe(stored);
  });

  it("saves an institution's own policy as a new version; only its admins may", async () => {
    // RUPP's own part of the path (here: without the rector's endorsement), then the ministry's, unchanged.
    const [iroCheck, , ...moeysStages] = structuredClone(defaultStrategyPolicy.stages);
    const own = { ...structuredClone(defaultStrategyPolicy), key: 'strategy-rupp', institution: 'RUPP', name: 'RUPP strategy review', stages: [iroCheck!, ...moeysStages] };
    expect((await h.api('/policies', { as: 'iro@demo.itc.edu.kh', json: own })).status).toBe(403);
    expect((await h.api('/policies', { as: 'rector@demo.rupp.edu.kh', json: own })).status).toBe(403);
    // An institution cannot route around MoEYS: dropping its stages, or changing who decides in them, is refused.
    const stored = await h.t.db.policy.count();
    for (const stages of [[iroCheck!], [iroCheck!, moeysStages[0]!], [iroCheck!, moeysStages[0]!, { ...moeysStages[1]!, steps: [{ ...moeysStages[1]!.steps[0]!, assignees: [{ kind: 'person', email: RUPP_ADMIN }] }] }]]) {
      const refused = await h.api('/policies', { as: RUPP_ADMIN, json: { ...own, stages } });
      expect(refused.status, JSON.stringify(stages.map((st) => st.id))).toBe(403);
      expect(((await refused.json()) as { issues: { path: string }[] }).issues[0]!.path).toBe('stages');
      // Validating says the same as saving would.
      expect((await h.api('/policies/validate', { as: RUPP_ADMIN, json: { ...own, stages } })).status).toBe(403);
    }
    expect(await h.t.db.policy.count()).toBe(stored);
    expect((await h.api('/policies/validate', { as: RUPP_ADMIN, json: own })).status).toBe(200);
    const v1 = await h.api('/policies', { as: RUPP_ADMIN, json: own });
    expect(v1.status).toBe(201);
    expect(await v1.json()).toMatchObject({ key: 'strategy-rupp', version: 1 });

    // A case started now runs on version 1 ...
    const createdRes = await h.api('/cases', { as: RUPP_ADMIN, json: { type: 'strategy', institution: 'RUPP', title: 'On the own policy', fields: demoStrategyFields() } });
    const created = (await createdRes.json()) as { id: string; policy: { key: string; version: number } };
    expect(createdRes.status, JSON.stringify(created)).toBe(201);
    expect(created.policy).toEqual({ key: 'strategy-rupp', version: 1 });
    // ... and keeps it when version 2 is saved.
    const v2 = await h.api('/policies', { as: RUPP_ADMIN, json: { ...own, name: 'RUPP strategy review v2', stages: structuredClone(defaultStrategyPolicy.stages) } });
    expect(await v2.json()).toMatchObject({ version: 2 });
    const after = (await (await h.api(`/cases/${created.id}`, { as: RUPP_ADMIN })).json()) as { state: { policy: { version: number }; stages: unknown[] } };
    expect(after.state.policy.version).toBe(1);
    expect(after.state.stages).toHaveLength(3);
    // Other HEIs keep the network default.
    const itcRes = await h.api('/cases', { as: 'iro@demo.itc.edu.kh', json: { type: 'strategy', institution: 'ITC', title: 'ITC strategy', fields: demoStrategyFields() } });
    const itc = (await itcRes.json()) as { policy: { key: string } };
    expect(itcRes.status, JSON.stringify(itc)).toBe(201);
    expect(itc.policy.key).toBe('strategy-default');
  });
});
