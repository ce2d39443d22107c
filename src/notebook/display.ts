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
  const axes = escapeHtml(axisTitles(spec).join(' | '));
  return `<img src="data:image/png;base64,${png.toString('base64')}"${size} alt="${escapeHtml(titleOf(spec))}" data-axes="${axes}">`;
}

/** The x and y axis titles of a spec, in order, once each (the exported page lists them for checks). */
export function axisTitles(spec: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const enc = o['encoding'] as Record<string, { title?: unknown }> | undefined;
      for (const ch of ['x', 'y'] as const) {
        const t = enc?.[ch]?.title;
        if (typeof t === 'string' && !out.includes(t)) out.push(t);
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(spec);
  return out;
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

/** How tables and quoted numbers show a value: numbers rounded to `digits` decimals (no trailing zeros). */
export function formatValue(v: unknown, digits = 2): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 10 ** digits) / 10 ** digits);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v === undefined || v === null) return '';
  return String(v);
}

export interface TableOptions {
  /** The table's name in the page (`data-table`), which quoted numbers point at; default `table-<n>`. */
  id?: string;
  /** Columns in order; default: the first row's keys. */
  columns?: readonly string[];
  /** Decimals shown per column (default 2). */
  digits?: Readonly<Record<string, number>>;
}

let tableCount = 0;

/**
 * A table as shown in a notebook. Prose quotes its numbers with {@link ShownTable.cite}, so a
 * number in the text is the number in the table, and the exported page says which cell it is.
 */
export class ShownTable<R extends object = Record<string, unknown>> {
  readonly id: string;
  readonly columns: readonly string[];
  readonly html: string;
  constructor(
    readonly rows: readonly R[],
    private readonly options: TableOptions = {},
  ) {
    this.id = options.id ?? `table-${++tableCount}`;
    if (!/^[A-Za-z0-9_-]+$/.test(this.id)) throw new Error(`table id "${this.id}": letters, digits, - and _ only`);
    this.columns = options.columns ?? Object.keys(rows[0] ?? {});
    // A NaN or an infinity is a computation gone wrong (a max of nothing), never a number to teach.
    rows.forEach((r, i) => {
      for (const c of this.columns) {
        const v = (r as Record<string, unknown>)[c];
        if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`table ${this.id}: row ${i}, column "${c}" is ${v}: a table shows finite numbers only (null for none)`);
      }
    });
    this.html = tableHtml(rows, { ...options, id: this.id, columns: this.columns });
  }

  digitsOf(column: string): number {
    return this.options.digits?.[column] ?? 2;
  }

  /** The index of the one row that matches (a row number, the values of some columns, or a predicate). */
  rowIndex(match: number | Partial<R> | ((row: R) => boolean)): number {
    const test =
      typeof match === 'number'
        ? (_: R, i: number) => i === match
        : typeof match === 'function'
          ? (r: R) => match(r)
          : (r: R) => Object.entries(match).every(([k, v]) => (r as Record<string, unknown>)[k] === v);
    const found = this.rows.flatMap((r, i) => (test(r, i) ? [i] : []));
    if (found.length !== 1) throw new Error(`table ${this.id}: ${found.length} rows match ${typeof match === 'function' ? 'the predicate' : JSON.stringify(match)}, expected 1`);
    return found[0]!;
  }

  /** The raw value in a cell. */
  value(match: number | Partial<R> | ((row: R) => boolean), column: string): unknown {
    if (!this.columns.includes(column)) throw new Error(`table ${this.id} has no column "${column}" (columns: ${this.columns.join(', ')})`);
    return (this.rows[this.rowIndex(match)] as Record<string, unknown>)[column];
  }

  /** A cell's value for the prose, marked with where it comes from (`digits` decimals; default the column's). */
  cite(match: number | Partial<R> | ((row: R) => boolean), column: string, digits?: number): Cite {
    const row = this.rowIndex(match);
    const value = this.value(row, column);
    const d = digits ?? this.digitsOf(column);
    return { cite: true, table: this.id, row, column, digits: d, value, text: formatValue(value, d) };
  }
}

