/**
 * The playground's build: a static site in out/playground. knsim's run and report code
 * reach node:fs and node:path only to write and read the run's files; in the browser
 * those are an in-memory store (src/shims), so the worker runs the CLI's own code.
 */
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const shim = (f: string): string => fileURLToPath(new URL(`./src/shims/${f}`, import.meta.url));

/**
 * Trace files are read by streaming them from disk in node (src/scenario/text-source.ts);
 * in the browser the trace reader gets the text, read by a text-only stand-in.
 */
const browserTextSource: Plugin = {
  name: 'knsim-browser-text-source',
  enforce: 'pre',
  resolveId(source, importer) {
    return source === './text-source.js' && importer !== undefined && /[\\/]src[\\/]scenario[\\/]trace\.ts$/.test(importer) ? shim('text-source.ts') : null;
  },
};

/**
 * A node built-in that knsim's code imports past the shims (aliases run first) would be an empty
 * stand-in in the browser, failing only when a scenario reaches it: fail the build instead,
 * naming the importer. Packages are left alone (seedrandom's optional `crypto` is never called).
 */
const noNodeBuiltins: Plugin = {
  name: 'knsim-no-node-builtins',
  enforce: 'pre',
  resolveId(source, importer) {
    if (isBuiltin(source) && importer !== undefined && !/[\\/]node_modules[\\/]/.test(importer)) this.error(`${source}, imported by ${importer}, does not exist in the browser: shim it in web/src/shims or keep it out of the playground's code`);
    return null;
  },
};

export default defineConfig({
  plugins: [browserTextSource, noNodeBuiltins],
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  resolve: {
    alias: [
      { find: /^(node:)?fs$/, replacement: shim('fs.ts') },
      { find: /^(node:)?path$/, replacement: shim('path.ts') },
      { find: /^(node:)?module$/, replacement: shim('module.ts') },
      { find: /^(node:)?worker_threads$/, replacement: shim('empty.ts') },
      // The csv packages' browser builds carry their own Buffer (and csv-parse's, its own stream).
      { find: /^csv-parse$/, replacement: 'csv-parse/browser/esm' },
      { find: /^csv-parse\/sync$/, replacement: 'csv-parse/browser/esm/sync' },
      { find: /^csv-stringify\/sync$/, replacement: 'csv-stringify/browser/esm/sync' },
    ],
  },
  worker: { format: 'es', plugins: () => [browserTextSource, noNodeBuiltins] },
  build: {
    outDir: fileURLToPath(new URL('../out/playground', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    modulePreload: { polyfill: false },
  },
  server: { fs: { allow: ['..'] } },
});
