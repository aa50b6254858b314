// The list queries stay index scans as cases pile up over the years: the planner, given a few thousand cases, uses
// the case list's order index and the GIN indexes on the assignee arrays for the statements Prisma sends
// (`ORDER BY "createdAt" DESC, "id"` and `"openAssignees" @> ARRAY[…]`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  const rupp = await t.db.institution.findUniqueOrThrow({ where: { code: 'RUPP' } });
  // 20,000 cases, each open for one of 2,000 people and ever assigned to two of them.
  await t.db.$executeRaw`
    INSERT INTO "Case" ("id", "type", "institutionId", "title", "workflowId", "openAssignees", "assignees", "createdAt", "updatedAt")
    SELECT 'idx-' || g, 'strategy', ${rupp.id}, 'Case ' || g, 'idx-' || g,
           ARRAY['p' || (g % 2000) || '@demo.rupp.edu.kh'],
           ARRAY['p' || (g % 2000) || '@demo.rupp.edu.kh', 'q' || (g % 997) || '@demo.rupp.edu.kh'],
           now() - (g || ' minutes')::interval, now()
    FROM generate_series(1, 20000) AS g`;
  await t.db.$executeRawUnsafe('ANALYZE "Case"');
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const plan = async (sql: string) => (await t.db.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`)).map((r) => r['QUERY PLAN']).join('\n');

describe('case list indexes', () => {
  it('pages the newest cases through the (createdAt DESC, id) index', async () => {
    expect(await plan(`SELECT "id" FROM "Case" ORDER BY "createdAt" DESC, "id" ASC LIMIT 21`)).toMatch(/Index (Only )?Scan using "?Case_createdAt_id_idx"?/);
  });

  it('finds the cases waiting for a person, and those a person was assigned to, through the GIN indexes', async () => {
    expect(await plan(`SELECT "id" FROM "Case" WHERE "openAssignees" @> ARRAY['p7@demo.rupp.edu.kh']::text[]`)).toMatch(/Bitmap Index Scan on "?Case_openAssignees_idx"?/);
    expect(await plan(`SELECT "id" FROM "Case" WHERE "assignees" @> ARRAY['p7@demo.rupp.edu.kh']::text[]`)).toMatch(/Bitmap Index Scan on "?Case_assignees_idx"?/);
    // And they answer what a scan would.
    const viaIndex = await t.db.case.count({ where: { openAssignees: { has: 'p7@demo.rupp.edu.kh' } } });
    expect(viaIndex).toBe(10);
  });
});
