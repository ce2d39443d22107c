#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ (and bundled) by `npm run build`.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { V8_FLAGS } from '../dist/run/v8-flags.js';

// Before anything else is compiled (see src/run/v8-flags.ts); a worker thread running a command
// (src/cli/isolated.ts) shares the process's flags.
if (isMainThread) for (const flag of V8_FLAGS) setFlagsFromString(flag);

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
