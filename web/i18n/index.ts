// Picks a locale and returns its catalogue: an explicit ?lang=, else the language chosen before on this browser
// (cookie), else the signed-in person's own (their emails' language), else Accept-Language, else English.
import { en, type Messages } from './en.js';
import { km } from './km.js';

export const locales = ['en', 'km'] as const;
export type Locale = (typeof locales)[number];

const catalogues: Record<Locale, Messages> = {
  en,
  km: { ...en, ...km },
};

export const messagesFor = (locale: Locale): Messages => catalogues[locale];

export const isLocale = (x: unknown): x is Locale => typeof x === 'string' && (locales as readonly string[]).includes(x);
/** A stored or asked-for language as a locale: English unless it is one we speak. */
export const asLocale = (x: unknown): Locale => (isLocale(x) ? x : 'en');

/** Each language's name in itself, for the language switcher. */
export const localeNames: Record<Locale, string> = { en: 'English', km: 'ខ្មែរ' };

/** A page address in an email, for a reader of `locale`: the page speaks their language whatever their browser says. */
export const inLocale = (url: string, locale: Locale): string => (locale === 'en' ? url : `${url}${url.includes('?') ? '&' : '?'}lang=${locale}`);

/** The cookie that remembers a language chosen with ?lang= (not a secret: no __Host- prefix needed). */
export const LANG_COOKIE = 'chain_lang';

export function pickLocale(req: {
  query?: unknown;
  /** The language cookie's value, if any. */
  chosen?: string;
  identity?: { locale?: string };
  acceptsLanguages(...langs: string[]): string | false;
}): Locale {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (isLocale(q)) return q;
  if (isLocale(req.chosen)) return req.chosen;
  if (isLocale(req.identity?.locale)) return req.identity.locale;
  const accepted = req.acceptsLanguages(...locales);
  return asLocale(accepted);
}

export { en, type Messages };
