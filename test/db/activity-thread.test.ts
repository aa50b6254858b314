// The activities on their own thread (activities/thread): the same functions with clients of their own, answering
// through messages — results, idempotency and errors as on the event loop — at a lower CPU priority on Linux.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { createMailer } from '../../activities/mailer.js';
import { createDevCertificateP12, DEV_CERT_PASSPHRASE } from '../../activities/pdf/dev-cert.js';
import { createSealer } from '../../activities/pdf/index.js';
import { startActivityThread, type ActivityThread } from '../../activities/thread/index.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';
import { canIdle, idleThreadCount, threadNiceValues } from '../support/threads.js';

let t: TestDb;
let smtp: TestSmtp;
let thread: ActivityThread;
const sealer = { p12: createDevCertificateP12(), passphrase: DEV_CERT_PASSPHRASE, development: true };
const FROM = 'CHAIn <no-reply@chain.localhost>';

beforeAll(async () => {
  t = await createTestDb();
  smtp = await startTestSmtp();
  const rupp = await t.db.institution.findUniqueOrThrow({ where: { code: 'RUPP' } });
  await t.db.case.create({ data: { id: 'thread-1', type: 'mou', institutionId: rupp.id, title: 'MoU with Kyoto University', workflowId: 'thread-1' } });
  thread = startActivityThread({ databaseUrl: t.url, dbPoolSize: 2, smtpUrl: smtp.url, mailFrom: FROM, publicUrl: 'http://localhost:3000', sealer, logLevel: 'silent', nice: 10 });
});
afterAll(async () => {
  await thread?.close();
  await smtp?.close();
  await t?.close();
});

