// Small formatting helpers shared by the pages.
import { html, type SafeHtml } from '../html.js';
import type { Messages } from '../i18n/index.js';

/** A date as people read it in email and on phones: 2026-11-28 14:05 UTC (no locale-dependent formats). */
export const when = (d: Date | string | null | undefined): string => {
  if (!d) return '';
  const date = typeof d === 'string' ? new Date(d) : d;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};

export function label(m: Messages, key: string, fallback: string): string {
  const v = (m as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : fallback;
}

/** Case fields as a definition list: scalars as text, nested values as compact JSON (cut at 400 characters). */
export function fieldList(fields: unknown): SafeHtml {
  if (!fields || typeof fields !== 'object') return html``;
  const entries = Object.entries(fields as Record<string, unknown>).slice(0, 40);
  if (!entries.length) return html``;
  const show = (v: unknown) => {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'object') {
      const s = JSON.stringify(v);
      return s.length > 400 ? `${s.slice(0, 400)}…` : s;
    }
    return String(v);
  };
  return html`<dl>${entries.map(([k, v]) => html`<dt>${humanise(k)}</dt><dd>${show(v)}</dd>`)}</dl>`;
}

const humanise = (k: string) => k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
