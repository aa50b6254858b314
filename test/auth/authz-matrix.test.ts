// Who may do what, over roles × institutions × endpoints, from ONE table. Every cell is its own assertion.
// Case A: a RUPP strategy at the IRO check (assignee: the RUPP IRO). Case B: a RUPP strategy routed to MoEYS
// (its reviewers are assignees). Decision and reassignment probes are built to change nothing: a stale document
// hash (409 for someone who may act, 403 for a reader who may not, 404 for someone who may not even see the case).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { demoStrategyFields } from '../support/strategy-fields.js';
import { stateQuery } from '../../workflows/approval/messages.js';

let h: Harness;
const ids = { A: '', B: '' };

const actors = {
  rupp_leadership: 'rector@demo.rupp.edu.kh',
  rupp_iro_admin: 'iro@demo.rupp.edu.kh',
  rupp_faculty: 'dean.science@demo.rupp.edu.kh',
  itc_leadership: 'director@demo.itc.edu.kh',
  itc_iro_admin: 'iro@demo.itc.edu.kh',
  itc_faculty: 'dean.gic@demo.itc.edu.kh',
  moeys_reviewer: 'reviewer1@demo.moeys.gov.kh',
  network_admin: 'admin@demo.moeys.gov.kh',
  partner: 'international@demo.uni-saarland.de',
  anonymous: null,
} as const;
type Actor = keyof typeof actors;

/** What a cell observes: the status, plus whether a case is listed where that is the question. */
type Probe = (as: string | null) => Promise<string>;

const stale = '0'.repeat(64);
const call = async (as: string | null, path: string, json?: unknown) => h.api(path, { ...(as ? { as } : {}), ...(json !== undefined ? { json } : {}) });
const status = (path: string, json?: unknown): Probe => async (as) => String((await call(as, path, json)).status);
const listed = (path: string, which: 'A' | 'B', key: 'items' = 'items'): Probe => async (as) => {
  const res = await call(as, path);
  if (res.status !== 200) return String(res.status);
  const body = (await res.json()) as Record<string, { id?: string; caseId?: string }[]>;
  return body[key]!.some((i) => (i.id ?? i.caseId) === ids[which]) ? 'listed' : 'hidden';
};

// THE TABLE: one row per endpoint, one column per actor.
const table: { endpoint: string; probe: () => Probe; expect: Record<Actor, string> }[] = [
  {
    endpoint: 'GET /cases/:A',
    probe: () => status(`/cases/${ids.A}`),
    expect: { rupp_leadership: '200', rupp_iro_admin: '200', rupp_faculty: '200', itc_leadership: '404', itc_iro_admin: '404', itc_faculty: '404', moeys_reviewer: '404', network_admin: '200', partner: '404', anonymous: '401' },
  },
  {
    endpoint: 'GET /cases/:B (routed to MoEYS)',
    probe: () => status(`/cases/${ids.B}`),
    expect: { rupp_leadership: '200', rupp_iro_admin: '200', rupp_faculty: '200', itc_leadership: '404', itc_iro_admin: '404', itc_faculty: '404', moeys_reviewer: '200', network_admin: '200', partner: '404', anonymous: '401' },
  },
  {
    endpoint: 'GET /cases?institution=RUPP lists A',
    probe: () => listed('/cases?institution=RUPP', 'A'),
    expect: { rupp_leadership: 'listed', rupp_iro_admin: 'listed', rupp_faculty: 'listed', itc_leadership: 'hidden', itc_iro_admin: 'hidden', itc_faculty: 'hidden', moeys_reviewer: 'hidden', network_admin: 'listed', partner: 'hidden', anonymous: '401' },
  },
  {
    endpoint: 'GET /cases lists B',
    probe: () => listed('/cases?limit=200', 'B'),
    expect: { rupp_leadership: 'listed', rupp_iro_admin: 'listed', rupp_faculty: 'listed', itc_leadership: 'hidden', itc_iro_admin: 'hidden', itc_faculty: 'hidden', moeys_reviewer: 'listed', network_admin: 'listed', partner: 'hidden', anonymous: '401' },
  },
  {
    endpoint: 'POST /cases (a RUPP strategy)',
    probe: () => status('/cases', { type: 'strategy', institution: 'RUPP', title: 'Matrix strategy', fields: demoStrategyFields() }),
    expect: { rupp_leadership: '201', rupp_iro_admin: '201', rupp_faculty: '403', itc_leadership: '403', itc_iro_admin: '403', itc_faculty: '403', moeys_reviewer: '403', network_admin: '201', partner: '403', anonymous: '401' },
  },
  {
    endpoint: 'POST /cases/:A/decisions (IRO check)',
    probe: () => status(`/cases/${ids.A}/decisions`, { action: 'approve', stepId: 'iro_check', documentSha256: stale }),
    expect: { rupp_leadership: '403', rupp_iro_admin: '409', rupp_faculty: '403', itc_leadership: '404', itc_iro_admin: '404', itc_faculty: '404', moeys_reviewer: '404', network_admin: '403', partner: '404', anonymous: '401' },
  },
  {
    endpoint: 'POST /cases/:B/decisions (MoEYS review)',
    probe: () => status(`/cases/${ids.B}/decisions`, { action: 'approve', stepId: 'moeys_review', documentSha256: stale }),
    expect: { rupp_leadership: '403', rupp_iro_admin: '403', rupp_faculty: '403', itc_leadership: '404', itc_iro_admin: '404', itc_faculty: '404', moeys_reviewer: '409', network_admin: '403', partner: '404', anonymous: '401' },
  },
  {
    endpoint: 'POST /cases/:A/reassign (institution admins)',
    probe: () => status(`/cases/${ids.A}/reassign`, { stepId: 'iro_check', from: 'not.assigned@demo.rupp.edu.kh', to: { email: 'new.iro@demo.rupp.edu.kh' } }),
    expect: { rupp_leadership: '403', rupp_iro_admin: '409', rupp_faculty: '403', itc_leadership: '404', itc_iro_admin: '404', itc_faculty: '404', moeys_reviewer: '404', network_admin: '409', partner: '404', anonymous: '401' },
  },
  {
    endpoint: 'GET /me/tasks lists A',
    probe: () => listed('/me/tasks', 'A'),
    expect: { rupp_leadership: 'hidden', rupp_iro_admin: 'listed', rupp_faculty: 'hidden', itc_leadership: 'hidden', itc_iro_admin: 'hidden', itc_faculty: 'hidden', moeys_reviewer: 'hidden', network_admin: 'hidden', partner: 'hidden', anonymous: '401' },
  },
  {
    endpoint: 'GET /me/tasks lists B',
    probe: () => listed('/me/tasks', 'B'),
    expect: { rupp_leadership: 'hidden', rupp_iro_admin: 'hidden', rupp_faculty: 'hidden', itc_leadership: 'hidden', itc_iro_admin: 'hidden', itc_faculty: 'hidden', moeys_reviewer: 'listed', network_admin: 'hidden', partner: 'hidden', anonymous: '401' },
  },
  {
    endpoint: 'GET /me',
    probe: () => status('/me'),
    expect: { rupp_leadership: '200', rupp_iro_admin: '200', rupp_faculty: '200', itc_leadership: '200', itc_iro_admin: '200', itc_faculty: '200', moeys_reviewer: '200', network_admin: '200', partner: '200', anonymous: '401' },
  },
];