/** A number quoted in prose and the table cell it is taken from. */
export interface Cite {
  cite: true;
  table: string;
  row: number;
  column: string;
  digits: number;
  value: unknown;
  text: string;
}

const isCite = (v: unknown): v is Cite => typeof v === 'object' && v !== null && (v as { cite?: unknown }).cite === true;

/** The HTML of a quoted number: its text in a span that names the table, row and column. */
export function citeHtml(c: Cite): string {
  return (
    `<span class="knsim-cite" data-table="${escapeHtml(c.table)}" data-row="${c.row}" data-column="${escapeHtml(c.column)}" ` +
    `data-digits="${c.digits}">${escapeHtml(c.text)}</span>`
  );
}

/**
 * Markdown with numbers quoted from tables: `proseMarkdown\`… t = ${ticks.cite({ 'time (s)': 240 }, 'time (s)')} …\``.
 * Only {@link Cite}s and strings may be interpolated: a bare number in the text could not be checked against a table.
 */
export function proseMarkdown(strings: TemplateStringsArray, ...values: ReadonlyArray<Cite | string>): string {
  let out = dollars(strings[0]!);
  values.forEach((v, i) => {
    if (isCite(v)) out += citeHtml(v);
    else if (typeof v === 'string') out += dollars(v);
    else throw new Error(`prose: quote numbers from a shown table (ShownTable.cite), not as bare values: got ${JSON.stringify(v)}`);
    out += dollars(strings[i + 1]!);
  });
  return out;
}

/**
 * A dollar sign as text: Jupyter's Markdown reads `$…$` as TeX, which would show "$12.45 a day
 * against $10.57" as the raw HTML of the quoted numbers between the two signs.
 */
const dollars = (s: string): string => s.replace(/\$/g, '&#36;');

/** Displays {@link proseMarkdown} in the notebook. */
export function prose(strings: TemplateStringsArray, ...values: ReadonlyArray<Cite | string>): void {
  tslabDisplay().markdown(proseMarkdown(strings, ...values));
}

/** A unit at the end of a header or axis title: "time (s)", "ready (pods)". */
export const UNIT = /\([^()]+\)$/;

/**
 * An HTML table of rows (objects); columns default to the first row's keys. Every numeric
 * column's header must end with its unit in parentheses. Numbers carry their full value in
 * `data-value`, so quoted numbers can be checked against them.
 */
export function tableHtml(objects: readonly object[], options: TableOptions = {}): string {
  const rows = objects as ReadonlyArray<Record<string, unknown>>;
  const cols = options.columns ?? Object.keys(rows[0] ?? {});
  const numeric = cols.map((c) => rows.some((r) => typeof r[c] === 'number') && rows.every((r) => typeof r[c] === 'number' || r[c] === undefined));
  cols.forEach((c, i) => {
    if (numeric[i] && !UNIT.test(c)) throw new Error(`table column "${c}": a numeric column's header ends with its unit, e.g. "time (s)" or "ready (pods)"`);
  });
  // Numbers right-aligned, text left-aligned (decided per column from its values).
  const align = numeric.map((n) => (n ? 'right' : 'left'));
  const head = cols.map((c, i) => `<th style="text-align:${align[i]};padding:2px 10px">${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${cols
          .map((c, i) => {
            const v = r[c];
            const raw = typeof v === 'number' ? ` data-value="${String(v)}"` : '';
            return `<td style="text-align:${align[i]};padding:2px 10px"${raw}>${escapeHtml(formatValue(v, options.digits?.[c] ?? 2))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  const id = options.id !== undefined ? ` data-table="${escapeHtml(options.id)}"` : '';
  return `<table${id} style="border-collapse:collapse;font-size:13px"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Displays rows as a table in the notebook and returns it, for prose to quote (numbers rounded to 2 decimals unless `digits` says otherwise). */
export function showTable<R extends object>(rows: readonly R[], options: TableOptions = {}): ShownTable<R> {
  const t = new ShownTable(rows, options);
  tslabDisplay().html(t.html);
  return t;
}
