/**
 * Exported charts (.svg, .png) are laid out with the widths the bundled fonts give text: vega's
 * canvas-less guess (0.8 em a character) made the nodes chart 1429 px wide for 1099 px of drawing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { bundledFontFiles, renderSvg } from '../../src/output/report/render.js';
import { fontMeasure } from '../../src/output/report/text-width.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

const root = resolve(import.meta.dirname, '../..');
const font = { loadSystemFonts: false, fontFiles: bundledFontFiles(), defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' };

/** Where resvg draws the rightmost ink of `svg`: without its background and the unpainted group backgrounds. */
function inkRight(svg: string): number {
  const bare = svg.replace(/<rect width="[\d.]+" height="[\d.]+" fill="white"\/>/, '').replace(/<path class="background"(?![^>]*\b(?:stroke|fill)=)[^>]*\/>/g, '');
  const box = new Resvg(bare, { font }).getBBox()!;
  return box.x + box.width;
}

const widthOf = (svg: string): number => Number(/^<svg [^>]*?width="([\d.]+)"/.exec(svg)![1]);

/** Where resvg ends a line's advance: the ink of `text` followed by a bar, less the bar's own. */
function resvgAdvance(text: string, size: number, weight: string, style = 'normal'): number {
  const right = (t: string): number => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="60"><text x="10" y="40" font-family="sans-serif" font-size="${size}" font-weight="${weight}" font-style="${style}">${t}</text></svg>`;
    const box = new Resvg(svg, { font }).getBBox()!;
    return box.x + box.width;
  };
  return right(`${text}|`) - right('|');
}

describe('text measured in the bundled fonts', () => {
  let measure: Awaited<ReturnType<typeof fontMeasure>>;
  beforeAll(async () => {
    measure = await fontMeasure(bundledFontFiles() as [string, string, string, string]);
  });

  it.each([
    ['Pending, Unschedulable (waiting for a node)', 11, 'normal', 'normal', 244.07],
    ['Nodes and pending pods', 16, 'bold', 'normal', 223.46],
    ['WWW mmm iii 0123456789 µs – ≥', 12, 'normal', 'normal', 209.84],
    // Kerned pairs: 153.77 px without kerning, 12.4 px wider than resvg draws the line.
    ['AVAT To Ty Yo LT P. F, Vo', 12, 'normal', 'normal', 141.35],
    ['AVAT To Ty', 12, 'normal', 'italic', 63.88],
  ])('%j at %i px %s %s: as wide as resvg sets it, kerning included (%f px)', (text, size, weight, style, px) => {
    const ours = measure({ fontSize: size, fontWeight: weight, fontStyle: style }, text);
    expect(ours).toBeCloseTo(px, 2);
    expect(ours).toBeCloseTo(resvgAdvance(text, size, weight, style), 2);
    // vega's guess was 0.8 em a character.
    expect(ours).toBeLessThan(0.7 * text.length * size);
  });

  it("is never narrower than resvg sets a line with a ligature (it sets none; resvg's 'ff' is 0.21 px narrower)", () => {
    const ours = measure({ fontSize: 14 }, 'Traffic, Tokyo');
    const theirs = resvgAdvance('Traffic, Tokyo', 14, 'normal');
    expect(ours).toBeGreaterThanOrEqual(theirs);
    expect(ours - theirs).toBeLessThan(0.5);
  });

  it('an empty or blank line is 0 px, and the default size is 11 px', () => {
    expect(measure({ fontSize: 12 }, '   ')).toBe(0);
    expect(measure({ fontSize: 12 }, null)).toBe(0);
    expect(measure({}, 'Time (s)')).toBeCloseTo(measure({ fontSize: 11 }, 'Time (s)'), 9);
  });
});

describe('the nodes chart export (capacity-planning, 6 h)', () => {
  let svg: string;
  beforeAll(async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-export-width-')), 'cp');
    runWorld(loadScenario(join(root, 'scenarios', 'capacity-planning.yaml'), { durationSeconds: 6 * 3600 }).world, { outDir: dir, trace: { mode: 'none' } });
    const { charts } = reportCharts(loadRunData(dir));
    svg = await renderSvg(charts.find((c) => c.id === 'nodes')!.spec);
  }, 60_000);

  it('ends 12 px (its padding) right of its rightmost ink, and cuts none of it', () => {
    const right = inkRight(svg);
    expect(widthOf(svg) - right).toBeGreaterThan(0);
    expect(widthOf(svg) - right).toBeLessThan(12 + 3);
  });

  it('keeps every legend label and subtitle line whole (no ellipsis)', () => {
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    expect(texts).toContain('Pending, Unschedulable (waiting for a node)');
    // The subtitle's longest line, whole: vega cuts none at its limit.
    expect(svg).toMatch(/pods were Unschedulable at least once/);
    expect(svg).toContain('if never bound).');
    expect(svg).not.toContain('…');
  });
});
