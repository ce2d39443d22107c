/**
 * The last step of `npm run build`: bundles the compiled CLI (dist/cli/main.js) and the sweep
 * worker into dist/bundle/, which bin/knsim.js loads. Loading a few chunks costs a fraction of the
 * CPU of ~250 separate ES modules (quickstart `--no-report`: about 0.15 s of 0.57 s on the 2-core VM),
 * and the bundle leaves out zod's locale modules, which nothing uses (see `noZodLocales`).
 *
 * Code splitting keeps each command's dynamic import() a chunk of its own, loaded only when that
 * command runs. dist/bundle/ sits as deep as dist/<folder>/, so `new URL('../../…', import.meta.url)`
 * finds the same files from a chunk as from the module it came from.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
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

/**
 * zod re-exports all of its ~60 locales as `z.locales` and `z.core.locales`, so bundling `z` keeps them: 362 KB of the
 * 1.5 MB that `knsim run` would parse at start-up. knsim's messages are English, which zod's schemas
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
  plugins: [noZodLocales],
  // Bundled CommonJS packages (yaml, seedrandom) require() node's built-in modules.
  banner: { js: "import { createRequire as __knsimRequire } from 'node:module'; const require = __knsimRequire(import.meta.url);" },
});

removeStaleChunks(OUTDIR, Object.keys(result.metafile.outputs).map((f) => resolve(ROOT, f)));
