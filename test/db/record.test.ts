// The record activity's statement: a transition's projection and its audit rows land together or not at all, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditInput } from '../../activities/audit.js';
import { recordTransition, type ProjectionInput } from '../../activities/projection.js';
import { createTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  const rupp = await t.db.institution.findUniqueOrThrow({ where: { code: 'RUPP' } });
  await t.db.case.create({ data: { id: 'rec-1', type: 'strategy', institutionId: rupp.id, title: 'Record test', workflowId: 'rec-1' } });
});
afterAll(async () => {
  await t?.close();
});

const projection = (seq: number, status: string, participants: string[]): ProjectionInput => ({
  caseId: 'rec-1',
  seq,
  status,
  currentStage: status === 'in_progress' ? 'IRO check' : null,
  dueAt: status === 'in_progress' ? '2026-12-04T10:00:00.000Z' : null,
  openAssignees: status === 'in_progress' ? participants : [],
  participants,
  summary: { status },
});
const event = (i: number, type: string, extra: Partial<AuditInput> = {}): AuditInput => ({
  idempotencyKey: `rec-1/event/${i}`,
  caseId: 'rec-1',
  type,
  actor: 'iro@demo.rupp.edu.kh',
  payload: { i },
  at: `2026-11-29T0${i}:00:00.000Z`,
  ...extra,
});
const row = () => t.db.case.findUniqueOrThrow({ where: { id: 'rec-1' } });
const auditKeys = async () => (await t.db.auditEvent.findMany({ where: { caseId: 'rec-1' }, orderBy: { seq: 'asc' } })).map((e) => e.idempotencyKey);

describe('recordTransition', () => {
  it('projects and appends in one statement; a retry changes nothing; an older projection never wins', async () => {
    const first = { projection: projection(1, 'in_progress', ['IRO@demo.rupp.edu.kh']), audit: [event(0, 'submitted'), event(1, 'step_opened')] };
    expect(await recordTransition(t.db, first)).toEqual({ applied: true, appended: 2 });
    expect(await recordTransition(t.db, first)).toEqual({ applied: false, appended: 0 });
    expect(await row()).toMatchObject({ projectionSeq: 1, status: 'in_progress', currentStage: 'IRO check', openAssignees: ['iro@demo.rupp.edu.kh'], assignees: ['iro@demo.rupp.edu.kh'] });
    expect((await row()).dueAt?.toISOString()).toBe('2026-12-04T10:00:00.000Z');

    const second = { projection: projection(2, 'approved', ['rector@demo.rupp.edu.kh']), audit: [event(2, 'approved')] };
    expect(await recordTransition(t.db, second)).toEqual({ applied: true, appended: 1 });
    // A late retry of the first transition: its audit rows exist, its projection is older.
    expect(await recordTransition(t.db, first)).toEqual({ applied: false, appended: 0 });
    expect(await row()).toMatchObject({ projectionSeq: 2, status: 'approved', openAssignees: [], assignees: ['iro@demo.rupp.edu.kh', 'rector@demo.rupp.edu.kh'] });
    // Without audit rows: the projection alone.
    expect(await recordTransition(t.db, { projection: projection(3, 'approved', []), audit: [] })).toEqual({ applied: true, appended: 0 });
    expect(await auditKeys()).toEqual(['rec-1/event/0', 'rec-1/event/1', 'rec-1/event/2']);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, rows: 3 });
  });

  it('leaves the projection untouched when the audit rows cannot be written', async () => {
    const before = await row();
    const broken = { projection: projection(9, 'rejected', ['someone@else.kh']), audit: [event(5, 'rejected'), event(6, null as never)] };
    await expect(recordTransition(t.db, broken)).rejects.toThrow();
    expect(await row()).toMatchObject({ projectionSeq: before.projectionSeq, status: before.status, assignees: before.assignees });
    expect(await auditKeys()).not.toContain('rec-1/event/5');
  });
});
