// The progress-report form of a signed-off strategy: one row per KPI of the strategy (its targets shown, the
// actual value to fill in), a narrative and an optional PDF. Errors sit next to their inputs, as on the strategy
// form. Input names: actual.<goal>.<kpi>, comment.<goal>.<kpi>, narrative, title, document.
import type { StrategyFields } from '../../domain/strategy/fields.js';
import type { KpiActual } from '../../domain/strategy/report-fields.js';
import { html, type SafeHtml } from '../html.js';
import type { Messages } from '../i18n/index.js';
import { inputId, formatTargets, type FormErrors, type FormValues } from '../strategy-form.js';

export interface ReportFormData {
  action: string;
  csrf: string;
  strategy: { id: string; title: string; fields: StrategyFields };
  pointLabel: string;
  values: FormValues;
  errors: FormErrors;
  problem?: string;
}

/** The form's rows in the order their actual values are sent (so an error on actuals[i] finds its row). */
export const kpiRows = (s: Pick<StrategyFields, 'goals'>) => s.goals.flatMap((g, gi) => g.kpis.map((k, ki) => ({ goal: gi, kpi: ki, goalTitle: g.title, k })));

/** The report's actual values from the form; blank inputs are reported as missing by name. */
export function readActuals(s: Pick<StrategyFields, 'goals'>, values: FormValues, errors: FormErrors): KpiActual[] {
  const out: KpiActual[] = [];
  for (const r of kpiRows(s)) {
    const name = `actual.${r.goal}.${r.kpi}`;
    const raw = (values[name] ?? '').trim();
    const n = Number(raw);
    if (raw === '' || !Number.isFinite(n) || n < 0) {
      errors[name] = raw === '' ? 'Enter the value reached (0 if none).' : 'A number, 0 or more.';
      continue;
    }
    const comment = (values[`comment.${r.goal}.${r.kpi}`] ?? '').trim();
    out.push({ goal: r.goal, kpi: r.kpi, actual: n, ...(comment ? { comment: comment.slice(0, 2000) } : {}) });
  }
  return out;
}

export function reportFormPage(m: Messages, d: ReportFormData): SafeHtml {
  const errorNames = Object.keys(d.errors);
  const err = (name: string) => d.errors[name];
  const input = (name: string, label: string, control: SafeHtml, help?: string) => {
    const id = inputId(name);
    return html`<div class="field${err(name) ? ' invalid' : ''}"><label for="${id}">${label}</label>
${err(name) ? html`<p class="error" id="${id}-error">${err(name)}</p>` : ''}${control}${help ? html`<p class="help">${help}</p>` : ''}</div>`;
  };
  const attrs = (name: string) => html`id="${inputId(name)}" name="${name}"${err(name) ? html` aria-invalid="true" aria-describedby="${inputId(name)}-error"` : ''}`;
  return html`${
    errorNames.length || d.problem
      ? html`<div class="notice bad" id="form-errors" role="alert"><p>${d.problem ?? m['strategyForm.fixErrors'](errorNames.length)}</p>
${errorNames.length ? html`<ul>${errorNames.map((n) => html`<li><a href="#${inputId(n)}">${d.errors[n]}</a></li>`)}</ul>` : ''}</div>`
      : ''
  }
<p>${m['reportForm.intro'](d.pointLabel, d.strategy.title)}</p>
<form method="post" action="${d.action}" enctype="multipart/form-data" novalidate>
<input type="hidden" name="_csrf" value="${d.csrf}">
<input type="hidden" name="formId" value="${d.values.formId ?? ''}">
<section>
${input('title', m['strategyForm.title'], html`<input type="text" ${attrs('title')} maxlength="200" value="${d.values.title ?? ''}">`)}
</section>
<section><h2>${m['reportForm.kpis']}</h2>
${d.strategy.fields.goals.map(
  (g, gi) => html`<fieldset><legend>${m['strategyForm.goal'](gi + 1)}: ${g.title}</legend>
${g.kpis.map((k, ki) =>
  input(
    `actual.${gi}.${ki}`,
    `${k.name} (${k.unit})`,
    html`<input type="text" inputmode="decimal" ${attrs(`actual.${gi}.${ki}`)} value="${d.values[`actual.${gi}.${ki}`] ?? ''}">
<label for="${inputId(`comment.${gi}.${ki}`)}" class="muted">${m['reportForm.kpiComment']}</label><input type="text" ${attrs(`comment.${gi}.${ki}`)} maxlength="2000" value="${d.values[`comment.${gi}.${ki}`] ?? ''}">`,
    m['reportForm.targets'](formatTargets(k.targets), k.baseline),
  ),
)}
</fieldset>`,
)}
</section>
<section>
${input('narrative', m['reportForm.narrative'], html`<textarea ${attrs('narrative')}>${d.values.narrative ?? ''}</textarea>`, m['reportForm.narrativeHelp'])}
${input('document', m['reportForm.file'], html`<input type="file" ${attrs('document')} accept="application/pdf,.pdf">`)}
${errorNames.length ? html`<p class="help">${m['strategyForm.fileAgain']}</p>` : ''}
</section>
<div class="actions"><button class="primary" type="submit" name="submit" value="1">${m['reportForm.submit']}</button></div>
</form>`;
}
