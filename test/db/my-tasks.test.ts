// "Waiting for me" shows the most urgent tasks and says how many there are in all, pointing to the case list
// (which pages through every one) rather than dropping the rest without a word.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMyTasks } from '../../api/routes/me.js';
import { mePage } from '../../web/pages/staff.js';
import { en } from '../../web/i18n/en.js';
import type { Identity } from '../../lib/identity.js';
import { createTestDb, type TestDb } from '../support/db.js';

const EMAIL = 'iro@demo.rupp.edu.kh';
let t: TestDb;
let me: Identity;
beforeAll(async () => {
  t = await createTestDb();
  const rupp = await t.db.institution.findUniqueOrThrow({ where: { code: 'RUPP' } });
  const person = await t.db.person.findUniqueOrThrow({ where: { email: EMAIL } });
  me = { personId: person.id, email: EMAIL, name: person.name, via: 'web', roles: [{ role: 'iro', institution: 'RUPP' }] };
  for (let i = 1; i <= 3; i++) {
    await t.db.case.create({
      data: {
        id: `task-${i}`,
        type: 'mou',
        institutionId: rupp.id,
        title: `MoU ${i}`,
        workflowId: `task-${i}`,
        status: 'in_progress',
        openAssignees: [EMAIL],
        assignees: [EMAIL],
        // Case 3 is due first, then 1; case 2 has no due date.
        dueAt: i === 2 ? null : new Date(Date.UTC(2026, 11, 10 - i)),
        summary: { openSteps: [{ id: 'iro_check', name: 'IRO check', assignees: [EMAIL], dueAt: null }] },
      },
    });
  }
});
afterAll(async () => {
  await t?.close();
});

describe('my tasks', () => {
  it('lists the most urgent first and counts them all; the page points to the full list when some are left out', async () => {
    const all = await listMyTasks(t.db, me);
    expect(all.total).toBe(3);
    expect(all.items.map((i) => i.caseId)).toEqual(['task-3', 'task-1', 'task-2']);
    expect(mePage(en, { name: 'IRO', email: EMAIL, roles: [] }, all).value).not.toContain('id="tasks-more"');

    const first = await listMyTasks(t.db, me, 2);
    expect(first.items.map((i) => i.caseId)).toEqual(['task-3', 'task-1']);
    expect(first.total).toBe(3);
    const page = mePage(en, { name: 'IRO', email: EMAIL, roles: [] }, first).value;
    expect(page).toContain(en['me.tasksMore'](2, 3));
    expect(page).toContain(`<a href="/cases?assignee=${encodeURIComponent(EMAIL)}">${en['me.tasksAll']}</a>`);
  });
});
