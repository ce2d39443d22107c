#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ (and bundled) by `npm run build`.
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// V8 hands a function to its optimizing compiler after a fixed amount of interpreted
// bytecode (66 KB in node 20). Most of a run's code runs for well under a second, and
// compiling it costs more CPU than it saves; four times the budget leaves that code
// interpreted and still optimizes the simulation's hot loop early in a long run
// (measured: quickstart 0.1 s less CPU, hour-long runs no slower). Speed only: the
// results do not depend on how code is compiled.
setFlagsFromString('--interrupt-budget=270000');

// The build also bundles the CLI into dist/bundle/ (src/cli/build-bundle.ts). A bundle older
// than the compiled CLI (tsc run on its own since) is stale, so the modules run instead.
const mtime = (p) => statSync(new URL(p, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = mtime('../dist/bundle/main.js') >= mtime('../dist/cli/main.js');
import(bundled ? '../dist/bundle/main.js' : '../dist/cli/main.js').then((m) => m.main(process.argv.slice(2)));
