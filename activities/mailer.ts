// Email: through SMTP when SMTP_URL is set, into the outbox table otherwise (the embedded mode shows it at /outbox).
// Each message has an idempotency key (case, step, recipient, kind, round): the row is claimed first, so a
// retried activity never sends a second copy of a message it already sent.
import nodemailer from 'nodemailer';
import type { Db } from '../lib/db/client.js';

export interface OutgoingEmail {
  idempotencyKey: string;
  caseId?: string | null;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  links?: { label: string; url: string }[];
}

export interface Mailer {
  send(msg: OutgoingEmail): Promise<{ id: string; sent: boolean; duplicate: boolean }>;
  close(): void;
}

/** The outbox row of a message (every message is kept: the outbox is also the log of what SMTP sent). */
const rowOf = (msg: OutgoingEmail, transport: 'smtp' | 'outbox') => ({
  idempotencyKey: msg.idempotencyKey,
  caseId: msg.caseId ?? null,
  kind: msg.kind,
  to: msg.to,
  subject: msg.subject,
  text: msg.text,
  html: msg.html ?? null,
  links: msg.links ?? [],
  transport,
});

export function createMailer(opts: { db: Db; smtpUrl?: string; from: string }): Mailer {
  const transport = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : undefined;
  return {
    async send(msg) {
      if (!transport) {
        // Outbox only: storing the message is sending it, so the usual case is one insert, already marked sent. A
        // key seen before (a retry) takes the path below: sent stays sent, an unsent row gets this attempt's text.
        try {
          const row = await opts.db.outboxMessage.create({ data: { ...rowOf(msg, 'outbox'), sentAt: new Date() }, select: { id: true } });
          return { id: row.id, sent: true, duplicate: false };
        } catch (err) {
          if ((err as { code?: string }).code !== 'P2002') throw err;
        }
      }
      const existing = await opts.db.outboxMessage.findUnique({ where: { idempotencyKey: msg.idempotencyKey } });
      if (existing?.sentAt) return { id: existing.id, sent: false, duplicate: true };
      // An unsent row left by an earlier attempt gets this attempt's text: its links (fresh tokens) are the live ones.
      const row = existing
        ? await opts.db.outboxMessage.update({
            where: { id: existing.id },
            data: { subject: msg.subject, text: msg.text, html: msg.html ?? null, links: msg.links ?? [] },
          })
        : (await opts.db.outboxMessage.upsert({
          where: { idempotencyKey: msg.idempotencyKey },
          create: rowOf(msg, transport ? 'smtp' : 'outbox'),
          update: {},
        }));
      if (transport) {
        await transport.sendMail({
          from: opts.from,
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          html: msg.html,
          messageId: `<${row.id}@chain.localhost>`,
          headers: { 'X-CHAIn-Key': msg.idempotencyKey },
        });
      }
      await opts.db.outboxMessage.update({ where: { id: row.id }, data: { sentAt: new Date() } });
      return { id: row.id, sent: true, duplicate: false };
    },
    close() {
      transport?.close();
    },
  };
}
