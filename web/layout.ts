// The one layout of every server-rendered page: small, readable on a phone over a slow link, no JavaScript, no
// external resources (a Khmer font from this server, loaded only for pages that show Khmer: first in the font
// list, for Khmer characters only — after the system fonts, Chromium set bold Khmer in a font without it). The
// stylesheet is inline and allowed by its hash in the Content-Security-Policy, so no other inline style or script
// can run.
import { createHash } from 'node:crypto';
import { html, raw, type SafeHtml } from './html.js';
import type { Locale, Messages } from './i18n/index.js';
import { khmerFontUrl } from './assets.js';

export const CSS = `
@font-face{font-family:"CHAIn Khmer";src:url(${khmerFontUrl(400)}) format("woff2");font-weight:400;font-display:swap;unicode-range:U+1780-17FF,U+19E0-19FF,U+200B-200D,U+25CC}
@font-face{font-family:"CHAIn Khmer";src:url(${khmerFontUrl(700)}) format("woff2");font-weight:700;font-display:swap;unicode-range:U+1780-17FF,U+19E0-19FF,U+200B-200D,U+25CC}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 "CHAIn Khmer",system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1b1f24;background:#f5f6f8}
header{background:#0b3d6e;color:#fff;padding:.6rem 1rem}
header a{color:#fff;text-decoration:none;font-weight:600}
header small{display:block;opacity:.8;font-size:.8rem}
header nav.lang{float:right;font-size:.9rem}
header nav.lang a{font-weight:400;text-decoration:underline}
main{max-width:44rem;margin:0 auto;padding:1rem}
footer{max-width:44rem;margin:0 auto;padding:1rem;color:#5b6470;font-size:.8rem}
h1{font-size:1.4rem;line-height:1.25;margin:.4rem 0 .8rem}
h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
section,.card{background:#fff;border:1px solid #d9dde3;border-radius:.5rem;padding:.8rem 1rem;margin:.8rem 0}
dl{display:grid;grid-template-columns:minmax(6rem,auto) 1fr;gap:.2rem .8rem;margin:0}
dt{color:#5b6470}dd{margin:0;overflow-wrap:anywhere}
code,.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;overflow-wrap:anywhere;word-break:break-all}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f0f2f5;padding:.6rem;border-radius:.3rem;font-size:.85rem}
label{display:block;font-weight:600;margin:.7rem 0 .2rem}
input[type=email],input[type=text],textarea,select{width:100%;font:inherit;padding:.55rem;border:1px solid #9aa3ad;border-radius:.35rem;background:#fff}
textarea{min-height:6rem}
.help{color:#5b6470;font-size:.85rem;margin:.2rem 0}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}
button,.button{font:inherit;font-weight:600;padding:.7rem 1.1rem;border-radius:.4rem;border:1px solid transparent;cursor:pointer;min-height:2.75rem;text-decoration:none;display:inline-block}
.primary{background:#157f3b;color:#fff}.danger{background:#b42318;color:#fff}.secondary{background:#fff;color:#0b3d6e;border-color:#0b3d6e}
.notice{border-left:4px solid #0b3d6e;background:#eef4fb;padding:.6rem .8rem;margin:.8rem 0}
.warn{border-left-color:#b54708;background:#fffaeb}.ok{border-left-color:#157f3b;background:#ecfdf3}.bad{border-left-color:#b42318;background:#fef3f2}
ul.plain{list-style:none;padding:0;margin:0}ul.plain li{padding:.4rem 0;border-bottom:1px solid #eceff3}
.steps li{display:flex;justify-content:space-between;gap:.5rem}
.muted{color:#5b6470}
.error{color:#b42318;font-weight:600;margin:.1rem 0}
.invalid input,.invalid textarea,.invalid select{border-color:#b42318;border-width:2px}
fieldset{border:1px solid #d9dde3;border-radius:.4rem;margin:.8rem 0;padding:.4rem .8rem}
fieldset fieldset{background:#f9fafb}
legend{font-weight:600;padding:0 .3rem}
input[type=file]{width:100%;font:inherit}
blockquote{margin:.3rem 0;padding:.3rem .6rem;border-left:3px solid #d9dde3;background:#f9fafb;overflow-wrap:anywhere}
ol.timeline,ol.stages{padding-left:1.2rem;margin:0}ol.timeline li,ol.stages li{margin:.5rem 0}
.void{opacity:.7}del{color:#b42318}ins{color:#157f3b;text-decoration:none}
.tag{font-size:.8rem;color:#5b6470;border:1px solid #d9dde3;border-radius:1rem;padding:0 .5rem}
details{margin:.5rem 0}summary{cursor:pointer;color:#0b3d6e;font-weight:600;padding:.4rem 0}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem;border-bottom:1px solid #eceff3;vertical-align:top}
`.trim();

/** The CSP source for the stylesheet above. */
export const CSS_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${CSS_HASH}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export interface LayoutOptions {
  m: Messages;
  locale: Locale;
  title: string;
  body: SafeHtml;
  /** Signed-in person's name, shown in the header. */
  who?: string;
  /** This page in each language (the switcher in the header). */
  languages?: { locale: string; name: string; href: string; current: boolean }[];
}

export function layout(o: LayoutOptions): string {
  return (
    '<!doctype html>\n' +
    html`<html lang="${o.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title} · ${o.m['app.name']}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<header>${
      o.languages
        ? html`<nav class="lang" aria-label="${o.m['layout.language']}">${o.languages.map((l, i) =>
            html`${i ? ' · ' : ''}${l.current ? html`<span lang="${l.locale}" aria-current="true">${l.name}</span>` : html`<a href="${l.href}" lang="${l.locale}" hreflang="${l.locale}">${l.name}</a>`}`,
          )}</nav>`
        : ''
    }<a href="/">${o.m['app.name']}</a><small>${o.who ?? o.m['app.tagline']}</small></header>
<main>
<h1>${o.title}</h1>
${o.body}
</main>
<footer>${o.m['app.footer']}</footer>
</body>
</html>
`.value
  );
}
