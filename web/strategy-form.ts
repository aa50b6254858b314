// The strategy submission form as flat inputs ↔ the structured strategy fields (domain/strategy/fields.ts), and
// the validation errors placed next to the inputs they are about. Pure: no I/O, so it is tested on its own.
//
// Input names follow the field paths: period.from, vision, budget.amount, goals.0.title,
// goals.0.kpis.1.targets ("2027: 40, 2028: 60"), responsibleUnits (one per line). Blank goal and KPI rows are
// left out, and errors are mapped back to the rows the person typed in.
import { strategyFieldsSchema, type StrategyFields } from '../domain/strategy/fields.js';

export type FormValues = Record<string, string>;
/** Input name → message. */
export type FormErrors = Record<string, string>;

export const GOAL_PARTS = ['title', 'description'] as const;
export const KPI_PARTS = ['kind', 'name', 'unit', 'baseline', 'targets'] as const;

const blank = (v: string | undefined) => v === undefined || v.trim() === '';

/** How many goal rows, and KPI rows per goal, the form shows: what was typed, at least the defaults, plus "more". */
export function formShape(values: FormValues, more: boolean): { goals: number; kpis: number[] } {
  let goals = 0;
  const kpis: number[] = [];
  for (const name of Object.keys(values)) {
    const g = /^goals\.(\d+)\./.exec(name);
    if (!g) continue;
    const gi = Number(g[1]);
    if (gi >= 20) continue;
    goals = Math.max(goals, gi + 1);
    const k = /^goals\.\d+\.kpis\.(\d+)\./.exec(name);
    if (k && Number(k[1]) < 20) kpis[gi] = Math.max(kpis[gi] ?? 0, Number(k[1]) + 1);
  }
  goals = Math.min(20, Math.max(goals, 2) + (more ? 1 : 0));
  return { goals, kpis: Array.from({ length: goals }, (_, i) => Math.min(20, Math.max(kpis[i] ?? 0, 2) + (more ? 1 : 0))) };
}

/** "2027: 40, 2028: 60" (also "2027=40", one per line) → { "2027": 40, ... }; null when it cannot be read. */
export function parseTargets(text: string): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const part of text.split(/[,;\n]+/)) {
    if (!part.trim()) continue;
    const m = /^\s*(\d{4})\s*[:=]\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) return null;
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export const formatTargets = (t: Record<string, number> | undefined) =>
  Object.entries(t ?? {})
    .map(([y, n]) => `${y}: ${n}`)
    .join(', ');

export interface ParsedStrategyForm {
  title: string;
  institution: string;
  /** Valid structured fields, or undefined when there are errors. */
  fields?: StrategyFields;
  errors: FormErrors;
}

