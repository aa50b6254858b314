// Khmer in the sealed PDFs: shaping (HarfBuzz with Noto Sans Khmer), line breaking at Khmer word boundaries, and
// the rendered decision read back by poppler — fonts embedded, the Khmer text extracted as typed, the seal valid.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as fontkit from 'fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDevCertificateP12, createSealer, renderDecisionPdf, sealDecision, startSealThread } from '../../activities/pdf/index.js';
import { breakUnits, scriptRuns, shapeKhmer, wordTokens } from '../../activities/pdf/khmer.js';
import { embedFaces, wrapText, type Faces } from '../../activities/pdf/layout.js';
import { sampleDecision, sampleKhmerDecision } from '../../activities/pdf/sample-decision.js';
import { describeWithPoppler, pdfPageGray, pdfsig, pdftotext } from '../support/poppler.js';

const require = createRequire(import.meta.url);
const fontFile = require.resolve('@expo-google-fonts/noto-sans-khmer/400Regular/NotoSansKhmer_400Regular.ttf');
const fontBytes = new Uint8Array(readFileSync(fontFile));
const font = fontkit.create(Buffer.from(fontBytes)) as fontkit.Font;
const cmapGlyph = (ch: string) => font.glyphForCodePoint(ch.codePointAt(0)!).id;

const dir = mkdtempSync(path.join(tmpdir(), 'chain-khmer-'));
const write = (name: string, bytes: Uint8Array) => {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
};

// Names and phrases this product prints: universities, the ministry, the three paths, dates.
const CORPUS = [
  'សាកលវិទ្យាល័យភូមិន្ទភ្នំពេញ',
  'ក្រសួងអប់រំ យុវជន និងកីឡា',
  'សាកលវិទ្យាល័យភូមិន្ទកសិកម្ម',
  'យុទ្ធសាស្ត្រអន្តរជាតិភាវូបនីយកម្ម',
  'អនុស្សរណៈនៃការយោគយល់គ្នា',
  'ការទទួលស្គាល់ក្រេឌីត',
  'ស្ត្រី ព្រះរាជាណាចក្រកម្ពុជា ឆ្នាំ២០២៦',
];

describe('Khmer shaping (HarfBuzz, Noto Sans Khmer)', () => {
  it('has a glyph for every character of names and phrases the product prints (no .notdef boxes)', () => {
    for (const text of CORPUS) {
      const glyphs = shapeKhmer(fontBytes, text.replace(/ /g, ''));
      expect(glyphs.length, text).toBeGreaterThan(0);
      expect(glyphs.filter((g) => g.id === 0), text).toEqual([]);
    }
  });

  it('draws a pre-base vowel before its consonant, as the eye reads it', () => {
    // "កេ": KA then vowel E (U+17C1), which is written to the left of the consonant.
    const [first, second] = shapeKhmer(fontBytes, 'កេ');
    expect(first!.id).toBe(cmapGlyph('េ'));
    expect(second!.id).toBe(cmapGlyph('ក'));
  });

  it('turns coeng + consonant into a subscript form placed below the line, and coeng RO before the base', () => {
    // "ក្ក": KA, COENG, KA — the second KA becomes a subscript glyph without advance, drawn below the baseline.
    const stacked = shapeKhmer(fontBytes, 'ក្ក');
    expect(stacked).toHaveLength(2);
    expect(stacked[0]!.id).toBe(cmapGlyph('ក'));
    expect(stacked[1]!.id).not.toBe(cmapGlyph('ក'));
    expect(stacked[1]!.xAdvance).toBe(0);
    // "ស្ត្រី": SA, COENG TA, COENG RO, vowel II — coeng RO is drawn first, to the left of the base SA.
    const sri = shapeKhmer(fontBytes, 'ស្ត្រី');
    expect(sri[1]!.id).toBe(cmapGlyph('ស'));
    expect(sri[0]!.id).not.toBe(cmapGlyph('រ'));
    expect(sri.slice(2).every((g) => g.xAdvance === 0)).toBe(true);
  });

  it('shapes the words fontkit cannot (its GPOS code throws on the Royal University of Phnom Penh)', () => {
    expect(() => font.layout('សាកលវិទ្យាល័យភូមិន្ទភ្នំពេញ')).toThrow();
    expect(shapeKhmer(fontBytes, 'សាកលវិទ្យាល័យភូមិន្ទភ្នំពេញ').length).toBeGreaterThan(10);
  });
});

