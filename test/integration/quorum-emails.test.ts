// The emails of a 2-of-3 quorum case, as a real SMTP server receives them from nodemailer: the three reviewers'
// tasks, nothing more to the third reviewer once the quorum closed the step, and the outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policy } from '../../domain/routing/policy.js';
import { startHarness, type Harness } from '../support/harness.js';
import { demoStrategyFields } from '../support/strategy-fields.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';
import { waitFor } from '../support/wait.js';

let smtp: TestSmtp;
let h: Harness;
beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'CHAIn <no-reply@chain.test>' } });
});
afterAll(async () => {
  await h?.close();
  await smtp?.close();
});

const quorumPolicy: Policy = {
  key: 'strategy-quorum-demo',
  processType: 'strategy',
  institution: 'SRU',
  version: 1,
  name: 'MoEYS review by 2 of 3',
  stages: [
    {
      id: 'moeys_review',
      name: 'MoEYS review',
      steps: [
        {
          id: 'moeys_review',
          name: 'MoEYS review',
          assignees: [{ kind: 'role', role: 'moeys_reviewer', institution: 'moeys' }],
          mode: { type: 'quorum', n: 2 },
          viaLink: false,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
      ],
    },
  ],
};

describe('emails of a 2-of-3 quorum case over real SMTP', () => {
  it('sends each reviewer one task, then the outcome to the submitter, leadership and IRO', async () => {
    const sru = await h.t.db.institution.findUniqueOrThrow({ where: { code: 'SRU' } });
    await h.t.db.policy.create({ data: { key: quorumPolicy.key, version: 1, processType: 'strategy', institutionId: sru.id, name: quorumPolicy.name, definition: quorumPolicy as object } });
    const submitter = 'iro@demo.sru.edu.kh';
    const created = (await (await h.api('/cases', { as: submitter, json: { type: 'strategy', institution: 'SRU', title: 'SRU internationalisation strategy 2026–2030', fields: demoStrategyFields() } })).json()) as { id: string; documents: { sha256: string }[] };
    const reviewers = ['reviewer1@demo.moeys.gov.kh', 'reviewer2@demo.moeys.gov.kh', 'reviewer3@demo.moeys.gov.kh'];
    await waitFor(() => smtp.received.length >= 3, { what: 'three task emails' });
    const tasks = smtp.received.filter((m) => /^Action needed/.test(m.subject ?? ''));
    expect(tasks.map((m) => (m.to as { text: string }).text).sort()).toEqual(reviewers);
    for (const m of tasks) {
      expect(m.subject).toBe('Action needed: MoEYS review — SRU internationalisation strategy 2026–2030');
      expect(m.from?.value[0]).toMatchObject({ name: 'CHAIn', address: 'no-reply@chain.test' });
      expect(m.text).toContain(`/cases/${created.id}`);
      expect(m.headers.get('x-chain-key')).toMatch(new RegExp(`^${created.id}/moeys_review/task/1/`));
    }

    const sha = created.documents[0]!.sha256;
    for (const r of reviewers.slice(0, 2)) {
      const res = await h.api(`/cases/${created.id}/decisions`, { as: r, json: { action: 'approve', stepId: 'moeys_review', documentSha256: sha, comment: 'Approved.' } });
      expect(res.status).toBe(200);
    }
    await waitFor(() => smtp.received.some((m) => /^Decision/.test(m.subject ?? '')) && smtp.received.length >= 5, { what: 'outcome emails' });
    await new Promise((r) => setTimeout(r, 300)); // nothing else may trickle in
    const outcome = smtp.received.filter((m) => /^Decision/.test(m.subject ?? ''));
    expect(outcome.map((m) => (m.to as { text: string }).text).sort()).toEqual(['iro@demo.sru.edu.kh', 'rector@demo.sru.edu.kh']);
    expect(outcome[0]!.text).toMatch(/Sealed decision \(PDF\): http:\/\/localhost:\d+\/sealed\/[0-9a-f-]+\.pdf/);
    // Exactly 3 tasks + 2 outcomes: no reminder, no second task, nothing to the third reviewer after the quorum.
    expect(smtp.received).toHaveLength(5);
    const log = smtp.received.map((m) => `${(m.to as { text: string }).text} | ${m.subject}`);
    console.log(`\nEmails received by the SMTP server for case ${created.id}:\n  ${log.join('\n  ')}\n`);
    // The outbox table records them as sent through SMTP, once each.
    const rows = await h.t.db.outboxMessage.findMany({ where: { caseId: created.id } });
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.transport === 'smtp' && r.sentAt)).toBe(true);
  });
});
