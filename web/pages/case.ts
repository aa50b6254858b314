// The case page for signed-in staff: where the case stands, what I may do now (decide, delegate, withdraw,
// resubmit), the structured fields, the versions with what changed between them, the timeline (who decided
// what, when, by link or sign-in, on which version) and the sealed decision.
import { randomUUID } from 'node:crypto';
import type { CaseView } from '../../workflows/approval/messages.js';
import type { FieldChange } from '../../domain/strategy/changes.js';
import { strategyFieldsSchema } from '../../domain/strategy/fields.js';
import { strategyReportFieldsSchema } from '../../domain/strategy/report-fields.js';
import { html, type SafeHtml } from '../html.js';
import type { Messages } from '../i18n/index.js';
import { fieldList, label, when } from './format.js';
import { decisionSection } from './decision-form.js';
import { formatTargets } from '../strategy-form.js';

export interface CasePageData {
  csrf: string;
  caseRow: {
    id: string;
    type: string;
    title: string;
    status: string;
    institution: { code: string; name: string };
    policy: { key: string; version: number };
    fields: unknown;
    currentStage: string | null;
    documents: { version: number; sha256: string; fileName: string; mimeType: string; size: number; createdAt: string }[];
  };
  /** The workflow's live state for this viewer; null when the engine did not answer (the projection is shown). */
  view: CaseView | null;
  /** Display names by lower-case email. */
  names: Record<string, string>;
  sealed: { id: string; outcome: string } | null;
  changes: { from: number; to: number; documentChanged: boolean; changes: FieldChange[] } | null;
  notice?: string;
  /** For a progress report: the strategy it reports on (its KPIs name the actual values). */
  reportOn?: { id: string; title: string; fields: unknown };
  /** A refused decision: the message and the values to put back, for the step it was about. */
  failed?: { stepId?: string; message: string; issues: { path: string; message: string }[]; previous: Record<string, string> };
}

const who = (d: CasePageData, email: string | undefined) => {
  if (!email) return '';
  const name = d.names[email.toLowerCase()];
  return name ? `${name} (${email})` : email;
};

