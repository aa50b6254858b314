// The decision form — rubric scores, comment, reason code, send-back target, approve / send back / reject — shared
// by the decision-link page and the signed-in case page. It posts to `action`; `hidden` adds e.g. the step id.
import { html, type SafeHtml } from '../html.js';
import type { Messages } from '../i18n/index.js';

export interface DecisionFormData {
  action: string;
  csrf: string;
  documentSha256: string;
  rubric?: { criteria: { id: string; label: string; min: number; max: number }[] };
  sendBackTo: string[];
  /** The actions the person may take on the step (approve, reject, send_back, delegate…). */
  actions: string[];
  stageName: (id: string) => string;
  previous?: Record<string, string>;
  hidden?: Record<string, string>;
  /** Prefix of the element ids, when a page holds more than one form. */
  idPrefix?: string;
  heading?: string;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

export function decisionSection(m: Messages, d: DecisionFormData): SafeHtml {
  const decide = d.actions.filter((a) => a === 'approve' || a === 'reject' || a === 'send_back');
  if (!decide.length) return html`<div class="notice warn"><p>${m['link.notAllowedNow']}</p></div>`;
  const prev = d.previous ?? {};
  const id = (x: string) => `${d.idPrefix ?? ''}${x}`;
  return html`<section class="decide">
<h2>${d.heading ?? m['link.decisionHeading']}</h2>
<form method="post" action="${d.action}">
<input type="hidden" name="_csrf" value="${d.csrf}">
<input type="hidden" name="documentSha256" value="${d.documentSha256}">
${Object.entries(d.hidden ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
${
  d.rubric && decide.includes('approve')
    ? html`<h3>${m['link.rubricHeading']}</h3><p class="help">${m['link.rubricHelp']}</p>
${d.rubric.criteria.map(
  (c) => html`<label for="${id(`score_${c.id}`)}">${c.label}</label>
<select id="${id(`score_${c.id}`)}" name="score_${c.id}"><option value="">${m['link.chooseScore']}</option>${range(c.min, c.max).map(
    (n) => html`<option value="${n}"${prev[`score_${c.id}`] === String(n) ? html` selected` : ''}>${n}</option>`,
  )}</select>
<p class="help">${m['link.scoreRange'](c.min, c.max)}</p>`,
)}`
    : ''
}
<label for="${id('comment')}">${m['link.comment']}</label>
<textarea id="${id('comment')}" name="comment" maxlength="5000">${prev.comment ?? ''}</textarea>
<p class="help">${m['link.commentHelp']}</p>
${decide.includes('reject') ? html`<label for="${id('reasonCode')}">${m['link.reasonCode']}</label><input type="text" id="${id('reasonCode')}" name="reasonCode" maxlength="60" value="${prev.reasonCode ?? ''}">` : ''}
${
  decide.includes('send_back') && d.sendBackTo.length > 1
    ? html`<label for="${id('sendBackTo')}">${m['link.sendBackTo']}</label><select id="${id('sendBackTo')}" name="sendBackTo">${d.sendBackTo.map((t) => html`<option value="${t}">${d.stageName(t)}</option>`)}</select>`
    : decide.includes('send_back') && d.sendBackTo[0]
      ? html`<input type="hidden" name="sendBackTo" value="${d.sendBackTo[0]}">`
      : ''
}
<div class="actions">
${decide.includes('approve') ? html`<button class="primary" type="submit" name="action" value="approve">${m['action.approve']}</button>` : ''}
${decide.includes('send_back') ? html`<button class="secondary" type="submit" name="action" value="send_back">${m['action.send_back']}</button>` : ''}
${decide.includes('reject') ? html`<button class="danger" type="submit" name="action" value="reject">${m['action.reject']}</button>` : ''}
</div>
</form>
</section>`;
}
