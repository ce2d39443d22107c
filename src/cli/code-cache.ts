/**
 * Loads the bundled CLI (dist/bundle/knsim.cjs, one CommonJS file) through a V8 code cache.
 *
 * Node 20 has no code cache for ES modules (`module.enableCompileCache` came in node 22), so
 * every start parsed and compiled the whole bundle again: about a fifth of a short run's CPU.
 * A `vm.Script` takes V8's serialized bytecode instead (`cachedData`). `npm run build` writes
 * the cache by running the quickstart once (see build-bundle.ts), so it also holds the
 * functions a run compiles lazily, not only the top level.
 *
 * The cache file starts with the SHA-256 of the source it was made from. V8 itself checks only
 * the source's length, its own version and its flags: a rebuilt bundle of the same length
 * would otherwise run stale bytecode. A cache that does not match is ignored, never fatal.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

/** Hex SHA-256, 64 bytes, at the head of the cache file. */
const KEY_BYTES = 64;

/** What happened to the cache, for KNSIM_DEBUG and the tests. */
export type CacheUse = 'accepted' | 'rejected' | 'absent' | 'stale';

export interface LoadedBundle<T> {
  exports: T;
  cache: CacheUse;
  /** Writes the cache for this source, with everything compiled so far, atomically. */
  writeCache(): void;
}

// Module.wrap's parameters, and the import() the bundle calls as `__knsimImport` (see build-bundle.ts),
// on the source's first line so that line numbers stay true.
const HEAD = '(function (exports, require, module, __filename, __dirname, __knsimImport) { ';
const TAIL = '\n})';

/**
 * import() for the bundle. Inside a vm.Script, import() needs node's `importModuleDynamically`,
 * and node 20 loses that callback when V8 takes the code cache (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING),
 * so the bundle calls this module's own import() instead. Only bare package names reach it.
 */
const dynamicImport = (specifier: string): Promise<unknown> => import(specifier);

export function loadWithCodeCache<T>(file: string, cacheFile = `${file}.cache`): LoadedBundle<T> {
  const source = readFileSync(file);
  const key = Buffer.from(createHash('sha256').update(source).digest('hex'), 'latin1');
  let cachedData: Buffer | undefined;
  let cache: CacheUse = 'absent';
  try {
    const stored = readFileSync(cacheFile);
    if (stored.length > KEY_BYTES && stored.subarray(0, KEY_BYTES).equals(key)) cachedData = stored.subarray(KEY_BYTES);
    else cache = 'stale';
  } catch {
    // No cache: compile from source.
  }
  const script = new vm.Script(HEAD + source.toString('utf8') + TAIL, {
    filename: file,
    cachedData,
  });
  if (cachedData) cache = script.cachedDataRejected ? 'rejected' : 'accepted';
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (e: T, r: NodeJS.Require, m: { exports: T }, f: string, d: string, i: typeof dynamicImport) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), dynamicImport);
  return {
    exports: module.exports,
    cache,
    writeCache(): void {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.concat([key, script.createCachedData()]));
      renameSync(tmp, cacheFile);
    },
  };
}
