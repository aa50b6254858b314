// Pages of a decision link: the confirmation page (GET), the result (after the POST), the "in flight" page, and
// "send me a new link". Forms post back to the same address; nothing needs JavaScript.
import { html, type SafeHtml } from '../html.js';
import type { Messages } from '../i18n/index.js';
import { fieldList, label, when } from './format.js';
import { decisionSection } from './decision-form.js';

export interface DecisionPageData {
  token: string;
  csrf: string;
  recipient: { email: string; name: string | null };
  caseRow: { id: string; title: string; type: string; fields: unknown; institution: { code: string; name: string } };
  submitter: { email: string; name?: string };
  document: { version: number; sha256: string; fileName: string | null; hasFile: boolean };
  step: {
    id: string;
    name: string;
    status: string;
    dueAt: string | null;
    rubric?: { criteria: { id: string; label: string; min: number; max: number }[] };
    sendBackTo: string[];
  };
  stages: { id: string; name: string; status: string }[];
  actions: string[];
  delegatedFrom: string[];
  expiresAt: Date;
  /** Values to put back into the form after a validation error. */
  previous?: Record<string, string>;
}

export function decisionPage(m: Messages, d: DecisionPageData): { title: string; body: SafeHtml } {
  const action = `/l/${d.token}`;
  const prev = d.previous ?? {};
  const stageName = (id: string) => (id === 'submitter' ? m['link.sendBackTarget.submitter'] : (d.stages.find((s) => s.id === id)?.name ?? id));

  const decisionForm = decisionSection(m, {
    action,
    csrf: d.csrf,
    documentSha256: d.document.sha256,
    rubric: d.step.rubric,
    sendBackTo: d.step.sendBackTo,
    actions: d.actions,
    stageName,
    previous: prev,
  });

  const delegateForm = d.actions.includes('delegate')
    ? html`<section>
<h2>${m['link.delegateHeading']}</h2>
<p class="help">${m['link.delegateHelp']}</p>
<form method="post" action="${action}">
<input type="hidden" name="_csrf" value="${d.csrf}">
<label for="delegateEmail">${m['link.delegateEmail']}</label>
<input type="email" id="delegateEmail" name="delegateEmail" autocomplete="off" maxlength="320" value="${prev.delegateEmail ?? ''}">
<label for="delegateName">${m['link.delegateName']}</label>
<input type="text" id="delegateName" name="delegateName" maxlength="200" value="${prev.delegateName ?? ''}">
<label for="delegateComment">${m['link.delegateComment']}</label>
<input type="text" id="delegateComment" name="comment" maxlength="5000">
<div class="actions"><button class="secondary" type="submit" name="action" value="delegate">${m['action.delegate']}</button></div>
</form>
</section>`
    : '';

  const body = html`<p>${m['link.greeting'](d.recipient.name ?? d.recipient.email, d.step.name)}</p>
${d.delegatedFrom.length ? html`<p class="muted">${m['link.delegatedChain'](d.delegatedFrom.join(' → '))}</p>` : ''}
<div class="notice"><p>${m['link.scannerNote']}</p><p>${m['link.expires'](when(d.expiresAt))}</p></div>
<section>
<h2>${m['link.caseHeading']}</h2>
<dl>
<dt>${m['common.case']}</dt><dd>${d.caseRow.title}</dd>
<dt>${m['common.type']}</dt><dd>${label(m, `type.${d.caseRow.type}`, d.caseRow.type)}</dd>
<dt>${m['common.institution']}</dt><dd>${d.caseRow.institution.name}</dd>
<dt>${m['common.submittedBy']}</dt><dd>${d.submitter.name ?? d.submitter.email}</dd>
<dt>${m['common.step']}</dt><dd>${d.step.name}</dd>
${d.step.dueAt ? html`<dt>${m['common.due']}</dt><dd>${when(d.step.dueAt)}</dd>` : ''}
</dl>
</section>
${fieldsSection(m, d)}
<section>
<h2>${m['link.documentHeading']}</h2>
<p>${m['link.documentIntro'](d.document.version)}</p>
<p class="hash" id="document-sha256">${d.document.sha256}</p>
${d.document.hasFile ? html`<p><a class="button secondary" href="${action}/document">${m['link.download']}${d.document.fileName ? ` (${d.document.fileName})` : ''}</a></p>` : html`<p class="muted">${m['link.fieldsAreDocument']}</p>`}
</section>
${decisionForm}
${delegateForm}
<section>
<h2>${m['link.progressHeading']}</h2>
<ul class="plain steps">${d.stages.map((s) => html`<li><span>${s.name}</span><span class="muted">${s.status}</span></li>`)}</ul>
</section>`;
  return { title: `${m['link.title']}: ${d.caseRow.title}`, body };
}

function fieldsSection(m: Messages, d: DecisionPageData): SafeHtml | string {
  const list = fieldList(d.caseRow.fields);
  return list.value ? html`<section><h2>${m['link.fieldsHeading']}</h2>${list}</section>` : '';
}

export interface ResultPageData {
  action: string;
  at: string;
  caseStatus?: string;
  delegateTo?: string;
  replayed: boolean;
}

export function resultBody(m: Messages, r: ResultPageData): SafeHtml {
  const actionLabel = label(m, `action.${r.action}`, r.action);
  return html`<div class="notice ok" id="result" data-action="${r.action}">
${r.replayed ? html`<p>${m['result.replayed']}</p>` : ''}
${r.delegateTo ? html`<p>${m['result.delegated'](r.delegateTo)}</p>` : html`<p>${m['result.recorded'](actionLabel, when(r.at))}</p>`}
${r.caseStatus ? html`<p>${m['result.caseStatus'](label(m, `status.${r.caseStatus}`, r.caseStatus))}</p>` : ''}
</div>
<p class="muted">${m['result.closeWindow']}</p>`;
}

export function pendingBody(m: Messages, token: string, csrf: string, action: string): SafeHtml {
  return html`<div class="notice warn"><p>${m['result.pending']}</p></div>
<form method="post" action="/l/${token}">
<input type="hidden" name="_csrf" value="${csrf}">
<div class="actions"><button class="primary" type="submit" name="action" value="${action}">${m['result.checkAgain']}</button></div>
</form>`;
}

export function renewForm(m: Messages, csrf: string): SafeHtml {
  return html`<p>${m['renew.intro']}</p>
<form method="post" action="/l/new">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="email">${m['common.email']}</label>
<input type="email" id="email" name="email" autocomplete="email" required maxlength="320">
<div class="actions"><button class="primary" type="submit">${m['renew.submit']}</button></div>
</form>`;
}

/** Under the page of a link that no longer works: how to get a new one. */
export const askNewLink = (m: Messages): SafeHtml => html`<p><a class="button secondary" href="/l/new">${m['error.askNewLink']}</a></p>`;