describe('Khmer line breaking', () => {
  it('splits a line into Khmer and other runs, dropping zero-width spaces', () => {
    expect(scriptRuns('Budget (ក្នុង\u200Bឆ្នាំ២០២៦).')).toEqual([
      { text: 'Budget (', khmer: false },
      { text: 'ក្នុងឆ្នាំ២០២៦', khmer: true },
      { text: ').', khmer: false },
    ]);
  });

  it('finds word boundaries inside Khmer text, keeping punctuation with its word and Latin words whole', () => {
    const tokens = wordTokens('សូមពិនិត្យមើលផែនការថវិកា (ក្នុងឆ្នាំ២០២៦). e.g. budget-lines');
    // ICU's dictionary: "ពិនិត្យមើល" (to review) is one word.
    expect(tokens.map((t) => t.text).join('|')).toBe('សូម|ពិនិត្យមើល|ផែនការ|ថវិកា|(ក្នុង|ឆ្នាំ២០២៦).|e.g.|budget-lines');
    expect(tokens.map((t) => t.glued)).toEqual([false, true, true, true, false, true, false, false]);
    // A writer's zero-width space marks a boundary and is not kept.
    expect(wordTokens('ថវិកា\u200Bឆ្នាំ').map((t) => t.text)).toEqual(['ថវិកា', 'ឆ្នាំ']);
    expect(wordTokens('plain latin text')).toEqual([
      { text: 'plain', glued: false },
      { text: 'latin', glued: false },
      { text: 'text', glued: false },
    ]);
  });

  it('never breaks between a coeng and its consonant when a word is wider than the line', () => {
    const units = breakUnits('ក្នុងឆ្នាំ');
    expect(units.join('')).toBe('ក្នុងឆ្នាំ');
    for (const u of units) {
      expect(u.endsWith('\u17D2')).toBe(false);
      expect(/^[\p{M}]/u.test(u)).toBe(false);
    }
  });

  describe('with the embedded faces', () => {
    let faces: Faces;
    beforeAll(async () => {
      faces = await embedFaces(await PDFDocument.create(), { khmer: true });
    });

    it('wraps a long Khmer paragraph within the width, breaking only between words', () => {
      const sentence = 'សូមពិនិត្យមើលផែនការថវិកា និងកាលវិភាគនៃការផ្លាស់ប្តូរនិស្សិត។ ';
      const text = sentence.repeat(8).trim();
      const lines = wrapText(text, faces.regular, 9.5, 180);
      expect(lines.length).toBeGreaterThan(4);
      for (const l of lines) {
        expect(faces.regular.widthOf(l, 9.5)).toBeLessThanOrEqual(180);
        // No line starts with a dependent vowel, a sign or a coeng: those belong to the syllable before.
        expect(/^[\p{M}]/u.test(l), l).toBe(false);
      }
      // Each line is whole words, in order: taken together the lines use up the paragraph's words exactly.
      const words = wordTokens(text).map((t) => t.text);
      let next = 0;
      for (const l of lines) {
        let rest = l.replace(/ /g, '');
        while (rest && rest.startsWith(words[next]!)) rest = rest.slice(words[next++]!.length);
        expect(rest, `line "${l}" ends inside a word`).toBe('');
      }
      expect(next).toBe(words.length);
    });

    it('measures mixed lines as the sum of their runs, Latin in Noto Sans and Khmer in Noto Sans Khmer', () => {
      const latin = faces.regular.widthOf('Budget OK (', 10);
      const khmer = faces.regular.widthOf('ក្នុងឆ្នាំ២០២៦', 10);
      expect(khmer).toBeGreaterThan(0);
      expect(faces.regular.widthOf('Budget OK (ក្នុងឆ្នាំ២០២៦', 10)).toBeCloseTo(latin + khmer, 6);
    });
  });
});

const khmerDecision = () => {
  // The sample written in Khmer, with a comment long enough to wrap over several lines of its table cell.
  const doc = sampleKhmerDecision();
  doc.decisions[0]!.comment = 'សូមពិនិត្យមើលផែនការថវិកា និងកាលវិភាគនៃការផ្លាស់ប្តូរនិស្សិត។ '.repeat(5) + 'Budget OK (ក្នុងឆ្នាំ២០២៦).';
  return doc;
};

