import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeOutputFile } from '../write-file.js';
import type { TopLevelSpec } from 'vega-lite';
import { fontMeasure } from './text-width.js';

/** Warnings vl.compile and vega reported, so callers (and tests) can see them. */
export interface RenderLog {
  warnings: string[];
}

function collectingLogger(log: RenderLog): object {
  let level = 2; // Warn
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]) {
      log.warnings.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn(...args: unknown[]) {
      log.warnings.push(args.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/**
 * Compiles a Vega-Lite spec and renders it to SVG in Node (no browser, no canvas).
 * vega and vega-lite are imported here, not at module top level: their module graph has
 * a top-level await, which would stop this module from being loaded with require().
 */
export async function renderSvg(spec: TopLevelSpec, log: RenderLog = { warnings: [] }): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  // Gradient and clip-path ids come from a process-wide counter: reset it so the same spec
  // always gives the same SVG bytes, however many charts this process rendered before.
  vega.resetSVGDefIds();
  // Text is laid out as the bundled fonts set it, not by vega's canvas-less guess (text-width.ts).
  measure ??= await fontMeasure(bundledFontFiles() as [string, string, string, string]);
  // vega exports textMetrics (vega-scenegraph's) for this, but its typings do not declare it.
  (vega as unknown as { textMetrics: { width: typeof measure } }).textMetrics.width = measure;
  const logger = collectingLogger(log);
  const compiled = vl.compile(spec, { logger: logger as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: logger as never });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let measure: Awaited<ReturnType<typeof fontMeasure>> | undefined;

let fontFiles: string[] | undefined;

/** The DejaVu fonts bundled with the dejavu-fonts-ttf package, so PNGs do not depend on system fonts. */
export function bundledFontFiles(): string[] {
  if (fontFiles === undefined) {
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontFiles = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'].map((f) => join(dir, f));
  }
  return fontFiles;
}

/** Rasterises an SVG with resvg and the bundled fonts: the same SVG always gives the same bytes. */
export async function renderPng(svg: string, zoom = 1.5): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const r = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: zoom },
    font: {
      loadSystemFonts: false,
      fontFiles: bundledFontFiles(),
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return r.render().asPng();
}

/**
 * Writes charts/<id>.svg and charts/<id>.png under `dir` for each chart (the run, sweep and tuner
 * reports), and returns vega's warnings, each after its chart's id.
 */
export async function writeChartImages(dir: string, charts: ReadonlyArray<{ id: string; spec: TopLevelSpec }>): Promise<string[]> {
  const warnings: string[] = [];
  for (const c of charts) {
    const log: RenderLog = { warnings: [] };
    const svg = await renderSvg(c.spec, log);
    warnings.push(...log.warnings.map((w) => `${c.id}: ${w}`));
    writeOutputFile(join(dir, 'charts', `${c.id}.svg`), svg);
    writeOutputFile(join(dir, 'charts', `${c.id}.png`), await renderPng(svg));
  }
  return warnings;
}
