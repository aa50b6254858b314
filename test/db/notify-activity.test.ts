// The notify activity against a real database and the outbox mailer: the text people read, once per recipient
// however often the activity runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../activities/mailer.js';
import { sendNotifications } from '../../activities/notify.js';
import { km } from '../../web/i18n/km.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startTestSmtp } from '../support/smtp.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  const rupp = await t.db.institution.findUniqueOrThrow({ where: { code: 'RUPP' } });
  await t.db.case.create({ data: { id: 'notify-1', type: 'mou', institutionId: rupp.id, title: 'MoU with Saarland University', workflowId: 'notify-1' } });
});
afterAll(async () => {
  await t?.close();
});

describe('notify activity', () => {
  it('states the due date as a Phnom Penh date, and sends each email once', async () => {
    const deps = { db: t.db, mailer: createMailer({ db: t.db, from: 'CHAIn <no-reply@chain.localhost>' }), publicUrl: 'http://localhost:3000' };
    const input = {
      caseId: 'notify-1',
      kind: 'task' as const,
      key: 'notify-1/legal/task/1',
      stepId: 'legal',
      stepName: 'Legal review',
      recipients: [{ email: 'iro@demo.rupp.edu.kh', name: 'IRO' }],
      // 18:00 UTC on 16 February is 01:00 on 17 February in Phnom Penh.
      dueAt: '2026-02-16T18:00:00.000Z',
    };
    expect(await sendNotifications(deps, input)).toEqual({ sent: 1, duplicates: 0 });
    expect(await sendNotifications(deps, input)).toEqual({ sent: 0, duplicates: 1 });
    const rows = await t.db.outboxMessage.findMany({ where: { caseId: 'notify-1' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toContain('Due: 2026-02-17');
    expect(rows[0]!.text).not.toContain('2026-02-16');
  });

  it('writes to each recipient in their own language over real SMTP: Khmer for a Khmer reader, English for a guest', async () => {
    await t.db.person.update({ where: { email: 'iro@demo.rupp.edu.kh' }, data: { locale: 'km' } });
    const smtp = await startTestSmtp();
    try {
      const deps = { db: t.db, mailer: createMailer({ db: t.db, smtpUrl: smtp.url, from: 'CHAIn <no-reply@chain.localhost>' }), publicUrl: 'http://localhost:3000' };
      const sent = await sendNotifications(deps, {
        caseId: 'notify-1',
        kind: 'task',
        key: 'notify-1/legal/task/km',
        stepId: 'legal',
        stepName: 'Legal review',
        recipients: [
          { email: 'iro@demo.rupp.edu.kh', name: 'ចាន់ សុខា' },
          { email: 'partner@uni-saarland.de', name: 'Partner' },
        ],
        dueAt: '2026-02-16T18:00:00.000Z',
      });
      expect(sent).toEqual({ sent: 2, duplicates: 0 });
      const byTo = (to: string) => smtp.received.find((mail) => mail.to && 'text' in mail.to && mail.to.text.includes(to));
      const khmer = byTo('iro@demo.rupp.edu.kh')!;
      // The subject arrives encoded (RFC 2047) and decodes to the Khmer text; the body greets in Khmer.
      expect(khmer.subject).toBe(km['email.subject.task']('MoU with Saarland University', 'Legal review'));
      expect(khmer.text).toContain(km['email.greeting']('ចាន់ សុខា'));
      expect(khmer.text).toContain('2026-02-17');
      // Its link opens the page in Khmer too; the guest's has no language of its own.
      expect(khmer.text).toContain('http://localhost:3000/cases/notify-1?lang=km');
      const english = byTo('partner@uni-saarland.de')!;
      expect(english.subject).toBe('Action needed: Legal review — MoU with Saarland University');
      expect(english.text).toContain('Dear Partner,');
      expect(english.text).toMatch(/http:\/\/localhost:3000\/cases\/notify-1$/m);
    } finally {
      await smtp.close();
      await t.db.person.update({ where: { email: 'iro@demo.rupp.edu.kh' }, data: { locale: 'en' } });
    }
  });
});
