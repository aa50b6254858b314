// The pages' one kind of static file: Noto Sans Khmer as WOFF2 (about 23 kB a weight, its Khmer subset), for
// every device alike — the stylesheet asks for it only for Khmer characters (unicode-range): an English page loads
// the regular weight for the language switcher's "ខ្មែរ" alone. Served from the installed package, named with its version:
// the address changes when the font does, so browsers may keep it for a year.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Router } from 'express';

const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('@fontsource/noto-sans-khmer/package.json'));
const version = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;

const WEIGHTS = [400, 700] as const;
/** The font's address for a weight, as the stylesheet names it. */
export const khmerFontUrl = (weight: (typeof WEIGHTS)[number]) => `/assets/fonts/noto-sans-khmer-${version}-${weight}.woff2`;

const files = new Map<string, Buffer>(
  WEIGHTS.map((w) => [khmerFontUrl(w), readFileSync(path.join(pkgDir, 'files', `noto-sans-khmer-khmer-${w}-normal.woff2`))]),
);

export function assetRoutes(): Router {
  return Router().get('/assets/fonts/:file', (req, res, next) => {
    const bytes = files.get(req.path);
    if (!bytes) return next();
    res.set({
      'Content-Type': 'font/woff2',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.send(bytes);
  });
}
