/**
 * The last step of `npm run build`: bundles the compiled CLI (dist/cli/main.js) and the sweep
 * worker into dist/bundle/, which bin/knsim.js loads. Loading a few chunks costs a fraction of the
 * CPU of ~250 separate ES modules (quickstart `--no-report`: about 0.15 s of 0.57 s on the 2-core VM),
 * and the bundle leaves out zod's locale modules, which nothing uses.
 *
 * Code splitting keeps each command's dynamic import() a chunk of its own, loaded only when that
 * command runs. dist/bundle/ sits as deep as dist/<folder>/, so `new URL('../../…', import.meta.url)`
 * finds the same files from a chunk as from the module it came from.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { removeStaleChunks } from './stale-chunks.js';

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
  'vega',
  'vega-embed',
  'vega-lite',
];

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: ['dist/cli/main.js', 'dist/sweep/worker.js'],
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: OUTDIR,
  metafile: true,
  entryNames: '[name]',
  logLevel: 'warning',
  external: EXTERNAL,
  // Bundled CommonJS packages (yaml, seedrandom) require() node's built-in modules.
  banner: { js: "import { createRequire as __knsimRequire } from 'node:module'; const require = __knsimRequire(import.meta.url);" },
});

removeStaleChunks(OUTDIR, Object.keys(result.metafile.outputs).map((f) => resolve(ROOT, f)));
