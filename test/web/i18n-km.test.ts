// The Khmer catalogue: complete (every English key, functions of the same arity), actually Khmer (each text and each
// function's output holds Khmer script, except a short list of keys that read the same in both languages), and every
// value a function interpolates in English also appears in its Khmer text. No server: the catalogues are plain data.
import { describe, expect, it } from 'vitest';
import { en, type Messages } from '../../web/i18n/en.js';
import { km } from '../../web/i18n/km.js';
import { messagesFor } from '../../web/i18n/index.js';

type Key = keyof Messages;
type FnKey = { [K in Key]: Messages[K] extends (...args: never[]) => string ? K : never }[Key];

const KHMER = /[\u1780-\u17FF]/;
/** Keys whose Khmer text is legitimately the same as the English one (a code, or a pure format with no words). */
const SAME_IN_BOTH: readonly Key[] = ['common.fingerprint', 'reportForm.defaultTitle'];

// Sample arguments per function, typed against the English signatures (a new function key fails to compile until it
// has samples here). Distinctive values, so that each one can be found in the output; several calls where a function
// branches on an argument. Arguments are chosen as the callers pass them (web/pages, activities/notify.ts, progress.ts).
const S = (n: number) => `XYZ-${n}`;
const samples: { [K in FnKey]: Parameters<Messages[K]>[] } = {
  'link.greeting': [[S(1), S(2)]],
  'link.expires': [['2026-11-28 14:05 UTC']],
  'link.delegatedChain': [[`${S(1)} → ${S(2)}`]],
  'link.documentIntro': [[7301]],
  'link.scoreRange': [[7301, 7302]],
  'result.recorded': [[S(1), '2026-11-28 14:05 UTC']],
  'result.caseStatus': [[S(1)]],
  'result.delegated': [['xyz.colleague@rupp.edu.kh']],
  'mail.renew.subject': [[S(1)]],
  'mail.renew.body': [[S(1), S(2), S(3), 'https://chain.example.org/l/XYZ-4', '2026-12-01 09:00 UTC']],
  'signin.confirmIntro': [['xyz.staff@itc.edu.kh']],
  'mail.signin.body': [[S(1), 'https://chain.example.org/sign-in/XYZ-2', 7301]],
  'me.signedInAs': [[S(1), 'xyz.staff@itc.edu.kh']],
  'strategyForm.resubmitTitle': [[S(1)]],
  'strategyForm.fixErrors': [[1], [7301]],
  'strategyForm.goal': [[7301]],
  'strategyForm.kpi': [[7301]],
  'strategyForm.fileHelp': [[true], [false]],
  'case.decisions': [[7301, 7302]],
  'case.delegatedFrom': [[`${S(1)} → ${S(2)}`]],
  'case.changes': [[7301, 7302]],
  'case.done': [[S(1)]],
  'case.onVersion': [[7301]],
  'strategies.title': [[S(1)]],
  'reportForm.title': [[S(1), S(2)]],
  'reportForm.intro': [[S(1), S(2)]],
  'reportForm.defaultTitle': [[S(1), S(2)]],
  'reportForm.targets': [['2027: 7301, 2028: 7302'], ['2027: 7301, 2028: 7302', 7303]],
  'me.strategiesOf': [['XYZ']],
  'me.tasksMore': [[7301, 9402]],
  'email.greeting': [[S(1)]],
  'email.subject.task': [[S(1), S(2)]],
  'email.subject.reminder': [[S(1), S(2)]],
  'email.subject.escalation': [[S(1), S(2)]],
  'email.subject.sent_back': [[S(1)]],
  'email.subject.outcome': [[S(1)]],
  'email.subject.delegated': [[S(1), S(2)]],
  'email.subject.withdrawn': [[S(1)]],
  'email.intro.task': [[S(1), S(2), S(3)]],
  'email.intro.reminder': [[S(1), S(2), S(3)]],
  'email.intro.escalation': [[S(1), S(2), S(3)]],
  'email.intro.delegated': [[S(1), S(2), S(3)]],
  'email.intro.sent_back': [[S(1), S(2), S(3)]],
  'email.intro.outcome': [[S(1), S(2), S(3)]],
  'email.intro.withdrawn': [[S(1), S(2), S(3)]],
  'email.due': [['2026-12-01']],
  'email.footer.case': [['case_XYZ123', S(2)]],
  'email.progress.subject.heads_up': [[S(1), S(2), '2027-06-30']],
  'email.progress.subject.reminder': [[S(1), S(2), '2027-06-30']],
  'email.progress.intro.heads_up': [[S(1), S(2), S(3), '2027-06-30']],
  'email.progress.intro.reminder': [[S(1), S(2), S(3), '2027-06-30']],
  'email.progress.how': [['https://chain.example.org', 'case_XYZ123', 'mid']],
};

const keys = Object.keys(en) as Key[];
const fnKeys = keys.filter((k) => typeof en[k] === 'function') as FnKey[];
const call = (m: Messages, k: FnKey, args: unknown[]): string => (m[k] as (...a: unknown[]) => string)(...args);
/** The English of reportForm.intro lower-cases the point; a value counts as shown in either case. */
const shows = (text: string, v: unknown) => text.includes(String(v)) || text.includes(String(v).toLowerCase());

