// The list of cases a signed-in person may see, with the same filters as GET /cases (a GET form: bookmarkable).
import { caseTypes } from '../../domain/case-types.js';
import { html, type SafeHtml } from '../html.js';
import type { Messages } from '../i18n/index.js';
import { label, when } from './format.js';

export interface CaseListItem {
  id: string;
  type: string;
  title: string;
  status: string;
  institution: { code: string; name: string };
  currentStage: string | null;
  dueAt: string | null;
  updatedAt: string;
}

export interface CasesPageData {
  items: CaseListItem[];
  nextCursor: string | null;
  query: { type?: string; status?: string; institution?: string; limit?: number };
  canSubmit: boolean;
}

const TYPES: string[] = [...caseTypes];
const STATUSES = ['in_progress', 'sent_back', 'approved', 'rejected', 'withdrawn'];

export function casesPage(m: Messages, d: CasesPageData): SafeHtml {
  const select = (name: 'type' | 'status', options: string[], prefix: string) =>
    html`<select id="filter-${name}" name="${name}"><option value="">—</option>${options.map((o) => html`<option value="${o}"${d.query[name] === o ? html` selected` : ''}>${label(m, `${prefix}.${o}`, o)}</option>`)}</select>`;
  const next = d.nextCursor ? new URLSearchParams({ ...Object.fromEntries(Object.entries(d.query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])), cursor: d.nextCursor }) : null;
  return html`<p>${m['cases.intro']}</p>
${d.canSubmit ? html`<p><a class="button primary" href="/strategies/new">${m['cases.newStrategy']}</a></p>` : ''}
<form method="get" action="/cases" class="card">
<label for="filter-type">${m['common.type']}</label>${select('type', TYPES, 'type')}
<label for="filter-status">${m['common.status']}</label>${select('status', STATUSES, 'status')}
<div class="actions"><button class="secondary" type="submit">${m['outbox.refresh']}</button></div>
</form>
${
  d.items.length
    ? html`<ul class="plain" id="cases">${d.items.map(
        (c) => html`<li data-case="${c.id}"><a href="/cases/${encodeURIComponent(c.id)}"><strong>${c.title}</strong></a><br>
<span class="muted">${c.institution.name} · ${label(m, `type.${c.type}`, c.type)} · ${label(m, `status.${c.status}`, c.status)}${c.currentStage ? ` · ${c.currentStage}` : ''}${c.dueAt ? ` · ${m['common.due']} ${when(c.dueAt)}` : ''}</span></li>`,
      )}</ul>`
    : html`<p class="muted">${m['cases.empty']}</p>`
}
${next ? html`<p><a class="button secondary" href="/cases?${next.toString()}">→</a></p>` : ''}`;
}

export interface StrategiesPageData {
  institution: { code: string; name: string };
  items: {
    caseId: string;
    title: string;
    period: { from: number; to: number } | null;
    status: string;
    currentStep: string | null;
    current: boolean;
    archived: boolean;
    sealedId: string | null;
    reports: { point: string; dueDate: string; caseId: string | null; status: string | null }[];
  }[];
  canSubmit: boolean;
  /** May file progress reports (IRO, leadership): a report not filed yet on the current strategy gets a link. */
  canReport?: boolean;
}

/** An institution's strategies: the current one first, then those in review, then the archived ones. */
export function strategiesPage(m: Messages, d: StrategiesPageData): SafeHtml {
  const rank = (i: StrategiesPageData['items'][number]) => (i.current ? 0 : i.archived ? 2 : 1);
  const items = [...d.items].sort((a, b) => rank(a) - rank(b));
  return html`${d.canSubmit ? html`<p><a class="button primary" href="/strategies/new?institution=${d.institution.code}">${m['cases.newStrategy']}</a></p>` : ''}
${
  items.length
    ? html`<ul class="plain" id="strategies">${items.map(
        (s) => html`<li data-case="${s.caseId}"${s.current ? html` class="current"` : ''}>${s.current ? html`<span class="tag">${m['strategies.current']}</span> ` : s.archived ? html`<span class="tag">${m['strategies.archived']}</span> ` : ''}<a href="/cases/${encodeURIComponent(s.caseId)}"><strong>${s.title}</strong></a>
<br><span class="muted">${s.period ? `${s.period.from}–${s.period.to} · ` : ''}${label(m, `status.${s.status}`, s.status)}${s.currentStep ? ` · ${s.currentStep}` : ''}</span>
${s.sealedId ? html`<br><a href="/sealed/${encodeURIComponent(s.sealedId)}.pdf">${m['case.sealedPdf']}</a>` : ''}
${
  s.reports.length
    ? html`<ul class="plain reports">${s.reports.map(
        (r) => html`<li data-point="${r.point}">${label(m, `strategies.report.${r.point}`, r.point)} · ${m['common.due']} ${r.dueDate}${
          r.caseId ? html` · <a href="/cases/${encodeURIComponent(r.caseId)}">${label(m, `status.${r.status ?? ''}`, r.status ?? '')}</a>` : html` · <span class="muted">${m['strategies.reportNotFiled']}</span>${d.canReport && s.current ? html` · <a href="/strategies/${encodeURIComponent(s.caseId)}/reports/${r.point}/new">${m['strategies.fileReport']}</a>` : ''}`
        }</li>`,
      )}</ul>`
    : ''
}</li>`,
      )}</ul>`
    : html`<p class="muted">${m['strategies.none']}</p>`
}`;
}
