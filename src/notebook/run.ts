/**
 * `npm run notebooks`: executes notebooks/*.ipynb headless with Jupyter's nbconvert and the
 * tslab kernel (jupyter/kernels/tslab/kernel.json) and exports each one to HTML.
 *
 *   node dist/notebook/run.js [--out DIR] [name.ipynb …]
 *
 * Exit code 0 when every cell of every notebook ran; 1 when a cell failed (the failing
 * cell's error is printed: tslab does not put it in the execution reply, so nbconvert alone
 * only says "<Error>:"); 2 when jupyter nbconvert is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  mkdirSync(outDir, { recursive: true });
  const htmlOf = (nb: string): string => join(outDir, basename(nb).replace(/\.ipynb$/, '.html'));
  for (const nb of notebooks) rmSync(htmlOf(nb), { force: true });

  const started = Date.now();
  const r = jupyter(['nbconvert', '--to', 'html', '--execute', '--ExecutePreprocessor.timeout=300', '--output-dir', outDir, ...notebooks]);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status === 0) {
    for (const nb of notebooks) console.log(`notebooks: ${basename(nb)} → ${htmlOf(nb)}`);
    console.log(`notebooks: ${notebooks.length} executed in ${seconds} s`);
    return 0;
  }
  // nbconvert stops at the first notebook with a failing cell; it is the first without its HTML.
  const failed = notebooks.find((nb) => !existsSync(htmlOf(nb)));
  if (failed === undefined) {
    console.error(r.stderr.slice(-4000));
    console.error(`notebooks: jupyter nbconvert failed (exit ${String(r.status)})`);
    return 1;
  }
  console.error(`notebooks: ${basename(failed)} has a failing cell`);
  console.error(explainFailure(failed));
  return 1;
}

// Run when executed directly (not when imported).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