describe('the Khmer catalogue', () => {
  it('has every English key, and no other, with the same kind of value and functions of the same arity', () => {
    expect(Object.keys(km).sort()).toEqual([...keys].sort());
    for (const k of keys) {
      const e = en[k] as unknown;
      const v = km[k] as unknown;
      expect(typeof v, k).toBe(typeof e);
      if (typeof e === 'function') expect((v as (...a: unknown[]) => string).length, k).toBe((e as (...a: unknown[]) => string).length);
      else expect((v as string).trim(), k).not.toBe('');
    }
  });

  it('has sample arguments for every function, of its arity', () => {
    expect(Object.keys(samples).sort()).toEqual([...fnKeys].sort());
    for (const k of fnKeys) for (const args of samples[k]) expect(args.length, k).toBeLessThanOrEqual((en[k] as (...a: unknown[]) => string).length);
  });

  it('is written in Khmer: every text and every function output holds Khmer script (except the few keys that read the same)', () => {
    for (const k of keys) {
      const outputs = typeof km[k] === 'function' ? samples[k as FnKey].map((args) => call(km, k as FnKey, args)) : [km[k] as string];
      for (const out of outputs) {
        expect(typeof out, k).toBe('string');
        expect(out, k).not.toMatch(/[\u200B\uFEFF]/); // no zero-width spaces: browsers and Intl.Segmenter break Khmer lines
        expect(out, k).not.toMatch(/undefined|NaN|\[object /);
        if (SAME_IN_BOTH.includes(k)) continue;
        expect(out, k).toMatch(KHMER);
      }
    }
    // The allow-list is short and honest: those keys are indeed the same as English.
    for (const k of SAME_IN_BOTH) {
      if (typeof en[k] === 'function') for (const args of samples[k as FnKey]) expect(call(km, k as FnKey, args), k).toBe(call(en, k as FnKey, args));
      else expect(km[k], k).toBe(en[k]);
    }
  });

  it('interpolates in Khmer every value the English text interpolates', () => {
    let checked = 0;
    for (const k of fnKeys) {
      for (const args of samples[k]) {
        const english = call(en, k, args);
        const khmer = call(km, k, args);
        for (const v of args) {
          if (typeof v === 'boolean' || !shows(english, v)) continue; // e.g. the unused _institution of email.intro.sent_back
          expect(shows(khmer, v), `${k}(${args.map(String).join(', ')}) should show ${String(v)}:\n${khmer}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(90);
  });

  it('keeps what machines and other languages read: codes, JSON field names, the product name, line structure of emails', () => {
    const how = km['email.progress.how']('https://chain.example.org', 'case_XYZ123', 'end');
    for (const s of ['POST https://chain.example.org/cases', '"type": "strategy_report"', '"strategyCaseId": "case_XYZ123"', '"point": "end"', '"actuals"', '"narrative"', '"document"', 'README']) {
      expect(how).toContain(s);
    }
    expect(km['app.name']).toContain('CHAIn');
    expect(km['mail.signin.subject']).toContain('CHAIn');
    expect(km['strategyForm.kpiTargetsHelp']).toContain('2027: 40, 2028: 60'); // the syntax the form parses
    // Emails keep their paragraphs: the same blank-line structure as English.
    const para = (s: string) => s.split('\n').map((l) => (l === '' ? '' : 'x')).join('|');
    expect(para(km['mail.signin.body']('A', 'https://u', 15))).toBe(para(en['mail.signin.body']('A', 'https://u', 15)));
    expect(para(km['mail.renew.body']('A', 'B', 'C', 'https://u', 'D'))).toBe(para(en['mail.renew.body']('A', 'B', 'C', 'https://u', 'D')));
    // Functions that branch: fixErrors on the count, targets on whether there is a baseline.
    expect(km['strategyForm.fixErrors'](1)).not.toBe(km['strategyForm.fixErrors'](2));
    expect(km['reportForm.targets']('2027: 40')).not.toContain('·');
    expect(km['reportForm.targets']('2027: 40', 0)).toContain('0');
  });

  it('is what messagesFor("km") returns; English stays English', () => {
    const m = messagesFor('km');
    expect(m['link.title']).toBe('ការសម្រេចរបស់លោកអ្នក');
    expect(m['action.approve']).toBe('អនុម័ត');
    expect(m['role.iro']).toBe('ការិយាល័យទំនាក់ទំនងអន្តរជាតិ');
    expect(m['signin.intro']).toBe(km['signin.intro']);
    expect(m['mail.signin.body']('Sokha', 'https://chain.example.org/sign-in/t', 15)).toMatch(/^ជម្រាបសួរ .*Sokha[\s\S]*https:\/\/chain\.example\.org\/sign-in\/t[\s\S]*15 នាទី/);
    expect(m['email.subject.task']('RUPP Strategy', 'IRO check')).toBe('តម្រូវឱ្យចាត់វិធានការ៖ IRO check — RUPP Strategy');
    for (const k of keys) if (!SAME_IN_BOTH.includes(k) && typeof en[k] === 'string') expect(m[k], k).not.toBe(en[k]);
    expect(messagesFor('en')['link.title']).toBe(en['link.title']);
    expect(messagesFor('en')['link.title']).not.toMatch(KHMER);
  });
});
