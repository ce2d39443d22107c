#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ (and bundled) by `npm run build`.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// V8 hands a function to its optimizing compiler after a fixed amount of interpreted
// bytecode (66 KB in node 20). Most of a run's code runs for well under a second, and
// compiling it costs more CPU than it saves; four times the budget leaves that code
// interpreted and still optimizes the simulation's hot loop early in a long run
// (measured: quickstart 0.1 s less CPU, hour-long runs no slower). Speed only: the
// results do not depend on how code is compiled. Set before any code is compiled: V8's
// code cache is only taken under the flags it was made with.
setFlagsFromString('--interrupt-budget=270000');

// The build also bundles the CLI into dist/bundle/knsim.cjs, with a V8 code cache beside it
// (src/cli/build-bundle.ts, src/cli/code-cache.ts). A bundle older than the compiled CLI
// (tsc run on its own since) is stale, so the modules run instead.
const path = (p) => fileURLToPath(new URL(p, import.meta.url));
const mtime = (p) => statSync(path(p), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const argv = process.argv.slice(2);
if (mtime('../dist/bundle/knsim.cjs') >= mtime('../dist/cli/main.js')) {
  const { loadWithCodeCache } = await import('../dist/cli/code-cache.js');
  const bundle = loadWithCodeCache(path('../dist/bundle/knsim.cjs'));
  if (process.env.KNSIM_DEBUG) process.stderr.write(`knsim: code cache ${bundle.cache}\n`);
  await bundle.exports.main(argv);
  // The build runs the quickstart once with this set to write the cache (build-bundle.ts).
  if (process.env.KNSIM_WRITE_CODE_CACHE === '1') bundle.writeCache();
} else {
  await (await import('../dist/cli/main.js')).main(argv);
}
