// End to end through real email: nodemailer (the engine's mailer, SMTP_URL set) → smtp-server listening on a free
// loopback port in this test → mailparser. The decision link is taken out of the received message and followed
// with an HTTP client, exactly as a partner would from their mailbox.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startHarness, type Harness } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { hashToken } from '../../api/links/token.js';
import { Browser, PARTNER, caseView, installLinkPolicy, openCase } from './support.js';

const received: { envelopeTo: string[]; mail: ParsedMail }[] = [];
let smtp: SMTPServer;
let h: Harness;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  h = await startHarness({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
  await installLinkPolicy(h);
});

afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
});

it('a partner decides from the link in a real email', async () => {
  const c = await openCase(h, 'SRU – Universidad de Alicante exchange agreement');

  const message = await waitFor(() => received.find((r) => r.envelopeTo.includes(PARTNER) && r.mail.subject?.startsWith('Action needed')), { what: 'the task email over SMTP', timeoutMs: 30_000 });
  expect(message.mail.from?.text).toContain('no-reply@chain.localhost');
  expect(message.mail.subject).toContain('SRU – Universidad de Alicante exchange agreement');
  const text = message.mail.text ?? '';
  expect(text).toContain('Dear Dra. Lucía Martínez');
  const link = /https?:\/\/\S+\/l\/[A-Za-z0-9_-]+/.exec(text)?.[0];
  expect(link).toBeDefined();

  // Only the SHA-256 of the token is stored; the token itself exists only in the email.
  const token = link!.split('/l/')[1]!;
  expect(await h.t.db.linkToken.count({ where: { tokenHash: token } })).toBe(0);
  const row = await h.t.db.linkToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
  expect(row).toMatchObject({ caseId: c.caseId, stepId: 'partner_sign', recipientEmail: PARTNER, usedAt: null });
  expect(Math.round((row.expiresAt.getTime() - row.createdAt.getTime()) / 86_400_000)).toBe(14);
  // The outbox keeps a log of what was sent, without the token; and there is no outbox page when SMTP delivers.
  const logged = await h.t.db.outboxMessage.findFirstOrThrow({ where: { caseId: c.caseId, to: PARTNER, kind: 'task' } });
  expect(logged.transport).toBe('smtp');
  expect(JSON.stringify(logged)).not.toContain(token);
  expect(logged.text).toContain('/l/[token]');
  expect((await fetch(`${h.url}/outbox`, { headers: { accept: 'application/json' } })).status).toBe(404);

  const b = new Browser();
  const page = await b.get(link!);
  expect(page.res.status).toBe(200);
  expect(page.body).toContain(c.sha256);
  const done = await b.post(link!, { _csrf: page.csrf, action: 'approve', documentSha256: c.sha256, comment: 'Signed for the University of Alicante' });
  expect(done.res.status).toBe(200);
  expect(done.body).toContain('Recorded: Approve');

  const v = await caseView(h, c.caseId);
  expect(v.stages[0]!.steps[0]!.status).toBe('approved');
  expect(v.history.find((e) => e.type === 'approved')).toMatchObject({ actor: PARTNER, via: 'link', documentSha256: c.sha256 });
  // The next stage's people were told by email too (they act through the API, so no decision link for them).
  const next = await waitFor(() => received.find((r) => r.envelopeTo.includes('iro@demo.sru.edu.kh') && r.mail.subject?.startsWith('Action needed')), { what: 'next task email' });
  expect(next.mail.text).not.toMatch(/\/l\/[A-Za-z0-9_-]{20,}/);
});
