/**
 * The part of opentype.js 2 that text-width.ts uses. The package ships no types (@types/opentype.js
 * describes 1.3, without `position`), and Node sees its UMD build: one default export.
 */
declare module 'opentype.js' {
  export interface Glyph {
    index: number;
    advanceWidth?: number;
  }
  /** Opaque: the GPOS kern lookups of one script, as Position.getKerningTables returns them. */
  export type KerningTables = unknown;
  export interface Font {
    unitsPerEm: number;
    charToGlyph(char: string): Glyph;
    position: {
      getKerningTables(script: string, language?: string): KerningTables;
      getKerningValue(tables: KerningTables, leftIndex: number, rightIndex: number): number;
    };
  }
  const opentype: { parse(buffer: ArrayBuffer | Uint8Array): Font };
  export default opentype;
}
