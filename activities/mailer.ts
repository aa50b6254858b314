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

/** A decision or sign-in link's token in a text: what only the email may carry once it goes out by SMTP. */
const TOKEN_IN_URL = /(\/(?:l|sign-in)\/)[A-Za-z0-9_-]{16,}/g;
export const redactTokens = (text: string) => text.replace(TOKEN_IN_URL, '$1[token]');

/**
 * What the outbox row keeps of a message. Every message is kept: in the embedded mode the outbox is the mailbox
 * (its links must work); with SMTP it is the log of what was sent, and the links' tokens are left out — the
 * database holds only their hashes (LinkToken), so a copy of the database cannot decide or sign in.
 */
const contentOf = (msg: OutgoingEmail, transport: 'smtp' | 'outbox') => {
  const keep = transport === 'outbox' ? (t: string) => t : redactTokens;
  return {
    subject: msg.subject,
    text: keep(msg.text),
    html: msg.html === undefined ? null : keep(msg.html),
    links: (msg.links ?? []).map((l) => ({ label: l.label, url: keep(l.url) })),
  };
};

const rowOf = (msg: OutgoingEmail, transport: 'smtp' | 'outbox') => ({
  idempotencyKey: msg.idempotencyKey,
  caseId: msg.caseId ?? null,
  kind: msg.kind,
  to: msg.to,
  ...contentOf(msg, transport),
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
            data: contentOf(msg, transport ? 'smtp' : 'outbox'),
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
