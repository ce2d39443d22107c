import { readFileSync } from 'node:fs';

/**
 * Text widths in the fonts the PNGs are drawn with. Vega lays a chart out in Node without a canvas
 * by guessing 0.8 em a character, about half as wide again as DejaVu Sans sets most text: legends
 * stood far right of their plots and exports were hundreds of pixels wider than their drawing.
 * Vega lets a renderer supply its own measure (textMetrics.width); this is knsim's, from the
 * advance widths of the bundled TTFs (no kerning, which only narrows text: never too short).
 */
export interface FontWidths {
  /** The advance of a code point, in font units (the .notdef glyph's for one the font lacks). */
  advance(codePoint: number): number;
  unitsPerEm: number;
}

/** Reads `head`, `hhea`, `hmtx` and the Unicode BMP `cmap` (format 4) of a TrueType font. */
export function readFontWidths(font: Buffer): FontWidths {
  const u16 = (at: number): number => font.readUInt16BE(at);
  const tables = new Map<string, number>();
  for (let i = 0, n = u16(4); i < n; i++) tables.set(font.toString('latin1', 12 + 16 * i, 16 + 16 * i), font.readUInt32BE(20 + 16 * i));
  const at = (tag: string): number => {
    const o = tables.get(tag);
    if (o === undefined) throw new Error(`font has no ${tag} table`);
    return o;
  };
  const unitsPerEm = u16(at('head') + 18);
  const metrics = u16(at('hhea') + 34);
  const hmtx = at('hmtx');
  const advanceOf = (glyph: number): number => u16(hmtx + 4 * Math.min(glyph, metrics - 1));
  const glyphOf = bmpCmap(font, at('cmap'));
  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    advance(cp: number): number {
      let a = cache.get(cp);
      if (a === undefined) cache.set(cp, (a = advanceOf(cp > 0xffff ? 0 : glyphOf(cp))));
      return a;
    },
  };
}

/** The glyph of a BMP code point from the (3,1) or (0,3) format-4 subtable; 0 (.notdef) when none. */
function bmpCmap(font: Buffer, cmap: number): (cp: number) => number {
  const u16 = (at: number): number => font.readUInt16BE(at);
  let sub = -1;
  for (let i = 0, n = u16(cmap + 2); i < n; i++) {
    const rec = cmap + 4 + 8 * i;
    const [platform, encoding] = [u16(rec), u16(rec + 2)];
    const o = cmap + font.readUInt32BE(rec + 4);
    if (((platform === 3 && encoding === 1) || (platform === 0 && encoding === 3)) && u16(o) === 4) sub = o;
  }
  if (sub < 0) return () => 0;
  const segs = u16(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segs + 2;
  const deltas = starts + 2 * segs;
  const ranges = deltas + 2 * segs;
  return (cp) => {
    for (let i = 0; i < segs; i++) {
      if (u16(ends + 2 * i) < cp) continue;
      const start = u16(starts + 2 * i);
      if (start > cp) return 0;
      const delta = u16(deltas + 2 * i);
      const range = u16(ranges + 2 * i);
      if (range === 0) return (cp + delta) & 0xffff;
      const g = u16(ranges + 2 * i + range + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
}

/** The width in px of `text` set in `font` at `size` px. */
export function widthOf(font: FontWidths, text: string, size: number): number {
  let units = 0;
  for (const ch of text) units += font.advance(ch.codePointAt(0)!);
  return (units * size) / font.unitsPerEm;
}

/** What vega's measure gets: a text mark item (its font size, weight and style). */
interface TextItem {
  fontSize?: number | string | null;
  fontWeight?: number | string | null;
  fontStyle?: string | null;
}

/**
 * A textMetrics.width for vega, measuring in the four faces given (regular, bold, oblique, bold
 * oblique). It measures the line as given: vega truncates a label to its limit by calling this
 * on shorter and shorter text, so it must not truncate itself.
 */
export function fontMeasure(files: readonly [string, string, string, string]): (item: TextItem, text: unknown) => number {
  const faces = files.map((f) => readFontWidths(readFileSync(f)));
  return (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const line = text == null ? '' : String(text).trim();
    if (size <= 0 || line === '') return 0;
    const w = item.fontWeight;
    const bold = w === 'bold' || w === 'bolder' || (w != null && Number(w) >= 600);
    const oblique = item.fontStyle === 'italic' || item.fontStyle === 'oblique';
    return widthOf(faces[(bold ? 1 : 0) + (oblique ? 2 : 0)]!, line, size);
  };
}
