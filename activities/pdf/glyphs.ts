// The glyph objects pdf-lib's font embedder takes (it reads `id`, `advanceWidth` and `codePoints`, the last for the
// font's ToUnicode map). fontkit keeps one glyph object per id, with the characters it was first asked for: a
// shaped Khmer glyph met in one cluster and then in another would carry whatever this process rendered first — and
// the same decision would seal to different bytes after a different history. Here a glyph's characters depend on
// the glyph alone: the smallest code point the font's cmap maps to it, none for a glyph no character maps to (a
// subscript form: its text travels in the run's ActualText). Latin text needs none of this: pdf-lib's path looks
// each character up in the cmap, and Noto Sans maps no two characters to one glyph.
import type * as fontkit from 'fontkit';

/** U+200B stands for "no character of its own": an empty ToUnicode entry is not valid. */
const NO_CHARACTER = [0x200b];

interface Canonical {
  characterOf: Map<number, number>;
  glyphs: Map<number, fontkit.Glyph>;
}
const canonical = new WeakMap<fontkit.Font, Canonical>();

export function glyphFor(font: fontkit.Font, id: number): fontkit.Glyph {
  let c = canonical.get(font);
  if (!c) {
    const characterOf = new Map<number, number>();
    for (const cp of font.characterSet) {
      const gid = font.glyphForCodePoint(cp).id;
      const seen = characterOf.get(gid);
      if (seen === undefined || cp < seen) characterOf.set(gid, cp);
    }
    c = { characterOf, glyphs: new Map() };
    canonical.set(font, c);
  }
  let glyph = c.glyphs.get(id);
  if (!glyph) {
    const cp = c.characterOf.get(id);
    glyph = Object.create(font.getGlyph(id), { codePoints: { value: cp === undefined ? NO_CHARACTER : [cp], enumerable: true } }) as fontkit.Glyph;
    c.glyphs.set(id, glyph);
  }
  return glyph;
}
