/**
 * Checks an exported notebook page: every number its prose quotes (a `knsim-cite` span, see
 * ShownTable.cite) must be the number in the table cell it names, in the same page.
 */
import { formatValue } from './display.js';

interface Table {
  columns: string[];
  /** Per row, per cell: the shown text and the full value of numbers. */
  rows: Array<Array<{ text: string; value?: number }>>;
}

const attr = (attrs: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(attrs)?.[1];
const strip = (html: string): string => html.replace(/<[^>]*>/g, '').trim();

/** The tables with a `data-table` id in a page, by id (a duplicate id is reported). */
export function tablesOf(html: string): { tables: Map<string, Table>; duplicates: string[] } {
  const tables = new Map<string, Table>();
  const duplicates: string[] = [];
  for (const m of html.matchAll(/<table\b([^>]*)>([\s\S]*?)<\/table>/g)) {
    const id = attr(m[1]!, 'data-table');
    if (id === undefined) continue;
    const [head = '', body = ''] = m[2]!.split(/<\/thead>/);
    const columns = [...head.matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/g)].map((c) => strip(c[1]!));
    const rows = [...body.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((r) =>
      [...r[1]!.matchAll(/<td\b([^>]*)>([\s\S]*?)<\/td>/g)].map((c) => {
        const raw = attr(c[1]!, 'data-value');
        return { text: strip(c[2]!), ...(raw !== undefined ? { value: Number(raw) } : {}) };
      }),
    );
    if (tables.has(id)) duplicates.push(id);
    tables.set(id, { columns, rows });
  }
  return { tables, duplicates };
}

export interface CiteCheck {
  /** Quoted numbers found. */
  cites: number;
  /** Each quoted number that does not match its cell (or names a missing table, row or column). */
  problems: string[];
}

/** Checks every quoted number in an exported page against its table. */
export function checkCites(html: string): CiteCheck {
  const { tables, duplicates } = tablesOf(html);
  const problems = duplicates.map((id) => `table ${id} appears more than once`);
  let cites = 0;
  for (const m of html.matchAll(/<span class="knsim-cite"([^>]*)>([\s\S]*?)<\/span>/g)) {
    cites++;
    const a = m[1]!;
    const text = strip(m[2]!);
    const id = attr(a, 'data-table') ?? '';
    const row = Number(attr(a, 'data-row'));
    const column = attr(a, 'data-column') ?? '';
    const digits = Number(attr(a, 'data-digits') ?? '2');
    const where = `"${text}" (table ${id}, row ${row}, column "${column}")`;
    const table = tables.get(id);
    if (table === undefined) {
      problems.push(`${where}: no such table in the page`);
      continue;
    }
    const col = table.columns.indexOf(column);
    const cell = table.rows[row]?.[col];
    if (col < 0 || cell === undefined) {
      problems.push(`${where}: no such cell`);
      continue;
    }
    const expected = cell.value !== undefined ? formatValue(cell.value, digits) : cell.text;
    if (text !== expected) problems.push(`${where}: the table says ${expected}`);
  }
  return { cites, problems };
}
