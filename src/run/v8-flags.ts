/**
 * V8 flags for every knsim process, set before any of knsim's code is compiled: bin/knsim.js
 * applies them with `v8.setFlagsFromString`, and `npm run bench` starts its cases with them, so
 * a case runs its code as `knsim run` would. Speed only: results do not depend on how code is
 * compiled. V8 takes a code cache only under the flags it was made with, so the build's cache
 * (build-bundle.ts) is made under these too, by running bin/knsim.js.
 *
 * `--interrupt-budget`: V8 hands a function to its optimizing compiler after a fixed amount of
 * interpreted bytecode (66 KB in node 20). Most of a run's code runs for well under a second,
 * and compiling it costs more CPU than it saves; four times the budget leaves that code
 * interpreted and still optimizes the simulation's hot loop early in a long run (measured:
 * quickstart 0.1 s less CPU, hour-long runs no slower).
 */
export const V8_FLAGS: readonly string[] = ['--interrupt-budget=270000'];