/** Reads the form and validates it with the strategy schema; every error names the input it belongs to. */
export function parseStrategyForm(values: FormValues, opts: { needTitle: boolean }): ParsedStrategyForm {
  const errors: FormErrors = {};
  const v = (name: string) => (values[name] ?? '').trim();
  const title = v('title');
  if (opts.needTitle && title.length < 3) errors.title = 'Give the strategy a title (at least 3 characters).';
  const required = (name: string, message: string) => {
    if (blank(values[name])) errors[name] = message;
    return blank(values[name]) ? undefined : v(name);
  };

  // Goal rows and KPI rows with anything typed in them, remembering which row each came from.
  const shape = formShape(values, false);
  const goalRows: number[] = [];
  const kpiRows: number[][] = [];
  const goals = [];
  for (let g = 0; g < shape.goals; g++) {
    const kpis = [];
    const rows: number[] = [];
    for (let k = 0; k < shape.kpis[g]!; k++) {
      const p = `goals.${g}.kpis.${k}.`;
      if (KPI_PARTS.filter((x) => x !== 'kind' && x !== 'unit').every((x) => blank(values[p + x]))) continue;
      const targets = parseTargets(values[`${p}targets`] ?? '');
      if (targets === null) errors[`${p}targets`] = 'Write targets as year: number, for example 2027: 40, 2028: 60.';
      kpis.push({
        kind: v(`${p}kind`) || 'other',
        name: v(`${p}name`),
        unit: v(`${p}unit`) || 'count',
        ...(blank(values[`${p}baseline`]) ? {} : { baseline: v(`${p}baseline`) }),
        targets: targets ?? {},
      });
      rows.push(k);
    }
    const gp = `goals.${g}.`;
    if (blank(values[`${gp}title`]) && blank(values[`${gp}description`]) && kpis.length === 0) continue;
    goals.push({ title: v(`${gp}title`), ...(blank(values[`${gp}description`]) ? {} : { description: v(`${gp}description`) }), kpis });
    goalRows.push(g);
    kpiRows.push(rows);
  }

  const raw = {
    period: { from: required('period.from', 'Enter the first year of the period.'), to: required('period.to', 'Enter the last year of the period.') },
    vision: v('vision'),
    goals,
    budget: { amount: required('budget.amount', 'Enter the budget (0 if none).'), currency: v('budget.currency') || 'USD' },
    responsibleUnits: (values.responsibleUnits ?? '')
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean),
  };
  const parsed = strategyFieldsSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = inputFor(issue.path, goalRows, kpiRows);
      errors[name] ??= issue.message;
    }
  }
  return { title, institution: v('institution').toUpperCase(), fields: parsed.success && Object.keys(errors).length === 0 ? parsed.data : undefined, errors };
}

/** The input a schema path belongs to (goal and KPI indexes mapped back to the form's rows). */
export function inputFor(path: PropertyKey[], goalRows: number[], kpiRows: number[][]): string {
  const [head, a, b, c, d] = path;
  switch (head) {
    case 'period':
      return a === 'from' ? 'period.from' : 'period.to';
    case 'budget':
      return a === 'currency' ? 'budget.currency' : 'budget.amount';
    case 'vision':
      return 'vision';
    case 'responsibleUnits':
      return 'responsibleUnits';
    case 'goals': {
      if (typeof a !== 'number') return 'goals.0.title';
      const g = goalRows[a] ?? a;
      if (b !== 'kpis') return `goals.${g}.${b === 'description' ? 'description' : 'title'}`;
      if (typeof c !== 'number') return `goals.${g}.kpis.0.name`;
      const k = kpiRows[a]?.[c] ?? c;
      const part = KPI_PARTS.includes(d as (typeof KPI_PARTS)[number]) ? (d as string) : 'name';
      return `goals.${g}.kpis.${k}.${part}`;
    }
    default:
      return 'title';
  }
}

/** Structured fields → the form's inputs (to prefill a resubmission). */
export function strategyToForm(fields: unknown): FormValues {
  const out: FormValues = {};
  const r = strategyFieldsSchema.safeParse(fields);
  if (!r.success) return out;
  const s = r.data;
  out['period.from'] = String(s.period.from);
  out['period.to'] = String(s.period.to);
  out.vision = s.vision;
  out['budget.amount'] = String(s.budget.amount);
  out['budget.currency'] = s.budget.currency;
  out.responsibleUnits = s.responsibleUnits.join('\n');
  s.goals.forEach((g, gi) => {
    out[`goals.${gi}.title`] = g.title;
    if (g.description) out[`goals.${gi}.description`] = g.description;
    g.kpis.forEach((k, ki) => {
      const p = `goals.${gi}.kpis.${ki}.`;
      out[`${p}kind`] = k.kind;
      out[`${p}name`] = k.name;
      out[`${p}unit`] = k.unit;
      if (k.baseline !== undefined) out[`${p}baseline`] = String(k.baseline);
      out[`${p}targets`] = formatTargets(k.targets);
    });
  });
  return out;
}

/** An input's element id (also the anchor of the error summary). */
export const inputId = (name: string) => `f-${name.replace(/[^A-Za-z0-9]+/g, '-')}`;
