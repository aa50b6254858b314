// Khmer in the sealed PDFs. Titles, names and comments may be written in Khmer, and the sealed decision must show
// them as written. Three things differ from the Latin text around them:
// - Shaping: a syllable is not its characters side by side. Coeng (U+17D2) turns the next consonant into a
//   subscript, some vowels are drawn before the consonant they follow, marks stack above and below. HarfBuzz (the
//   shaper of browsers and LibreOffice, here as WebAssembly) applies the font's OpenType rules; fontkit's own shaper
//   fails on common words ("សាកលវិទ្យាល័យភូមិន្ទភ្នំពេញ" throws in its GPOS code). pdf-lib would place each glyph at
//   its advance width and drop the mark positions, so shaped runs are drawn here, glyph by glyph at their positions.
// - Text extraction: drawn glyphs are in visual order (the vowel before its consonant), so each run is wrapped in an
//   ActualText span: copying, searching and `pdftotext` give back the Khmer as typed.
// - Line breaking: Khmer writes no spaces between words. ICU's Khmer dictionary (Intl.Segmenter) finds the word
//   boundaries where a line may break; spaces in Khmer separate phrases, as in Latin text.
import type * as fontkit from 'fontkit';
import * as hb from 'harfbuzzjs';
import { glyphFor } from './glyphs.js';
import {
  PDFHexString,
  PDFName,
  PDFOperator,
  PDFOperatorNames,
  beginText,
  endText,
  popGraphicsState,
  pushGraphicsState,
  setFillingColor,
  setFontAndSize,
  setTextMatrix,
  showText,
  type Color,
  type PDFFont,
  type PDFPage,
} from 'pdf-lib';

const isKhmer = (cp: number) => (cp >= 0x1780 && cp <= 0x17ff) || (cp >= 0x19e0 && cp <= 0x19ff);
const KHMER = /[\u1780-\u17FF\u19E0-\u19FF]/;
/** Zero-width space: Khmer writers put it between words as a line-break hint. It is never drawn. */
const ZWSP = /\u200B/g;

export const hasKhmer = (text: string): boolean => KHMER.test(text);
export const withoutZeroWidthSpaces = (text: string): string => (text.includes('\u200B') ? text.replace(ZWSP, '') : text);

export interface ScriptRun {
  text: string;
  khmer: boolean;
}

/** Splits a line into Khmer and other runs. Joiners (ZWJ, ZWNJ) stay with the run they are in; ZWSP is dropped. */
export function scriptRuns(text: string): ScriptRun[] {
  const runs: ScriptRun[] = [];
  for (const ch of withoutZeroWidthSpaces(text)) {
    const cp = ch.codePointAt(0)!;
    const last = runs[runs.length - 1];
    const khmer = cp === 0x200c || cp === 0x200d ? (last?.khmer ?? true) : isKhmer(cp);
    if (last && last.khmer === khmer) last.text += ch;
    else runs.push({ text: ch, khmer });
  }
  return runs;
}

// --- line breaking ---------------------------------------------------------------------------------------------

export interface WordToken {
  text: string;
  /** Follows the previous token without a space: a word boundary inside Khmer text. */
  glued: boolean;
}

const khmerWords = new Intl.Segmenter('km', { granularity: 'word' });
const graphemes = new Intl.Segmenter('km', { granularity: 'grapheme' });
const WORDLIKE_END = /[\p{L}\p{N}\p{M}]$/u;
const WORDLIKE_START = /^[\p{L}\p{N}\p{M}]/u;
/** Khan and bariyoosan end a Khmer sentence: a line may break after them. */
const KHMER_STOP_END = /[\u17D4\u17D5]$/;

/** May a line break between `before` and `after`, two word segments written without a space between them? */
function mayBreakBetween(before: string, after: string): boolean {
  const a = [...before].pop()!.codePointAt(0)!;
  const b = after.codePointAt(0)!;
  if (KHMER_STOP_END.test(before)) return true;
  // Between two words, at least one of them Khmer: never before punctuation, never after an opening bracket.
  return WORDLIKE_END.test(before) && WORDLIKE_START.test(after) && (isKhmer(a) || isKhmer(b));
}

/**
 * The words of a paragraph, where a line may break. Space-separated words as before; a word containing Khmer is
 * split further at ICU's Khmer word boundaries, its pieces glued to each other.
 */
export function wordTokens(paragraph: string): WordToken[] {
  const out: WordToken[] = [];
  for (const word of paragraph.split(/[ \t]+/)) {
    if (!word) continue;
    if (!hasKhmer(word)) {
      out.push({ text: word, glued: false });
      continue;
    }
    let first = true;
    for (const { segment } of khmerWords.segment(word)) {
      const piece = withoutZeroWidthSpaces(segment);
      if (!piece) continue;
      const prev = out[out.length - 1];
      if (first || !prev) out.push({ text: piece, glued: false });
      else if (mayBreakBetween(prev.text, piece)) out.push({ text: piece, glued: true });
      else prev.text += piece;
      first = false;
    }
  }
  return out;
}

/**
 * The characters of `word` as units a forced break may fall between: grapheme clusters, and a coeng kept with the
 * consonant it makes a subscript of (Unicode's clusters end after the coeng).
 */
export function breakUnits(word: string): string[] {
  const units: string[] = [];
  for (const { segment } of graphemes.segment(word)) {
    const last = units[units.length - 1];
    if (last !== undefined && last.endsWith('\u17D2')) units[units.length - 1] = last + segment;
    else units.push(segment);
  }
  return units;
}

// --- shaped runs -----------------------------------------------------------------------------------------------