const showValue = (v: unknown) => (v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function strategyFields(m: Messages, fields: unknown): SafeHtml {
  const r = strategyFieldsSchema.safeParse(fields);
  if (!r.success) return fieldList(fields);
  const s = r.data;
  return html`<dl>
<dt>${m['strategyForm.periodFrom']}</dt><dd>${s.period.from}–${s.period.to}</dd>
<dt>${m['strategyForm.vision']}</dt><dd>${s.vision}</dd>
<dt>${m['strategyForm.budget']}</dt><dd>${s.budget.amount.toLocaleString('en-US')} ${s.budget.currency}</dd>
<dt>${m['strategyForm.units']}</dt><dd>${s.responsibleUnits.join(', ')}</dd>
</dl>
${s.goals.map(
  (g, i) => html`<h3>${m['strategyForm.goal'](i + 1)}: ${g.title}</h3>
${g.description ? html`<p>${g.description}</p>` : ''}
<ul class="plain">${g.kpis.map(
    (k) => html`<li><strong>${k.name}</strong> <span class="muted">(${label(m, `kpi.${k.kind}`, k.kind)}, ${k.unit}${k.baseline !== undefined ? `, baseline ${k.baseline}` : ''})</span><br>${formatTargets(k.targets)}</li>`,
  )}</ul>`,
)}`;
}

function reportFields(m: Messages, fields: unknown, on: CasePageData['reportOn']): SafeHtml {
  const r = strategyReportFieldsSchema.safeParse(fields);
  if (!r.success) return fieldList(fields);
  const s = strategyFieldsSchema.safeParse(on?.fields);
  const kpi = (g: number, k: number) => (s.success ? s.data.goals[g]?.kpis[k] : undefined);
  return html`<dl>
<dt>${m['reportForm.strategy']}</dt><dd>${on ? html`<a href="/cases/${encodeURIComponent(on.id)}">${on.title}</a>` : r.data.strategyCaseId}</dd>
<dt>${m['reportForm.point']}</dt><dd>${label(m, `strategies.report.${r.data.point}`, r.data.point)}</dd>
<dt>${m['reportForm.narrative']}</dt><dd>${r.data.narrative}</dd>
</dl>
<ul class="plain" id="actuals">${r.data.actuals.map((a) => {
    const k = kpi(a.goal, a.kpi);
    return html`<li><strong>${k ? k.name : `goals[${a.goal}].kpis[${a.kpi}]`}</strong>: ${a.actual}${k ? ` ${k.unit}` : ''}${k ? html` <span class="muted">(${m['reportForm.targets'](formatTargets(k.targets), k.baseline)})</span>` : ''}${a.comment ? html`<br><span class="muted">${a.comment}</span>` : ''}</li>`;
  })}</ul>`;
}

function stagesSection(m: Messages, d: CasePageData, v: CaseView): SafeHtml {
  return html`<section id="stages"><h2>${m['case.stages']}</h2>
<ol class="stages">${v.stages.map(
    (s) => html`<li class="stage ${s.status}" data-stage="${s.id}"><strong>${s.name}</strong> <span class="tag">${label(m, `stage.${s.status}`, s.status)}</span>
<ul class="plain">${s.steps.map(
      (st) => html`<li data-step="${st.id}" data-status="${st.status}">${st.name} · <span class="muted">${label(m, `stepStatus.${st.status}`, st.status)}${
        st.needed > 1 ? html` · ${m['case.decisions'](st.approvals, st.needed)}` : ''
      }${st.dueAt && st.status === 'open' ? html` · ${m['common.due']} ${when(st.dueAt)}` : ''}</span>
${st.assignees.length ? html`<br><span class="muted">${st.assignees.filter((a) => a.active || a.decided).map((a, i) => html`${i ? ', ' : ''}${who(d, a.email)}${a.decided ? ' ✓' : ''}${a.delegatedFrom?.length ? html` (${m['case.delegatedFrom'](a.delegatedFrom.join(' → '))})` : ''}`)}</span>` : ''}</li>`,
    )}</ul></li>`,
  )}</ol></section>`;
}

function timeline(m: Messages, d: CasePageData, v: CaseView): SafeHtml {
  const stepName = (id: string | undefined) => (id ? (v.stages.flatMap((s) => s.steps).find((s) => s.id === id)?.name ?? id) : '');
  const entries = v.history.filter((e) => e.type !== 'reminded');
  const reminders = v.history.length - entries.length;
  return html`<section id="timeline"><h2>${m['case.timeline']}</h2>
<ol class="timeline">${entries.map(
    (e) => html`<li class="event ${e.type}${e.void ? ' void' : ''}" data-type="${e.type}"${e.via ? html` data-via="${e.via}"` : ''}>
<span class="muted">${when(e.at)}</span> <strong>${label(m, `history.${e.type}`, e.type)}</strong>${e.stepId ? html` · ${stepName(e.stepId)}` : ''}
${e.actor ? html`<br>${who(d, e.actor)}${e.via ? html` · ${label(m, `case.via.${e.via}`, e.via)}` : ''}` : ''}${e.documentVersion ? html` · ${m['case.onVersion'](e.documentVersion)}` : ''}${e.to ? html` → ${e.to === 'submitter' ? m['link.sendBackTarget.submitter'] : who(d, e.to)}` : ''}
${e.void ? html`<br><em class="muted">${m['case.void']}</em>` : ''}
${e.scores ? html`<br><span class="muted">${m['case.score']}: ${Object.entries(e.scores).map(([k, n]) => `${k} ${n}`).join(', ')}</span>` : ''}
${e.comment ? html`<blockquote>${e.comment}</blockquote>` : ''}
</li>`,
  )}</ol>
${reminders ? html`<p class="muted">${reminders} × ${m['history.reminded']}</p>` : ''}</section>`;
}

function actionsSection(m: Messages, d: CasePageData, v: CaseView): SafeHtml {
  const action = `/cases/${encodeURIComponent(d.caseRow.id)}/act`;
  const steps = v.stages.flatMap((s) => s.steps);
  const stageName = (id: string) => (id === 'submitter' ? m['link.sendBackTarget.submitter'] : (v.stages.find((s) => s.id === id)?.name ?? steps.find((s) => s.id === id)?.name ?? id));
  const failedFor = (stepId?: string) => (d.failed && d.failed.stepId === stepId ? d.failed : undefined);
  const problem = (stepId?: string) => {
    const f = failedFor(stepId);
    return f
      ? html`<div class="notice bad" role="alert"><p>${f.message}</p>${f.issues.length ? html`<ul>${f.issues.map((i) => html`<li>${i.path ? html`<code>${i.path}</code>: ` : ''}${i.message}</li>`)}</ul>` : ''}</div>`
      : '';
  };
  return html`${v.allowed.map((a) => {
    if (!a.stepId) {
      return html`${
        a.actions.includes('resubmit')
          ? html`<section id="resubmit"><h2>${m['case.resubmit']}</h2><p>${m['case.resubmitHelp']}</p><p><a class="button primary" href="/cases/${encodeURIComponent(d.caseRow.id)}/edit">${m['case.resubmit']}</a></p></section>`
          : ''
      }${
        a.actions.includes('withdraw')
          ? html`<section id="withdraw"><h2>${m['case.withdraw']}</h2>${problem('withdraw')}<p class="help">${m['case.withdrawHelp']}</p>
<form method="post" action="${action}"><input type="hidden" name="_csrf" value="${d.csrf}"><input type="hidden" name="requestId" value="${randomUUID()}">
<label for="withdraw-comment">${m['link.comment']}</label><input type="text" id="withdraw-comment" name="comment" maxlength="5000" value="${failedFor('withdraw')?.previous.comment ?? ''}">
<div class="actions"><button class="danger" type="submit" name="action" value="withdraw">${m['case.withdraw']}</button></div></form></section>`
          : ''
      }`;
    }
    const step = steps.find((s) => s.id === a.stepId);
    if (!step) return '';
    const prev = failedFor(a.stepId)?.previous;
    // A refused delegation comes back in its own form, opened, with what was typed; the decision form stays empty.
    const delegating = prev?.action === 'delegate';
    return html`<div class="your-step" data-step="${a.stepId}">${problem(a.stepId)}${decisionSection(m, {
      action,
      csrf: d.csrf,
      documentSha256: v.document.sha256,
      rubric: step.rubric,
      sendBackTo: step.sendBackTo,
      actions: a.actions,
      stageName,
      previous: delegating ? undefined : prev,
      // A fresh request id per rendered form: a double click sends it twice, the engine records it once.
      hidden: { stepId: a.stepId, requestId: randomUUID() },
      idPrefix: `${a.stepId}-`,
      heading: `${m['case.yourTurn']}: ${step.name}`,
    })}${
      a.actions.includes('delegate')
        ? html`<details${delegating ? html` open` : ''}><summary>${m['case.delegate']}</summary><form method="post" action="${action}">
<input type="hidden" name="_csrf" value="${d.csrf}"><input type="hidden" name="stepId" value="${a.stepId}"><input type="hidden" name="requestId" value="${randomUUID()}">
<p class="help">${m['case.delegateHelp']}</p>
<label for="${a.stepId}-delegateEmail">${m['link.delegateEmail']}</label><input type="email" id="${a.stepId}-delegateEmail" name="delegateEmail" maxlength="320" value="${prev?.delegateEmail ?? ''}">
<label for="${a.stepId}-delegateName">${m['link.delegateName']}</label><input type="text" id="${a.stepId}-delegateName" name="delegateName" maxlength="200" value="${prev?.delegateName ?? ''}">
<label for="${a.stepId}-delegateComment">${m['link.delegateComment']}</label><input type="text" id="${a.stepId}-delegateComment" name="comment" maxlength="5000" value="${delegating ? (prev.comment ?? '') : ''}">
<div class="actions"><button class="secondary" type="submit" name="action" value="delegate">${m['action.delegate']}</button></div></form></details>`
        : ''
    }</div>`;
  })}`;
}

export function casePage(m: Messages, d: CasePageData): SafeHtml {
  const c = d.caseRow;
  const v = d.view;
  const latest = c.documents.at(-1);
  return html`${d.notice ? html`<div class="notice ok" id="notice" role="status"><p>${d.notice}</p></div>` : ''}
${!v ? html`<div class="notice warn"><p>${m['case.stateFromProjection']}</p></div>` : ''}
${d.failed && !v ? html`<div class="notice bad" role="alert"><p>${d.failed.message}</p></div>` : ''}
<section id="summary"><h2>${m['case.summary']}</h2>
<dl>
<dt>${m['common.type']}</dt><dd>${label(m, `type.${c.type}`, c.type)}</dd>
<dt>${m['common.institution']}</dt><dd>${c.institution.name} (${c.institution.code})</dd>
<dt>${m['common.status']}</dt><dd id="case-status" data-status="${v?.status ?? c.status}">${label(m, `status.${v?.status ?? c.status}`, v?.status ?? c.status)}</dd>
${(v?.currentStage?.name ?? c.currentStage) ? html`<dt>${m['case.currentStep']}</dt><dd id="current-stage">${v?.currentStage?.name ?? c.currentStage}</dd>` : ''}
${v?.dueAt ? html`<dt>${m['common.due']}</dt><dd>${when(v.dueAt)}</dd>` : ''}
${v ? html`<dt>${m['common.submittedBy']}</dt><dd>${who(d, v.submitter.email)}</dd>` : ''}
<dt>${m['common.version']}</dt><dd>${latest ? html`${latest.version} · <span class="hash" id="document-sha256">${v?.document.sha256 ?? latest.sha256}</span>` : '—'}</dd>
<dt>${m['case.policy']}</dt><dd>${c.policy.key} v${c.policy.version}</dd>
<dt>${m['common.case']}</dt><dd><code>${c.id}</code></dd>
</dl></section>
${
  d.sealed
    ? html`<section id="sealed" class="notice ok"><h2>${m['case.sealed']}</h2><p>${m['case.sealedIntro']}</p>
<p><a class="button primary" href="/sealed/${encodeURIComponent(d.sealed.id)}.pdf">${m['case.sealedPdf']}</a> <a class="button secondary" href="/verify/${encodeURIComponent(c.id)}">${m['case.verify']}</a></p></section>`
    : ''
}
${v ? actionsSection(m, d, v) : ''}
${v ? stagesSection(m, d, v) : ''}
<section id="fields"><h2>${m['case.fields']}</h2>${c.type === 'strategy' ? strategyFields(m, c.fields) : c.type === 'strategy_report' ? reportFields(m, c.fields, d.reportOn) : fieldList(c.fields)}</section>
<section id="documents"><h2>${m['case.documents']}</h2>
<ul class="plain">${[...c.documents].reverse().map(
    (doc) => html`<li data-version="${doc.version}"><strong>${m['common.version']} ${doc.version}</strong> · ${when(doc.createdAt)} · ${doc.fileName} (${Math.max(1, Math.round(doc.size / 1024))} KB)
<br><span class="hash">${doc.sha256}</span>
<br><a href="/cases/${encodeURIComponent(c.id)}/documents/${doc.version}">${m['case.download']}</a></li>`,
  )}</ul>
${
  d.changes
    ? html`<h3 id="changes">${m['case.changes'](d.changes.from, d.changes.to)}</h3>
${d.changes.documentChanged && d.changes.changes.length === 0 ? html`<p>${m['case.documentChanged']}</p>` : ''}
${d.changes.changes.length ? html`<ul class="plain changes">${d.changes.changes.map((ch) => html`<li><code>${ch.path}</code>: ${ch.kind === 'added' ? '' : html`<del>${showValue(ch.before)}</del> `}${ch.kind === 'removed' ? '' : html`<ins>${showValue(ch.after)}</ins>`}</li>`)}</ul>` : html`<p class="muted">${m['case.noChanges']}</p>`}`
    : ''
}
</section>
${v ? timeline(m, d, v) : ''}`;
}
