// The strategy submission form (new, and resubmission after a send back): structured fields and the PDF upload,
// each error next to its input and listed on top. Works without JavaScript: "More rows" re-renders the form.
import { kpiKinds } from '../../domain/strategy/fields.js';
import { html, type SafeHtml } from '../html.js';
import type { Messages } from '../i18n/index.js';
import { label } from './format.js';
import { formShape, inputId, type FormErrors, type FormValues } from '../strategy-form.js';

export interface StrategyFormData {
  action: string;
  csrf: string;
  mode: 'new' | 'resubmit';
  /** Institutions the person may submit for (new only). */
  institutions: { code: string; name: string }[];
  values: FormValues;
  errors: FormErrors;
  more: boolean;
  /** A general error (not about one input), e.g. a refused upload. */
  problem?: string;
}

const field = (m: Messages, d: StrategyFormData, name: string, text: string, control: (attrs: SafeHtml) => SafeHtml, help?: string) => {
  const id = inputId(name);
  const err = d.errors[name];
  const attrs = html`id="${id}" name="${name}"${err ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}`;
  return html`<div class="field${err ? ' invalid' : ''}">
<label for="${id}">${text}</label>
${err ? html`<p class="error" id="${id}-error">${err}</p>` : ''}
${control(attrs)}
${help ? html`<p class="help">${help}</p>` : ''}
</div>`;
};

const text = (d: StrategyFormData, name: string, extra = '') => (attrs: SafeHtml) =>
  html`<input type="text" ${attrs} value="${d.values[name] ?? ''}"${extra ? html` ${extra}` : ''}>`;
const area = (d: StrategyFormData, name: string) => (attrs: SafeHtml) => html`<textarea ${attrs}>${d.values[name] ?? ''}</textarea>`;

export function strategyFormPage(m: Messages, d: StrategyFormData): SafeHtml {
  const shape = formShape(d.values, d.more);
  const errorNames = Object.keys(d.errors);
  const kindSelect = (name: string) => (attrs: SafeHtml) =>
    html`<select ${attrs}>${kpiKinds.map((k) => html`<option value="${k}"${(d.values[name] ?? '') === k ? html` selected` : ''}>${label(m, `kpi.${k}`, k)}</option>`)}</select>`;

  return html`${
    errorNames.length || d.problem
      ? html`<div class="notice bad" id="form-errors" role="alert"><p>${d.problem ?? m['strategyForm.fixErrors'](errorNames.length)}</p>
${errorNames.length ? html`<ul>${errorNames.map((n) => html`<li><a href="#${inputId(n)}">${d.errors[n]}</a></li>`)}</ul>` : ''}</div>`
      : ''
  }
<p>${d.mode === 'new' ? m['strategyForm.intro'] : m['strategyForm.resubmitIntro']}</p>
<form method="post" action="${d.action}" enctype="multipart/form-data" novalidate>
<input type="hidden" name="_csrf" value="${d.csrf}">
${d.values.formId ? html`<input type="hidden" name="formId" value="${d.values.formId}">` : ''}
${d.values.requestId ? html`<input type="hidden" name="requestId" value="${d.values.requestId}">` : ''}
<section><h2>${m['strategyForm.about']}</h2>
${
  d.mode === 'new'
    ? html`${field(m, d, 'institution', m['common.institution'], (attrs) =>
        d.institutions.length === 1
          ? html`<select ${attrs}><option value="${d.institutions[0]!.code}">${d.institutions[0]!.name}</option></select>`
          : html`<select ${attrs}>${d.institutions.map((i) => html`<option value="${i.code}"${d.values.institution === i.code ? html` selected` : ''}>${i.name}</option>`)}</select>`,
      )}
${field(m, d, 'title', m['strategyForm.title'], text(d, 'title', 'maxlength="200"'), m['strategyForm.titleHelp'])}`
    : ''
}
${field(m, d, 'period.from', m['strategyForm.periodFrom'], text(d, 'period.from', 'inputmode="numeric" maxlength="4"'))}
${field(m, d, 'period.to', m['strategyForm.periodTo'], text(d, 'period.to', 'inputmode="numeric" maxlength="4"'))}
${field(m, d, 'vision', m['strategyForm.vision'], area(d, 'vision'), m['strategyForm.visionHelp'])}
</section>
<section><h2>${m['strategyForm.goals']}</h2>
<p class="help">${m['strategyForm.goalsHelp']}</p>
${Array.from({ length: shape.goals }, (_, g) => {
  const gp = `goals.${g}.`;
  return html`<fieldset class="goal" id="goal-${g}"><legend>${m['strategyForm.goal'](g + 1)}</legend>
${field(m, d, `${gp}title`, m['strategyForm.goalTitle'], text(d, `${gp}title`, 'maxlength="300"'))}
${field(m, d, `${gp}description`, m['strategyForm.goalDescription'], area(d, `${gp}description`))}
${Array.from({ length: shape.kpis[g]! }, (_, k) => {
  const p = `${gp}kpis.${k}.`;
  return html`<fieldset class="kpi" id="goal-${g}-kpi-${k}"><legend>${m['strategyForm.kpi'](k + 1)}</legend>
${field(m, d, `${p}kind`, m['strategyForm.kpiKind'], kindSelect(`${p}kind`))}
${field(m, d, `${p}name`, m['strategyForm.kpiName'], text(d, `${p}name`, 'maxlength="200"'))}
${field(m, d, `${p}unit`, m['strategyForm.kpiUnit'], text(d, `${p}unit`, 'maxlength="40" placeholder="count"'))}
${field(m, d, `${p}baseline`, m['strategyForm.kpiBaseline'], text(d, `${p}baseline`, 'inputmode="decimal"'))}
${field(m, d, `${p}targets`, m['strategyForm.kpiTargets'], text(d, `${p}targets`, 'placeholder="2027: 40, 2028: 60"'), m['strategyForm.kpiTargetsHelp'])}
</fieldset>`;
})}
</fieldset>`;
})}
<div class="actions"><button class="secondary" type="submit" name="more" value="1">${m['strategyForm.moreRows']}</button></div>
</section>
<section><h2>${m['strategyForm.resources']}</h2>
${field(m, d, 'budget.amount', m['strategyForm.budget'], text(d, 'budget.amount', 'inputmode="decimal"'))}
${field(m, d, 'budget.currency', m['strategyForm.currency'], (attrs) => html`<select ${attrs}>${['USD', 'KHR', 'EUR'].map((c) => html`<option value="${c}"${(d.values['budget.currency'] ?? 'USD') === c ? html` selected` : ''}>${c}</option>`)}</select>`)}
${field(m, d, 'responsibleUnits', m['strategyForm.units'], area(d, 'responsibleUnits'), m['strategyForm.unitsHelp'])}
</section>
<section><h2>${m['strategyForm.document']}</h2>
${field(m, d, 'document', m['strategyForm.file'], (attrs) => html`<input type="file" ${attrs} accept="application/pdf,.pdf">`, m['strategyForm.fileHelp'](d.mode === 'resubmit'))}
${d.errors.document || errorNames.length ? html`<p class="help">${m['strategyForm.fileAgain']}</p>` : ''}
${d.mode === 'resubmit' ? field(m, d, 'comment', m['strategyForm.comment'], area(d, 'comment')) : ''}
</section>
<div class="actions"><button class="primary" type="submit" name="submit" value="1">${d.mode === 'new' ? m['strategyForm.submit'] : m['strategyForm.resubmit']}</button></div>
</form>`;
}
