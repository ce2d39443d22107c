/**
 * The last step of `npm run build`: bundles the compiled CLI (dist/cli/main.js) into one CommonJS
 * file, dist/bundle/knsim.cjs, and the sweep worker into dist/bundle/worker.js, then writes the
 * CLI's V8 code cache (src/cli/code-cache.ts) by running the quickstart once. bin/knsim.js loads
 * the CLI with it.
 *
 * Loading one file costs a fraction of the CPU of ~250 separate ES modules, and the code cache
 * spares V8 parsing and compiling it: `knsim run scenarios/quickstart.yaml --no-report` took a
 * median 0.33 s of CPU from a bundle of ES modules split per command, 0.31 s from this file
 * without its cache and 0.25 s with it (7 interleaved runs, 2-core VM, December 2026). CommonJS
 * because node 20 has code caches only for scripts; esbuild cannot split CommonJS, so every
 * command is in the one file, each module initialized only when its command imports it.
 *
 * dist/bundle/ sits as deep as dist/<folder>/, so `new URL('../../…', import.meta.url)` finds
 * the same files from the bundle as from the module it came from.
 *
 * The CLI bundle's whitespace is minified (names are kept, so profiles still read): 1.5 MB of source
 * instead of 2.1 MB to read and hash before the cache is taken. With the run's event-loop turns cut
 * to one per 20 ms (run-world.ts), `knsim run scenarios/quickstart.yaml --no-report` went from a
 * median 0.405 s to 0.375 s of CPU (10 interleaved runs, 2-core VM, 6 December 2026).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { installed, OPTIONAL_FEATURES } from './optional-deps.js';
import { removeStaleChunks } from './stale-chunks.js';
import { recordBuildId } from '../output/build-id.js';

// The package's own folder (this script is dist/cli/build-bundle.js), whatever the working directory:
// the bundle, and the stale chunks removed after it, are only ever in knsim's own dist/bundle.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUTDIR = resolve(ROOT, 'dist/bundle');

/**
 * Left as packages: those that find files next to themselves (yargs' locales, piscina's worker),
 * optional peers, and those loaded with createRequire.
 */
const EXTERNAL = [
  'esbuild',
  'piscina',
  'yargs',
  'yargs/*',
  'cli-progress',
  'csv-parse',
  '@kubernetes/client-node',
  '@resvg/resvg-js',
  'dejavu-fonts-ttf',
  'opentype.js',
  'vega',
  'vega-embed',
  'vega-lite',
];

/**
 * zod re-exports all of its ~60 locales as `z.locales` and `z.core.locales`, so bundling `z` keeps
 * them: 362 KB of JavaScript that nothing runs. knsim's messages are English, which zod's schemas
 * import on their own (locales/en.js), so the re-export resolves to an empty module instead.
 */
const noZodLocales: Plugin = {
  name: 'no-zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'knsim-empty' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'knsim-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

const common: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  metafile: true,
  logLevel: 'warning',
  external: EXTERNAL,
  plugins: [noZodLocales],
};

const cli = await build({
  ...common,
  entryPoints: ['dist/cli/main.js'],
  format: 'cjs',
  outfile: resolve(OUTDIR, 'knsim.cjs'),
  minifyWhitespace: true,
  // A CommonJS file has no import.meta; the modules use its url to find files and packages.
  define: { 'import.meta.url': '__knsimUrl' },
  banner: { js: "const __knsimUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The few import()s left in the bundle load the chart packages (vega, vega-lite, resvg, opentype.js)
// when a report is rendered. They become calls of the loader's own import(), passed in as __knsimImport:
// node 20 drops a vm.Script's import() callback when V8 takes its code cache (src/cli/code-cache.ts).
const cliFile = resolve(OUTDIR, 'knsim.cjs');
const cliText = readFileSync(cliFile, 'utf8');
const imports = [...cliText.matchAll(/\bimport\(("[^"]+")\)/g)].map((m) => JSON.parse(m[1]!) as string);
const unknown = imports.filter((spec) => !EXTERNAL.includes(spec));
if (unknown.length > 0) throw new Error(`build-bundle: knsim.cjs import()s what is not an external package: ${unknown.join(', ')}`);
writeFileSync(cliFile, cliText.replace(/\bimport\(("[^"]+")\)/g, '__knsimImport($1)'));

// The worker runs in piscina's threads as an ES module.
const worker = await build({
  ...common,
  entryPoints: ['dist/sweep/worker.js'],
  format: 'esm',
  outdir: OUTDIR,
  // Bundled CommonJS packages (yaml, seedrandom) require() node's built-in modules.
  banner: { js: "import { createRequire as __knsimRequire } from 'node:module'; const require = __knsimRequire(import.meta.url);" },
});

const written = [...Object.keys(cli.metafile!.outputs), ...Object.keys(worker.metafile!.outputs)].map((f) => resolve(ROOT, f));
removeStaleChunks(OUTDIR, written);
// Earlier builds' ES-module entry point, now knsim.cjs.
rmSync(resolve(OUTDIR, 'main.js'), { force: true });
// The build's id (what a sweep's shards and resume files are checked against), hashed once here.
recordBuildId();

// The code cache: the quickstart's run, report included when the chart packages are installed, run
// once by bin/knsim.js, which writes what V8 compiled for it when KNSIM_WRITE_CODE_CACHE is 1.
const report = OPTIONAL_FEATURES.charts.packages.every(installed) ? [] : ['--no-report'];
const scratch = mkdtempSync(join(tmpdir(), 'knsim-code-cache-'));
try {
  const args = ['run', resolve(ROOT, 'scenarios/quickstart.yaml'), '--out', join(scratch, 'out'), ...report];
  const r = spawnSync(process.execPath, [resolve(ROOT, 'bin/knsim.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, KNSIM_WRITE_CODE_CACHE: '1' },
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stderr.write(`build-bundle: the bundled CLI failed on the quickstart (exit ${r.status}):\n${r.stderr}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