interface ShapedRun {
  glyphs: fontkit.Glyph[];
  positions: { xAdvance: number; xOffset: number; yOffset: number }[];
  /** Advance of the whole run, in font units. */
  advance: number;
}

/**
 * Glyphs handed to pdf-lib by token: pdf-lib's font embedder turns text into glyphs through the font's `layout`,
 * which layout.ts answers from here for a token, so that the subset, the widths and the ToUnicode map include the
 * shaped glyphs (subscript forms, ligatures) that no character maps to.
 */
export const glyphTokens = new Map<string, fontkit.Glyph[]>();
let tokenSeq = 0;

function encodeGlyph(font: PDFFont, glyph: fontkit.Glyph): PDFHexString {
  const token = `\uFDD0${tokenSeq++}`;
  glyphTokens.set(token, [glyph]);
  try {
    return font.encodeText(token);
  } finally {
    glyphTokens.delete(token);
  }
}

/** A font file's HarfBuzz font, made once per process (fonts are read-only once loaded). */
const hbFonts = new Map<Uint8Array, hb.Font>();
function harfbuzzFont(bytes: Uint8Array): hb.Font {
  let font = hbFonts.get(bytes);
  if (!font) {
    font = new hb.Font(new hb.Face(new hb.Blob(bytes)));
    hbFonts.set(bytes, font);
  }
  return font;
}

/** Shapes one Khmer run with HarfBuzz: glyph ids and their positions, in font units. */
export function shapeKhmer(bytes: Uint8Array, text: string): { id: number; xAdvance: number; xOffset: number; yOffset: number }[] {
  const buffer = new hb.Buffer();
  buffer.addText(text);
  buffer.guessSegmentProperties();
  buffer.setClusterLevel(hb.ClusterLevel.MONOTONE_CHARACTERS);
  hb.shape(harfbuzzFont(bytes), buffer);
  const positions = buffer.getGlyphPositions();
  return buffer.getGlyphInfos().map((g, i) => {
    const p = positions[i]!;
    return { id: g.codepoint, xAdvance: p.xAdvance, xOffset: p.xOffset, yOffset: p.yOffset };
  });
}

/** Runs up to this length are remembered (words and short names); longer ones are shaped each time they are met. */
const CACHED_RUN_LENGTH = 64;

/** Shaped runs per font file, shared by every document (a run is read-only once shaped). */
const shapedRuns = new WeakMap<Uint8Array, Map<string, ShapedRun>>();

/** A Khmer face: HarfBuzz shapes, pdf-lib embeds the subset, and runs are drawn at their glyph positions. */
export class KhmerFace {
  private readonly runs: Map<string, ShapedRun>;
  private readonly fontKeys = new WeakMap<PDFPage, PDFName>();

  constructor(
    private readonly bytes: Uint8Array,
    /** The same font file in fontkit, for the glyph objects pdf-lib's embedder takes. */
    private readonly glyphSource: fontkit.Font,
    private readonly font: PDFFont,
  ) {
    let runs = shapedRuns.get(bytes);
    if (!runs) shapedRuns.set(bytes, (runs = new Map()));
    this.runs = runs;
  }

  shape(text: string): ShapedRun {
    let run = this.runs.get(text);
    if (!run) {
      const shaped = shapeKhmer(this.bytes, text);
      run = {
        // One glyph object per id, whatever run it is met in: the PDF's bytes must not depend on earlier renders.
        glyphs: shaped.map((g) => glyphFor(this.glyphSource, g.id)),
        positions: shaped.map(({ xAdvance, xOffset, yOffset }) => ({ xAdvance, xOffset, yOffset })),
        advance: shaped.reduce((s, g) => s + g.xAdvance, 0),
      };
      if (text.length <= CACHED_RUN_LENGTH) {
        if (this.runs.size > 5_000) this.runs.clear();
        this.runs.set(text, run);
      }
    }
    return run;
  }

  widthOf(text: string, size: number): number {
    return (this.shape(text).advance * size) / this.glyphSource.unitsPerEm;
  }

  /** Draws one Khmer run with its baseline at (x, y), as one ActualText span. */
  draw(page: PDFPage, text: string, x: number, y: number, size: number, color: Color): void {
    if (!text) return;
    const run = this.shape(text);
    const scale = size / this.glyphSource.unitsPerEm;
    // The span's properties inline (pdf-lib has no dictionary operand): the text as typed, and its language.
    const span = `<< /Lang (km) /ActualText ${PDFHexString.fromText(text).toString()} >>`;
    const ops: PDFOperator[] = [
      pushGraphicsState(),
      PDFOperator.of(PDFOperatorNames.BeginMarkedContentSequence, [PDFName.of('Span'), span]),
      beginText(),
      setFillingColor(color),
      setFontAndSize(this.fontKey(page), size),
    ];
    let pen = 0;
    run.glyphs.forEach((glyph, i) => {
      const p = run.positions[i]!;
      ops.push(setTextMatrix(1, 0, 0, 1, x + (pen + p.xOffset) * scale, y + p.yOffset * scale), showText(encodeGlyph(this.font, glyph)));
      pen += p.xAdvance;
    });
    ops.push(endText(), PDFOperator.of(PDFOperatorNames.EndMarkedContent), popGraphicsState());
    page.pushOperators(...ops);
  }

  /** The font's name in the page's resources, added once per page. */
  private fontKey(page: PDFPage): PDFName {
    let key = this.fontKeys.get(page);
    if (!key) {
      key = page.node.newFontDictionary(this.font.name, this.font.ref);
      this.fontKeys.set(page, key);
    }
    return key;
  }
}