describe('activity thread', () => {
  it('resolves assignees as the activities on the event loop do', async () => {
    const direct = createActivities({ db: t.db, mailer: createMailer({ db: t.db, from: FROM }), publicUrl: 'http://localhost:3000', sealer: createSealer(sealer) });
    const args = {
      caseId: 'thread-1',
      institution: 'RUPP',
      fields: {},
      steps: [
        { stepId: 'iro', assignees: [{ kind: 'role' as const, role: 'iro' as const, institution: 'case' }] },
        { stepId: 'partner', assignees: [{ kind: 'external' as const, email: 'partner@kyoto-u.ac.jp', name: 'Kyoto partner' }] },
      ],
    };
    const viaThread = await thread.activities.resolveAssignees(args);
    expect(viaThread.iro!.length).toBeGreaterThan(0);
    expect(viaThread.partner).toEqual([expect.objectContaining({ email: 'partner@kyoto-u.ac.jp' })]);
    expect(viaThread).toEqual(await direct.resolveAssignees(args));
  });

  it('sends an email over real SMTP once, however often the activity is run', async () => {
    const input = {
      caseId: 'thread-1',
      kind: 'task' as const,
      key: 'thread-1/legal/task/1',
      stepId: 'legal',
      stepName: 'Legal review',
      recipients: [{ email: 'iro@demo.rupp.edu.kh', name: 'IRO' }],
      dueAt: null,
    };
    expect(await thread.activities.notify(input)).toEqual({ sent: 1, duplicates: 0 });
    expect(await thread.activities.notify(input)).toEqual({ sent: 0, duplicates: 1 });
    const mails = smtp.received.filter((m) => m.subject?.includes('MoU with Kyoto University'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Action needed: Legal review — MoU with Kyoto University');
    expect(mails[0]!.text).toContain('http://localhost:3000/cases/thread-1');
  });

  it('uses the public address it was told last (the HTTP port is known only once the API listens)', async () => {
    thread.setPublicUrl('https://chain.example.edu.kh');
    await thread.activities.notify({
      caseId: 'thread-1',
      kind: 'task',
      key: 'thread-1/legal/task/2',
      stepId: 'legal',
      stepName: 'Legal review',
      recipients: [{ email: 'rector@demo.rupp.edu.kh', name: 'Rector' }],
      dueAt: null,
    });
    const mail = smtp.received.find((m) => m.to && 'text' in m.to && m.to.text.includes('rector@demo.rupp.edu.kh'));
    expect(mail?.text).toContain('https://chain.example.edu.kh/cases/thread-1');
  });

  it('gives an activity’s error back as an error with its message, for Temporal to retry', async () => {
    const sealing = thread.activities.sealDecision({ caseId: 'no-such-case', outcome: 'approved', at: '2026-11-29T10:00:00.000Z', documentSha256: 'a'.repeat(64), documentVersion: 1 });
    // Prisma's "not found" as it was thrown on the thread: its message and its code.
    await expect(sealing).rejects.toMatchObject({ code: 'P2025', message: expect.stringMatching(/no record was found/i) });
    // The thread goes on answering.
    expect(await thread.activities.revokeLinks({ caseId: 'thread-1', stepId: 'legal' })).toEqual({ revoked: 0 });
  });

  it.runIf(process.platform === 'linux')('runs at a lower CPU priority than the rest of the process', async () => {
    await thread.activities.revokeLinks({ caseId: 'thread-1', stepId: 'legal' });
    expect(thread.niced()).toBe(true);
    const mine = threadNiceValues()[0]!;
    expect(threadNiceValues()).toContain(mine + 10);
  });

  it.runIf(canIdle)('runs in the idle scheduling class when asked (WORKER_ACTIVITY_IDLE), and answers as before', async () => {
    const before = idleThreadCount();
    const idle = startActivityThread({ databaseUrl: t.url, dbPoolSize: 1, smtpUrl: smtp.url, mailFrom: FROM, publicUrl: 'http://localhost:3000', sealer, logLevel: 'silent', nice: 3, idle: true });
    try {
      // The default set-up: an email goes out over real SMTP from the idle-class thread, once.
      const input = { caseId: 'thread-1', kind: 'reminder' as const, key: 'thread-1/legal/reminder/idle', stepId: 'legal', stepName: 'Legal review', recipients: [{ email: 'iro@demo.rupp.edu.kh', name: 'IRO' }], dueAt: null };
      expect(await idle.activities.notify(input)).toEqual({ sent: 1, duplicates: 0 });
      expect(await idle.activities.notify(input)).toEqual({ sent: 0, duplicates: 1 });
      expect(idle.idle()).toBe(true);
      // The thread (and the helper threads it started afterwards); the main thread stays in the normal class.
      expect(idleThreadCount()).toBeGreaterThan(before);
      expect(threadNiceValues()).toContain(threadNiceValues()[0]! + 3);
    } finally {
      await idle.close();
    }
    // Not asked: the normal class (the shared thread of these tests).
    expect(thread.idle()).toBe(false);
  });

  it('refuses work once closed', async () => {
    const other = startActivityThread({ databaseUrl: t.url, dbPoolSize: 1, mailFrom: FROM, publicUrl: 'http://localhost:3000', sealer, logLevel: 'silent', nice: 0 });
    expect(await other.activities.revokeLinks({ caseId: 'thread-1', stepId: 'legal' })).toEqual({ revoked: 0 });
    expect(other.niced()).toBe(false);
    await other.close();
    await expect(other.activities.revokeLinks({ caseId: 'thread-1', stepId: 'legal' })).rejects.toThrow('activity thread closed');
  });

  it('fails only the calls of a thread that died, and runs the next call on a new thread', async () => {
    const dying = startActivityThread({ databaseUrl: t.url, mailFrom: FROM, publicUrl: 'http://localhost:3000', sealer, logLevel: 'silent', nice: 0 }, new URL('../support/dying-activity-thread.mjs', import.meta.url));
    try {
      const lost = dying.activities.record({ audit: [], projection: { caseId: 'thread-1', seq: 1, status: 'in_progress', currentStage: null, dueAt: null, openAssignees: [], participants: [], summary: {} } } as never);
      // Temporal retries this one: the thread's error comes back as the activity's failure.
      await expect(lost).rejects.toThrow('activity thread crashed');
      // Sent after the crash but before the dead thread's exit event: it goes to a new thread, and the old
      // thread's exit must not fail it.
      const next = dying.activities.revokeLinks({ caseId: 'thread-1', stepId: 'legal' });
      expect(await next).toEqual({ revoked: 0 });
      expect(await dying.activities.revokeLinks({ caseId: 'thread-1', stepId: 'legal' })).toEqual({ revoked: 0 });
    } finally {
      await dying.close();
    }
  });
});
