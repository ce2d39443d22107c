/**
 * `npm run notebooks`: executes notebooks/*.ipynb headless with Jupyter's nbconvert and the
 * tslab kernel (jupyter/kernels/tslab/kernel.json) and exports each one to a self-contained
 * HTML page (the `knsim` template in jupyter/nbconvert/templates: no scripts, no links to
 * other machines; charts are inline PNGs).
 *
 *   node dist/notebook/run.js [--out DIR] [name.ipynb …]
 *
 * Writes DIR/<name>.html and the executed DIR/<name>.ipynb (DIR: reports/notebooks by default;
 * replaced whole, and only if absent, empty or written by this script). Exit code 0 when every cell of
 * every notebook ran and every number the prose quotes matches its table; 1 when a cell failed
 * (the failing cell's error is printed: tslab does not put it in the execution reply, so
 * nbconvert alone only says "<Error>:") or a quoted number does not; 2 when jupyter nbconvert
 * is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stageDirectory } from '../output/staged-dir.js';
import { checkCites } from './cites.js';
import { REPO_ROOT } from './simulate.js';

interface CellOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}
interface Cell {
  id?: string;
  cell_type: string;
  source: string | string[];
  outputs?: CellOutput[];
  execution_count?: number | null;
}

const text = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join('') : (t ?? ''));

function jupyter(args: readonly string[]): { status: number | null; stdout: string; stderr: string; error?: Error } {
  const r = spawnSync('jupyter', args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      // The committed kernel spec; `tslab` itself is found in node_modules/.bin.
      JUPYTER_PATH: join(REPO_ROOT, 'jupyter'),
      PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}${delimiter}${process.env['PATH'] ?? ''}`,
    },
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.error !== undefined ? { error: r.error } : {}) };
}

/** The error output of a notebook's failing cell(s), found by executing it again with errors allowed. */
function explainFailure(notebook: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-nb-'));
  try {
    jupyter(['nbconvert', '--to', 'notebook', '--execute', '--allow-errors', '--ExecutePreprocessor.timeout=300', '--output-dir', dir, notebook]);
    const out = join(dir, basename(notebook));
    if (!existsSync(out)) return '(could not re-run the notebook to find the failing cell)';
    const cells = (JSON.parse(readFileSync(out, 'utf8')) as { cells: Cell[] }).cells;
    // tslab reports a failing cell's error (or its compile errors) on stderr.
    const failed = cells.find((c) => (c.outputs ?? []).some((o) => o.output_type === 'error' || o.name === 'stderr'));
    if (failed === undefined) return '(no cell output explains the failure)';
    const err = (failed.outputs ?? [])
      .filter((o) => o.output_type === 'error' || o.name === 'stderr')
      .map((o) => (o.output_type === 'error' ? `${o.ename ?? ''}: ${o.evalue ?? ''}` : text(o.text)))
      .join('\n');
    const src = text(failed.source).split('\n').slice(0, 6).join('\n');
    return `cell ${failed.id ?? '?'}:\n${src}\n…\n${err.split('\n').slice(0, 12).join('\n')}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function main(argv: readonly string[]): number {
  let outDir = join(REPO_ROOT, 'reports', 'notebooks');
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--out') outDir = resolve(argv[++i] ?? '');
    else names.push(basename(a));
  }
  const nbDir = join(REPO_ROOT, 'notebooks');
  const notebooks = (names.length > 0 ? names : readdirSync(nbDir).filter((f) => f.endsWith('.ipynb')).sort()).map((f) => join('notebooks', f));

  const probe = jupyter(['nbconvert', '--version']);
  if (probe.status !== 0) {
    console.error('notebooks: jupyter nbconvert is not installed (apt-get install -y --no-install-recommends jupyter-nbconvert)');
    return 2;
  }
  // Written into a staging directory and moved into place whole, as knsim's outputs are: DIR is
  // replaced only if it is absent, empty or written by this script (its manifest), never a
  // folder of the user's (or the notebooks' own).
  let stage;
  try {
    stage = stageDirectory(outDir, { label: `--out ${outDir}`, command: 'notebooks', protect: [nbDir] });
  } catch (e) {
    console.error(`notebooks: ${(e as Error).message}`);
    return 2;
  }
  const dir = stage.path;
  let code: number;
  try {
    code = execute(dir);
  } catch (e) {
    stage.abort();
    throw e;
  }
  if (code !== 0) {
    stage.abort();
    return code;
  }
  try {
    stage.commit();
  } catch (e) {
    stage.abort();
    console.error(`notebooks: ${(e as Error).message}`);
    return 2;
  }
  return 0;

  function execute(dir: string): number {
    const htmlOf = (nb: string): string => join(dir, basename(nb).replace(/\.ipynb$/, '.html'));
    const executedOf = (nb: string): string => join(dir, basename(nb));

    const started = Date.now();
    const r = jupyter(['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=300', '--output-dir', dir, ...notebooks]);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (r.status !== 0) {
      // nbconvert stops at the first notebook with a failing cell; it is the first not written.
      const failed = notebooks.find((nb) => !existsSync(executedOf(nb)));
      if (failed === undefined) {
        console.error(r.stderr.slice(-4000));
        console.error(`notebooks: jupyter nbconvert failed (exit ${String(r.status)})`);
        return 1;
      }
      console.error(`notebooks: ${basename(failed)} has a failing cell`);
      console.error(explainFailure(failed));
      return 1;
    }
    // tslab leaves execution_count empty, so every cell would read "In [ ]". The cells ran
    // top to bottom in one kernel, so their counts are their order among the code cells.
    for (const nb of notebooks) numberCells(executedOf(nb));
    const html = jupyter(['nbconvert', '--to', 'html', '--template', 'knsim', '--output-dir', dir, ...notebooks.map(executedOf)]);
    if (html.status !== 0) {
      console.error(html.stderr.slice(-4000));
      console.error(`notebooks: jupyter nbconvert --to html failed (exit ${String(html.status)})`);
      return 1;
    }
    let bad = 0;
    for (const nb of notebooks) {
      const check = checkCites(readFileSync(htmlOf(nb), 'utf8'));
      for (const p of check.problems) console.error(`notebooks: ${basename(nb)}: the text quotes ${p}`);
      bad += check.problems.length;
      console.log(`notebooks: ${basename(nb)} → ${join(outDir, basename(htmlOf(nb)))} (${check.cites} numbers in the text checked against their tables)`);
    }
    if (bad > 0) {
      console.error(`notebooks: ${bad} number(s) in the text disagree with their tables`);
      return 1;
    }
    console.log(`notebooks: ${notebooks.length} executed in ${seconds} s`);
    return 0;
  }
}

/** Gives the code cells of an executed notebook their execution counts 1, 2, … in order. */
export function numberCells(file: string): void {
  const nb = JSON.parse(readFileSync(file, 'utf8')) as { cells: Cell[] };
  let n = 0;
  for (const c of nb.cells) {
    if (c.cell_type !== 'code') continue;
    c.execution_count = ++n;
    for (const o of c.outputs ?? []) if (o.output_type === 'execute_result') (o as { execution_count?: number }).execution_count = n;
  }
  writeFileSync(file, `${JSON.stringify(nb, null, 1)}\n`);
}

// Run when executed directly (not when imported).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
