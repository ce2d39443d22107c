/**
 * Showing charts and tables in a tslab notebook.
 *
 * Charts are rendered to PNG in Node (Vega → SVG → resvg with bundled fonts) because
 * nbconvert's HTML export drops SVG outputs. vega is loaded lazily by the renderer: this
 * module is loaded with require() by tslab, which cannot load vega's top-level await.
 */
import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';
import { renderPng, renderSvg } from '../output/report/render.js';
import type { ChartSpec } from './charts.js';

interface TslabDisplay {
  png(b: Uint8Array): void;
  html(s: string): void;
  markdown(s: string): void;
}

function tslabDisplay(): TslabDisplay {
  let mod: { display: TslabDisplay };
  try {
    mod = createRequire(import.meta.url)('tslab') as { display: TslabDisplay };
  } catch {
    throw new Error('show() needs the tslab kernel (npm install -D tslab); use chartPng() outside a notebook');
  }
  return mod.display;
}

/** Renders a chart to SVG; throws if Vega-Lite or Vega warned about the spec. */
export async function chartSvg(spec: ChartSpec): Promise<string> {
  const log = { warnings: [] as string[] };
  const svg = await renderSvg(spec as unknown as TopLevelSpec, log);
  if (log.warnings.length > 0) throw new Error(`chart "${titleOf(spec)}": ${log.warnings.join('; ')}`);
  return svg;
}

/** Renders a chart to PNG bytes (`zoom` × the chart's size, for sharp text on high-density screens). */
export async function chartPng(spec: ChartSpec, zoom = 2): Promise<Buffer> {
  return renderPng(await chartSvg(spec), zoom);
}

/** An `<img>` with the chart as an inline PNG, drawn at the chart's own size (the PNG has 2× the pixels). */
export async function chartImgHtml(spec: ChartSpec): Promise<string> {
  const svg = await chartSvg(spec);
  const width = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1];
  const png = await renderPng(svg, 2);
  const size = width === undefined ? '' : ` width="${Math.round(Number(width))}"`;
  return `<img src="data:image/png;base64,${png.toString('base64')}"${size} alt="${escapeHtml(titleOf(spec))}">`;
}

function titleOf(spec: ChartSpec): string {
  const t = spec['title'];
  if (typeof t === 'string') return t;
  if (t !== null && typeof t === 'object' && typeof (t as { text?: unknown }).text === 'string') return (t as { text: string }).text;
  return '(untitled)';
}

/**
 * Displays a chart in the notebook: an inline PNG in an `<img>` (nbconvert's HTML export
 * keeps HTML and PNG outputs but drops SVG ones).
 */
export async function show(spec: ChartSpec): Promise<void> {
  try {
    tslabDisplay().html(await chartImgHtml(spec));
  } catch (e) {
    // tslab prints a rejected top-level await without its message: say it here.
    console.error(`show(): ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function cellText(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v === undefined || v === null) return '';
  return String(v);
}

/** An HTML table of rows (objects); columns default to the first row's keys. */
export function tableHtml(objects: readonly object[], columns?: readonly string[]): string {
  const rows = objects as ReadonlyArray<Record<string, unknown>>;
  const cols = columns ?? Object.keys(rows[0] ?? {});
  // Numbers right-aligned, text left-aligned (decided per column from its values).
  const align = cols.map((c) => (rows.every((r) => typeof r[c] === 'number' || r[c] === undefined) ? 'right' : 'left'));
  const head = cols.map((c, i) => `<th style="text-align:${align[i]};padding:2px 10px">${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${cols.map((c, i) => `<td style="text-align:${align[i]};padding:2px 10px">${escapeHtml(cellText(r[c]))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table style="border-collapse:collapse;font-size:13px"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Displays rows as a table in the notebook (numbers rounded to 2 decimals). */
export function showTable(rows: readonly object[], columns?: readonly string[]): void {
  tslabDisplay().html(tableHtml(rows, columns));
}