beforeAll(async () => {
  h = await startHarness({ env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
  const open = async (title: string) => {
    const res = await h.api('/cases', { as: actors.rupp_iro_admin, json: { type: 'strategy', institution: 'RUPP', title, fields: demoStrategyFields() } });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; documents: { sha256: string }[] };
  };
  const a = await open('Matrix case A');
  const b = await open('Matrix case B');
  ids.A = a.id;
  ids.B = b.id;
  const sha = b.documents[0]!.sha256;
  const waitOpen = (caseId: string, stepId: string) =>
    waitFor(async () => {
      const v = await h.runtime.client.workflow.getHandle(caseId).query(stateQuery, undefined);
      return v.stages.flatMap((s) => s.steps).find((s) => s.id === stepId)?.status === 'open';
    }, { what: `${stepId} open` });
  await waitOpen(b.id, 'iro_check');
  expect((await h.api(`/cases/${b.id}/decisions`, { as: actors.rupp_iro_admin, json: { action: 'approve', stepId: 'iro_check', documentSha256: sha } })).status).toBe(200);
  await waitOpen(b.id, 'leadership_endorsement');
  expect((await h.api(`/cases/${b.id}/decisions`, { as: actors.rupp_leadership, json: { action: 'approve', stepId: 'leadership_endorsement', documentSha256: sha } })).status).toBe(200);
  await waitOpen(b.id, 'moeys_review');
  // The projection (lists, task inboxes) has caught up.
  await waitFor(async () => (await h.t.db.case.findUnique({ where: { id: b.id } }))?.openAssignees.includes(actors.moeys_reviewer), { what: 'projection of B' });
  await waitFor(async () => (await h.t.db.case.findUnique({ where: { id: a.id } }))?.openAssignees.includes(actors.rupp_iro_admin), { what: 'projection of A' });
});
afterAll(async () => h?.close());

const cells = table.flatMap((row) => (Object.keys(actors) as Actor[]).map((actor) => ({ endpoint: row.endpoint, actor, row })));

describe('authorisation matrix', () => {
  it('covers every role at every kind of institution on every endpoint', () => {
    for (const row of table) expect(Object.keys(row.expect).sort()).toEqual(Object.keys(actors).sort());
    expect(cells).toHaveLength(table.length * Object.keys(actors).length);
  });

  it.each(cells)('$endpoint as $actor', async ({ row, actor }) => {
    expect(await row.probe()(actors[actor])).toBe(row.expect[actor]);
  });
});
