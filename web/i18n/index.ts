// Picks a locale (explicit ?lang=, else Accept-Language) and returns its catalogue merged over English.
import { en, type Messages } from './en.js';
import { km } from './km.js';

export const locales = ['en', 'km'] as const;
export type Locale = (typeof locales)[number];

const catalogues: Record<Locale, Messages> = {
  en,
  km: { ...en, ...km },
};

export const messagesFor = (locale: Locale): Messages => catalogues[locale];

export function pickLocale(req: { query?: unknown; acceptsLanguages(...langs: string[]): string | false }): Locale {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (typeof q === 'string' && (locales as readonly string[]).includes(q)) return q as Locale;
  const accepted = req.acceptsLanguages(...locales);
  return accepted && (locales as readonly string[]).includes(accepted) ? (accepted as Locale) : 'en';
}

export { en, type Messages };
