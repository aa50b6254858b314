// All text layout of the sealed PDFs: a small flow-layout engine over pdf-lib. Content flows down A4 pages
// (paragraphs, headings, key/value rows, tables whose rows may split across pages with the header repeated),
// and every page gets a running header (after the first) and a "Page i of N" footer once the count is known.
//
// Text is measured and drawn only through `TextFace`. A face is an embedded Noto Sans TTF drawn by pdf-lib, and,
// in documents with Khmer, Noto Sans Khmer for the Khmer runs of each line, shaped and drawn by khmer.ts; lines
// break at spaces and at Khmer word boundaries.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';
import * as fontkit from 'fontkit';
import { rgb, type Color, type PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import { KhmerFace, breakUnits, glyphTokens, hasKhmer, scriptRuns, withoutZeroWidthSpaces, wordTokens } from './khmer.js';

export const A4 = { width: 595.28, height: 841.89 } as const;

// --- faces ----------------------------------------------------------------------------------------------------

/** The one seam for text: measuring and drawing a single line. */
export interface TextFace {
  readonly name: string;
  /** Advance width of `text` at `size` pt. */
  widthOf(text: string, size: number): number;
  /** Distance from the top of the line box to the baseline. */
  ascent(size: number): number;
  /** Height of one line box (ascent + descent, no extra leading). */
  lineHeight(size: number): number;
  /** Draws one line (no line breaks) with its baseline at (x, y). */
  draw(page: PDFPage, text: string, x: number, y: number, size: number, color: Color): void;
}

export type FaceName = 'regular' | 'bold';
export type Faces = Record<FaceName, TextFace>;

const require = createRequire(import.meta.url);
type FontFile = { module: string; psName: string; tag: string };
const FONT_FILES: Record<FaceName, FontFile> = {
  regular: { module: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf', psName: 'NotoSans-Regular', tag: 'CHAINR' },
  bold: { module: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf', psName: 'NotoSans-Bold', tag: 'CHAINB' },
};
/** Embedded only in documents that contain Khmer. */
const KHMER_FONT_FILES: Record<FaceName, FontFile> = {
  regular: { module: '@expo-google-fonts/noto-sans-khmer/400Regular/NotoSansKhmer_400Regular.ttf', psName: 'NotoSansKhmer-Regular', tag: 'CHAINK' },
  bold: { module: '@expo-google-fonts/noto-sans-khmer/700Bold/NotoSansKhmer_700Bold.ttf', psName: 'NotoSansKhmer-Bold', tag: 'CHAINL' },
};
const fontBytes = new Map<string, Uint8Array>();
/** Word widths at 1 pt per font file: wrapping measures the same words again and again. */
const widthCache = new Map<FaceName, Map<string, number>>();

function bytesOf(file: FontFile): Uint8Array {
  let b = fontBytes.get(file.module);
  if (!b) {
    b = readFileSync(require.resolve(file.module));
    fontBytes.set(file.module, b);
  }
  return b;
}

function pdfLibFace(name: FaceName, font: PDFFont): TextFace {
  let cache = widthCache.get(name);
  if (!cache) widthCache.set(name, (cache = new Map()));
  const unitHeight = font.heightAtSize(1, { descender: true });
  const unitAscent = font.heightAtSize(1, { descender: false });
  const widths = cache;
  return {
    name,
    widthOf(text, size) {
      let w = widths.get(text);
      if (w === undefined) {
        w = font.widthOfTextAtSize(text, 1);
        if (text.length <= 64) widths.set(text, w);
      }
      return w * size;
    },
    ascent: (size) => unitAscent * size,
    lineHeight: (size) => unitHeight * size,
    draw(page, text, x, y, size, color) {
      if (text) page.drawText(text, { x, y, size, font, color });
    },
  };
}

/**
 * pdf-lib's own fontkit fork (@pdf-lib/fontkit 1.1.1) writes broken TrueType subsets (short `loca` offsets without
 * padding odd-length glyphs: letters silently vanish with Noto Sans). Upstream fontkit 2 subsets correctly; the
 * one API gap is that pdf-lib reads a subset through `encodeStream()`, which fontkit 2 replaced by `encode()`.
 */
const parsedFonts = new WeakMap<Uint8Array, fontkit.Font>();
const fontkitForPdfLib = {
  create(data: Uint8Array, postscriptName?: string) {
    // Parsed once per process and shared by every document: parsing the tables (GSUB, GPOS, glyf…) is most of
    // the cost of a render otherwise. Documents only read the font; each makes its own subset.
    const cached = parsedFonts.get(data);
    if (cached) return cached;
    const font = fontkit.create(Buffer.from(data.buffer, data.byteOffset, data.byteLength), postscriptName) as fontkit.Font;
    const createSubset = font.createSubset.bind(font);
    const glyphRuns = new Map<string, fontkit.Glyph[]>();
    const patched = Object.assign(font, {
      // pdf-lib reads only `layout(text).glyphs` and places each glyph at its advance width: it ignores GPOS
      // positions, so fontkit's full OpenType shaping (most of the render time) buys nothing here. A plain cmap
      // lookup, memoised, gives the same glyphs for Latin text (minus optional ligatures). Scripts that need
      // shaping (Khmer) need a TextFace that draws positioned glyph runs, not this path.
      layout(text: string) {
        // Glyphs already shaped by khmer.ts, handed over by token.
        const shaped = glyphTokens.get(text);
        if (shaped) return { glyphs: shaped };
        let glyphs = glyphRuns.get(text);
        if (!glyphs) {
          glyphs = font.glyphsForString(text);
          if (glyphRuns.size > 20_000) glyphRuns.clear();
          glyphRuns.set(text, glyphs);
        }
        return { glyphs };
      },
      createSubset() {
        const subset = createSubset();
        return Object.assign(subset, {
          encodeStream() {
            const stream = new EventEmitter();
            process.nextTick(() => {
              try {
                stream.emit('data', subset.encode());
                stream.emit('end');
              } catch (e) {
                stream.emit('error', e);
              }
            });
            return stream;
          },
        });
      },
    });
    parsedFonts.set(data, patched);
    return patched;
  },
};

/** A face whose Khmer runs are set in the Khmer font; lines without Khmer go straight to the Latin face. */
function mixedFace(latin: TextFace, khmer: KhmerFace): TextFace {
  const faceOf = (khmerRun: boolean) => (khmerRun ? khmer : latin);
  return {
    ...latin,
    widthOf(text, size) {
      if (!hasKhmer(text)) return latin.widthOf(withoutZeroWidthSpaces(text), size);
      return scriptRuns(text).reduce((w, r) => w + faceOf(r.khmer).widthOf(r.text, size), 0);
    },
    draw(page, text, x, y, size, color) {
      if (!hasKhmer(text)) return latin.draw(page, withoutZeroWidthSpaces(text), x, y, size, color);
      let at = x;
      for (const r of scriptRuns(text)) {
        const face = faceOf(r.khmer);
        face.draw(page, r.text, at, y, size, color);
        at += face.widthOf(r.text, size);
      }
    },
  };
}

export interface EmbedOptions {
  /** The document contains Khmer: embed the Khmer faces as well (a Latin-only document carries no Khmer font). */
  khmer?: boolean;
}

/**
 * Embeds the faces (subset TTFs, so the PDF carries its fonts) into `doc`. Subset names are fixed, so the same
 * input renders to the same bytes.
 */
export async function embedFaces(doc: PDFDocument, options: EmbedOptions = {}): Promise<Faces> {
  doc.registerFontkit(fontkitForPdfLib as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  const embed = (f: FontFile) => doc.embedFont(bytesOf(f), { subset: true, customName: `${f.tag}+${f.psName}` });
  const entries = await Promise.all(
    (Object.keys(FONT_FILES) as FaceName[]).map(async (name) => {
      const latin = pdfLibFace(name, await embed(FONT_FILES[name]));
      if (!options.khmer) return [name, latin] as const;
      const bytes = bytesOf(KHMER_FONT_FILES[name]);
      const font = await embed(KHMER_FONT_FILES[name]);
      // Glyph objects and metrics from the font pdf-lib just parsed (once per process, see fontkitForPdfLib).
      const khmer = new KhmerFace(bytes, fontkitForPdfLib.create(bytes), font);
      return [name, mixedFace(latin, khmer)] as const;
    }),
  );
  return Object.fromEntries(entries) as Faces;
}

// --- styles and text wrapping ---------------------------------------------------------------------------------

export const palette = {
  ink: rgb(0.1, 0.12, 0.17),
  muted: rgb(0.36, 0.39, 0.45),
  accent: rgb(0.12, 0.23, 0.41),
  rule: rgb(0.8, 0.82, 0.86),
  fill: rgb(0.95, 0.96, 0.97),
  green: rgb(0.12, 0.48, 0.27),
  greenFill: rgb(0.91, 0.96, 0.93),
  red: rgb(0.71, 0.14, 0.09),
  redFill: rgb(0.99, 0.93, 0.92),
  amber: rgb(0.71, 0.28, 0.03),
  amberFill: rgb(1, 0.96, 0.9),
  white: rgb(1, 1, 1),
} as const;

export interface TextStyle {
  face?: FaceName;
  size?: number;
  color?: Color;
  /** Extra space between lines, as a fraction of the size (default 0.15). */
  leading?: number;
}

/** A paragraph: text (may contain "\n") in one style, with optional space before it. */
export interface Para {
  text: string;
  style?: TextStyle;
  spaceBefore?: number;
}

export type CellContent = string | Para | Para[];

export interface Line {
  text: string;
  face: TextFace;
  size: number;
  color: Color;
  /** Distance from the line box's top to the baseline. */
  ascent: number;
  /** Height the line takes in the flow, leading and any space before included. */
  height: number;
  /** Space above the line box (the paragraph's spaceBefore, on its first line). */
  offset: number;
}

/** Width of the label column of key/value rows. */
export const KEY_WIDTH = 128;
const KEY_GAP = 10;

const DEFAULT_STYLE = { face: 'regular' as FaceName, size: 9.5, leading: 0.15 };

/** Splits `word` into pieces no wider than `max` (long hashes, URLs, e-mail addresses). */
function breakWord(word: string, face: TextFace, size: number, max: number): string[] {
  const chars = breakUnits(word);
  const pieces: string[] = [];
  let start = 0;
  while (start < chars.length) {
    // The longest prefix that fits, at least one character: grown by the characters' own widths (each measured
    // once: they repeat), then checked as a whole and shortened while it is too wide. Measuring prefixes of the
    // whole word instead costs its length per probe, and shaping a 5,000-digit Khmer number that way took seconds.
    let end = start;
    let width = 0;
    while (end < chars.length) {
      const w = face.widthOf(chars[end]!, size);
      if (end > start && width + w > max) break;
      width += w;
      end++;
    }
    while (end - start > 1 && face.widthOf(chars.slice(start, end).join(''), size) > max) end--;
    // Prefer to break after a separator in the last third of the piece.
    if (end < chars.length) {
      for (let i = end - 1; i > start + (end - start) * 0.66; i--) {
        if ('/-_.@?&=:'.includes(chars[i]!)) {
          end = i + 1;
          break;
        }
      }
    }
    pieces.push(chars.slice(start, end).join(''));
    start = end;
  }
  return pieces;
}

/** Wraps plain text to `width` with the face's metrics; "\n" starts a new line. */
export function wrapText(text: string, face: TextFace, size: number, width: number): string[] {
  const out: string[] = [];
  const space = face.widthOf(' ', size);
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const { text: word, glued } of wordTokens(paragraph)) {
      const w = face.widthOf(word, size);
      const gap = glued ? 0 : space;
      if (line && lineWidth + gap + w <= width) {
        line += (glued ? '' : ' ') + word;
        lineWidth += gap + w;
        continue;
      }
      if (line) out.push(line);
      if (w <= width) {
        line = word;
        lineWidth = w;
      } else {
        const pieces = breakWord(word, face, size, width);
        const last = pieces.pop() ?? '';
        out.push(...pieces);
        line = last;
        lineWidth = face.widthOf(last, size);
      }
    }
    out.push(line);
  }
  return out;
}

// --- the flow -------------------------------------------------------------------------------------------------

export interface PageBox {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
}

export interface PageContext {
  page: PDFPage;
  /** 0-based. */
  index: number;
  faces: Faces;
  box: PageBox;
  pageSize: { width: number; height: number };
}

export interface FlowOptions {
  pageSize?: { width: number; height: number };
  margin?: { top: number; right: number; bottom: number; left: number };
  /** Draws the running header of pages after the first at the top of the box; returns the height it used. */
  continuationHeader?: (ctx: PageContext) => number;
  /** Draws each page's footer (below the box) once the page count is known. */
  footer?: (ctx: PageContext & { pageCount: number }) => void;
}

export interface Column {
  title: string;
  /** Width in points, or a fraction (≤ 1) of the content width. */
  width: number;
}

interface CellLayout {
  x: number;
  width: number;
  lines: Line[];
}

interface RowOptions {
  padX?: number;
  padY?: number;
  fill?: Color;
  /** Colour of the rule under the row (none when undefined). */
  rule?: Color;
  /** Redraws what must head each continuation (a table's header row). */
  onNewPage?: () => void;
  /** Height `onNewPage` takes, to know whether the row fits on a fresh page. */
  newPageReserve?: number;
  /** Move a row that does not fit to the next page when it fits there (table rows); false: split it (prose). */
  keepTogether?: boolean;
}

export class Flow {
  readonly pages: PDFPage[] = [];
  readonly box: PageBox;
  /** Current position: the top of the next element. */
  y: number;
  private readonly size: { width: number; height: number };
  /** y just below the running header on the current page: nothing drawn on it yet when y equals it. */
  private freshY = 0;
  private continuationHeaderHeight = 0;

  constructor(
    readonly doc: PDFDocument,
    readonly faces: Faces,
    private readonly options: FlowOptions = {},
  ) {
    this.size = options.pageSize ?? A4;
    const m = options.margin ?? { top: 56, right: 56, bottom: 72, left: 56 };
    this.box = { left: m.left, right: this.size.width - m.right, top: this.size.height - m.top, bottom: m.bottom, width: this.size.width - m.left - m.right };
    this.y = this.box.top;
    this.newPage();
  }

  get page(): PDFPage {
    return this.pages[this.pages.length - 1]!;
  }

  private ctx(index: number): PageContext {
    return { page: this.pages[index]!, index, faces: this.faces, box: this.box, pageSize: this.size };
  }

  newPage(): void {
    this.pages.push(this.doc.addPage([this.size.width, this.size.height]));
    this.y = this.box.top;
    const index = this.pages.length - 1;
    if (index > 0 && this.options.continuationHeader) {
      this.continuationHeaderHeight = this.options.continuationHeader(this.ctx(index));
      this.y -= this.continuationHeaderHeight;
    }
    this.freshY = this.y;
  }

  /** Space left on the current page. */
  get remaining(): number {
    return this.y - this.box.bottom;
  }

  /** Content height of a page after the first (what a row can count on after a break). */
  private get freshHeight(): number {
    return this.box.top - this.continuationHeaderHeight - this.box.bottom;
  }

  private get atPageStart(): boolean {
    return this.y >= this.freshY - 0.01;
  }

  /** Starts a new page unless `height` fits on this one. */
  ensure(height: number): void {
    if (height > this.remaining && !this.atPageStart) this.newPage();
  }

  space(height: number): void {
    if (this.atPageStart) return; // no gaps at the top of a page
    this.y = Math.max(this.box.bottom, this.y - height);
  }

  /** Lays out paragraphs as lines for a column of `width`. */
  lines(content: CellContent, width: number): Line[] {
    const paras: Para[] = typeof content === 'string' ? [{ text: content }] : Array.isArray(content) ? content : [content];
    const out: Line[] = [];
    for (const p of paras) {
      const face = this.faces[p.style?.face ?? DEFAULT_STYLE.face];
      const size = p.style?.size ?? DEFAULT_STYLE.size;
      const color = p.style?.color ?? palette.ink;
      const lh = face.lineHeight(size) + size * (p.style?.leading ?? DEFAULT_STYLE.leading);
      wrapText(p.text, face, size, width).forEach((text, i) => {
        const offset = i === 0 && out.length > 0 ? (p.spaceBefore ?? 0) : 0;
        out.push({ text, face, size, color, ascent: face.ascent(size), height: lh + offset, offset });
      });
    }
    return out;
  }

  /** Draws laid-out lines with the first line box's top at `top`. */
  drawLines(lines: Line[], x: number, top: number): void {
    let y = top;
    for (const l of lines) {
      l.face.draw(this.page, l.text, x, y - l.offset - l.ascent, l.size, l.color);
      y -= l.height;
    }
  }

  /** A paragraph (or several) across the full width, split across pages line by line. */
  paragraph(content: CellContent, opts: { indent?: number; spaceAfter?: number } = {}): void {
    const indent = opts.indent ?? 0;
    this.row([{ x: this.box.left + indent, width: this.box.width - indent, lines: this.lines(content, this.box.width - indent) }], { padX: 0, padY: 0, keepTogether: false });
    this.space(opts.spaceAfter ?? 4);
  }

  /** A section heading with a rule under it, kept with at least `keepWithNext` points of what follows. */
  heading(text: string, opts: { size?: number; keepWithNext?: number; spaceBefore?: number } = {}): void {
    const lines = this.lines({ text, style: { face: 'bold', size: opts.size ?? 11.5, color: palette.accent } }, this.box.width);
    const h = lines.reduce((n, l) => n + l.height, 0) + 6;
    this.space(opts.spaceBefore ?? 14);
    this.ensure(h + (opts.keepWithNext ?? 48));
    this.drawLines(lines, this.box.left, this.y);
    this.y -= h - 2;
    this.page.drawLine({ start: { x: this.box.left, y: this.y + 2 }, end: { x: this.box.right, y: this.y + 2 }, thickness: 0.6, color: palette.rule });
    this.y -= 6;
  }

  /** Label/value rows (labels muted on the left). */
  keyValues(rows: { label: string; value: CellContent }[], opts: { labelWidth?: number } = {}): void {
    const lw = opts.labelWidth ?? KEY_WIDTH;
    const gap = KEY_GAP;
    for (const r of rows) {
      this.row(
        [
          { x: this.box.left, width: lw, lines: this.lines({ text: r.label, style: { color: palette.muted } }, lw) },
          { x: this.box.left + lw + gap, width: this.box.width - lw - gap, lines: this.lines(r.value, this.box.width - lw - gap) },
        ],
        { padX: 0, padY: 2.5 },
      );
    }
  }

  /** Width of the value column of key/value rows. */
  get valueWidth(): number {
    return this.box.width - KEY_WIDTH - KEY_GAP;
  }

  /** The largest size ≤ `max` (and ≥ `min`) at which `text` fits on one line of `width`. */
  fitSize(text: string, face: FaceName, width: number, max: number, min = 6.5): number {
    const w = this.faces[face].widthOf(text, 1);
    return Math.max(min, Math.min(max, Math.floor((width / w) * 10) / 10));
  }

  /** A numbered or bulleted list. */
  list(items: CellContent[], opts: { ordered?: boolean; indent?: number } = {}): void {
    const indent = opts.indent ?? 0;
    const markerWidth = 18;
    items.forEach((item, i) => {
      const marker = opts.ordered ? `${i + 1}.` : '•';
      const x = this.box.left + indent;
      const w = this.box.width - indent - markerWidth;
      this.row(
        [
          { x, width: markerWidth, lines: this.lines(marker, markerWidth) },
          { x: x + markerWidth, width: w, lines: this.lines(item, w) },
        ],
        { padX: 0, padY: 1.5 },
      );
    });
  }

  /** A table with a shaded header row, repeated on every page the table continues on. */
  table(columns: Column[], rows: CellContent[][], opts: { padX?: number; padY?: number } = {}): void {
    const padX = opts.padX ?? 5;
    const padY = opts.padY ?? 4;
    const widths = columns.map((c) => (c.width <= 1 ? c.width * this.box.width : c.width));
    const xs = widths.map((_, i) => this.box.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const layoutRow = (cells: CellContent[]): CellLayout[] =>
      cells.map((c, i) => ({ x: xs[i]! + padX, width: widths[i]! - 2 * padX, lines: this.lines(c, widths[i]! - 2 * padX) }));
    const header = columns.map((c) => ({ text: c.title, style: { face: 'bold' as const, size: 8.5, color: palette.accent } }));
    const headerLayout = layoutRow(header);
    const headerHeight = Math.max(...headerLayout.map((c) => c.lines.reduce((n, l) => n + l.height, 0))) + 2 * padY;
    const drawHeader = () => this.row(headerLayout, { padX, padY, fill: palette.fill, rule: palette.accent });
    this.ensure(headerHeight + 40);
    drawHeader();
    for (const r of rows) this.row(layoutRow(r), { padX, padY, rule: palette.rule, onNewPage: drawHeader, newPageReserve: headerHeight });
  }

  /** A shaded, bordered box around paragraphs (kept on one page when it fits on one). */
  panel(content: CellContent, opts: { fill: Color; border: Color; pad?: number } = { fill: palette.fill, border: palette.rule }): void {
    const pad = opts.pad ?? 8;
    const lines = this.lines(content, this.box.width - 2 * pad);
    const h = lines.reduce((n, l) => n + l.height, 0) + 2 * pad;
    this.ensure(h);
    this.page.drawRectangle({ x: this.box.left, y: this.y - h, width: this.box.width, height: h, color: opts.fill, borderColor: opts.border, borderWidth: 0.8 });
    this.drawLines(lines, this.box.left + pad, this.y - pad);
    this.y -= h;
  }

  /** A fixed-height block drawn by `draw` (logos, badges, the QR code), moved to a new page when it does not fit. */
  block(height: number, draw: (ctx: PageContext & { top: number }) => void): void {
    this.ensure(height);
    draw({ ...this.ctx(this.pages.length - 1), top: this.y });
    this.y -= height;
  }

  /**
   * Draws one row of cells. A row that does not fit moves to the next page when it would fit there; a row taller
   * than a page is split line by line, the continuation starting with `onNewPage` (the repeated table header).
   */
  private row(cells: CellLayout[], o: RowOptions): void {
    const padY = o.padY ?? 0;
    const next = cells.map(() => 0);
    const heightFrom = (c: CellLayout, i: number) => c.lines.slice(next[i]).reduce((n, l) => n + l.height, 0);
    const minLine = Math.max(...cells.map((c) => c.lines[0]?.height ?? 0));
    let moved = false;
    for (;;) {
      const need = Math.max(0, ...cells.map(heightFrom)) + 2 * padY;
      const avail = this.remaining;
      if (need <= avail + 0.01) {
        this.drawRowChunk(cells, next, cells.map((c) => c.lines.length), need, o);
        return;
      }
      const fitsOnFresh = (o.keepTogether ?? true) && need <= this.freshHeight - (o.newPageReserve ?? 0);
      const tooLittleRoom = avail < 2 * minLine + 2 * padY;
      if (!this.atPageStart && !moved && (fitsOnFresh || tooLittleRoom)) {
        this.newPage();
        o.onNewPage?.();
        moved = true;
        continue;
      }
      // Split: as many lines of each cell as fit here.
      const until = cells.map((c, i) => {
        let h = 2 * padY;
        let k = next[i]!;
        while (k < c.lines.length && h + c.lines[k]!.height <= avail) h += c.lines[k++]!.height;
        return k;
      });
      if (until.every((k, i) => k === next[i])) {
        // Not even one line fits: only possible when something else already used this page.
        this.newPage();
        o.onNewPage?.();
        continue;
      }
      this.drawRowChunk(cells, next, until, avail, o);
      until.forEach((k, i) => (next[i] = k));
      this.newPage();
      o.onNewPage?.();
      moved = true;
    }
  }

  private drawRowChunk(cells: CellLayout[], from: number[], to: number[], height: number, o: RowOptions): void {
    const top = this.y;
    if (o.fill) this.page.drawRectangle({ x: this.box.left, y: top - height, width: this.box.width, height, color: o.fill });
    cells.forEach((c, i) => this.drawLines(c.lines.slice(from[i], to[i]), c.x, top - (o.padY ?? 0)));
    if (o.rule) this.page.drawLine({ start: { x: this.box.left, y: top - height }, end: { x: this.box.right, y: top - height }, thickness: 0.5, color: o.rule });
    this.y = top - height;
  }

  /** Draws the footers (page numbers need the page count) and returns the page count. */
  finish(): number {
    const pageCount = this.pages.length;
    if (this.options.footer) for (let i = 0; i < pageCount; i++) this.options.footer({ ...this.ctx(i), pageCount });
    return pageCount;
  }
}