describeWithPoppler('a decision written in Khmer, read back by poppler', () => {
  it('embeds Noto Sans Khmer only when there is Khmer, and gives the Khmer back as typed', async () => {
    const latinOnly = Buffer.from(await renderDecisionPdf(sampleDecision())).toString('latin1');
    expect(latinOnly).not.toContain('NotoSansKhmer');

    const doc = khmerDecision();
    const bytes = await renderDecisionPdf(doc);
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/CHAINK\+NotoSansKhmer-Regular/);
    expect(raw).toMatch(/\/BaseFont \/CHAINL\+NotoSansKhmer-Bold/);
    // The Khmer of the page in reading order (the table's other columns interleave Latin lines with the comment's).
    const khmerOnly = (s: string) => s.replace(/[^\u1780-\u17FF]/g, '');
    const text = khmerOnly(pdftotext(write('khmer.pdf', bytes)));
    for (const typed of [doc.title, doc.decisions[0]!.who.name + doc.decisions[0]!.comment!]) expect(text).toContain(khmerOnly(typed));
    // The same input gives the same bytes, Khmer included.
    expect(Buffer.from(await renderDecisionPdf(khmerDecision())).equals(Buffer.from(bytes))).toBe(true);
  });

  it('draws each glyph where HarfBuzz placed it: subscripts below the line, marks above (ink measured by pdftoppm)', async () => {
    // One word at 40 pt with its baseline at y = 100 pt; the ink's extent, rasterised, must match the extent the
    // glyph outlines take at HarfBuzz's positions. Drawing at advances only would lift the subscripts by up to 0.3 em.
    const word = 'ភ្នំពេញ ព្រះរាជាណាចក្រកម្ពុជា';
    const doc = await PDFDocument.create();
    const page = doc.addPage([700, 200]);
    const faces = await embedFaces(doc, { khmer: true });
    const [size, x0, baseline] = [40, 20, 100];
    faces.regular.draw(page, word, x0, baseline, size, rgb(0, 0, 0));
    const dpi = 144;
    const { width, height, gray } = pdfPageGray(write('ink.pdf', await doc.save()), 1, dpi);
    let [top, bottom, left, right] = [height, -1, width, -1];
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        if (gray[y * width + x]! < 128) [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
    const pt = (px: number) => (px * 72) / dpi;

    // The expected extent from the outlines, in font units relative to the pen's start and the baseline.
    let [minY, maxY, minX, maxX, pen] = [Infinity, -Infinity, Infinity, -Infinity, 0];
    for (const run of word.split(/( )/)) {
      if (run === ' ') {
        pen += faces.regular.widthOf(' ', 1000) * (font.unitsPerEm / 1000);
        continue;
      }
      for (const g of shapeKhmer(fontBytes, run)) {
        const box = font.getGlyph(g.id).bbox;
        if (box.maxX > box.minX) {
          [minY, maxY] = [Math.min(minY, g.yOffset + box.minY), Math.max(maxY, g.yOffset + box.maxY)];
          [minX, maxX] = [Math.min(minX, pen + g.xOffset + box.minX), Math.max(maxX, pen + g.xOffset + box.maxX)];
        }
        pen += g.xAdvance;
      }
    }
    const scale = size / font.unitsPerEm;
    const tolerance = 1.5; // pt: anti-aliasing and pixel rounding
    expect(Math.abs(200 - pt(bottom) - (baseline + minY * scale))).toBeLessThan(tolerance);
    expect(Math.abs(200 - pt(top) - (baseline + maxY * scale))).toBeLessThan(tolerance);
    expect(Math.abs(pt(left) - (x0 + minX * scale))).toBeLessThan(tolerance);
    expect(Math.abs(pt(right) - (x0 + maxX * scale))).toBeLessThan(tolerance);
  });

  it('seals to the same bytes whatever the process rendered before (two fresh seal threads agree)', async () => {
    // One thread seals the decision first thing; the other first renders a decision that meets the same glyph in
    // another way: KA inside clusters whose first glyph is a vowel (in the bold title).
    const source = { p12: createDevCertificateP12({ passphrase: 'km-pass' }), passphrase: 'km-pass', development: true };
    const decision = sampleKhmerDecision({ title: 'ក កក partner', sealedAt: '2026-11-28T02:00:00Z' });
    const [fresh, used] = [startSealThread(source), startSealThread(source)];
    try {
      const first = await fresh.sealDecision(decision);
      await used.sealDecision(sampleKhmerDecision({ title: 'កើ កេ កៀ partner' }));
      const after = await used.sealDecision(decision);
      expect(Buffer.from(after.pdf).equals(Buffer.from(first.pdf))).toBe(true);
    } finally {
      await Promise.all([fresh.close(), used.close()]);
    }
  }, 30_000);

  it('seals a Khmer decision that pdfsig reports valid', async () => {
    const sealer = createSealer({ p12: createDevCertificateP12({ passphrase: 'km-pass' }), passphrase: 'km-pass', development: true });
    const sealed = await sealDecision(khmerDecision(), sealer);
    const out = pdfsig(write('khmer-sealed.pdf', sealed.pdf));
    expect(out).toContain('Signature is Valid.');
    expect(out).not.toMatch(/Signature is Invalid|Digest Mismatch/);
  });
});
