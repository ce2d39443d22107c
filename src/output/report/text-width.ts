import { readFileSync } from 'node:fs';
import type { Font } from 'opentype.js';

/**
 * Text widths in the fonts the PNGs are drawn with. Vega lays a chart out in Node without a canvas
 * by guessing 0.8 em a character, about half as wide again as DejaVu Sans sets most text: legends
 * stood far right of their plots and exports were hundreds of pixels wider than their drawing.
 * Vega lets a renderer supply its own measure (textMetrics.width); this is knsim's, read from the
 * bundled TTFs by opentype.js (an optional peer of the charts feature, loaded with vega).
 */

/**
 * The width in px of `text` set in `font` at `size` px: the glyphs' advances plus the Latin
 * script's GPOS kerning, as resvg (which shapes with kerning) lays the line out. Glyph by glyph
 * rather than Font.getAdvanceWidth: that shapes with GSUB first and throws on DejaVu's ccmp
 * (chained context substitution format 2, unsupported in opentype.js 2.0), and it kerns with the
 * DFLT script's lookups, which in DejaVu hold none of the Latin pairs. Ligatures are not applied:
 * resvg's only narrow a line (its 'ff' by a fifth of a pixel at 14 px), so labels are never cut.
 */
export function widthOf(font: Font, text: string, size: number): number {
  const kern = font.position.getKerningTables('latn');
  let units = 0;
  let prev: number | undefined;
  for (const ch of text) {
    const glyph = font.charToGlyph(ch); // .notdef for a character the font lacks
    if (prev !== undefined) units += font.position.getKerningValue(kern, prev, glyph.index);
    units += glyph.advanceWidth ?? 0;
    prev = glyph.index;
  }
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
 * on shorter and shorter text, so it must not truncate itself. opentype.js is imported here, in
 * the async render path, so a --no-report run never loads it.
 */
export async function fontMeasure(files: readonly [string, string, string, string]): Promise<(item: TextItem, text: unknown) => number> {
  const { default: opentype } = await import('opentype.js');
  const faces = files.map((f) => opentype.parse(readFileSync(f)));
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
