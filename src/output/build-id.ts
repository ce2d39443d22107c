/**
 * Which knsim build this is: the package version and a SHA-256 of the code that runs the
 * simulations, so outputs of two builds (a sweep's shards, a resumed sweep) are never taken for
 * one model's. A version names releases only; a build id changes with every change of the code
 * (a checkout between shards, a patch, another bundled dependency).
 *
 * The code is what bin/knsim.js runs: the bundle (dist/bundle/knsim.cjs and the sweep threads'
 * worker.js, which hold knsim's code and the packages bundled with it) while it is as new as the
 * compiled CLI, else every compiled module under dist/ (or, with no dist/, the sources under src/).
 * Under vitest the modules run from src/, but the id is still the build's, so a test's sweep and
 * the CLI's agree. The build records the bundle's id with its files' sizes (BUILD_ID_FILE); while
 * that record is fresh, reading it stands in for hashing 3.6 MB (10–20 ms of CPU).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { knsimVersion } from './output-dir.js';

export interface KnsimBuild {
  /** package.json's version. */
  version: string;
  /** SHA-256 (hex) of the code, as above. */
  build: string;
}

// dist/bundle/ and src/output/ sit as deep as dist/output/: two levels up is the package.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLE = ['dist/bundle/knsim.cjs', 'dist/bundle/worker.js'];
export const BUILD_ID_FILE = 'dist/bundle/build-id.json';

interface Recorded {
  build: string;
  files: Array<{ file: string; size: number }>;
}

const mtime = (rel: string): number => statSync(join(ROOT, rel), { throwIfNoEntry: false })?.mtimeMs ?? -1;

/** The files whose bytes make the id, relative to the package, in a fixed order. */
function codeFiles(): string[] {
  // As bin/knsim.js decides: a bundle older than the compiled CLI is stale, so the modules run.
  if (BUNDLE.every((f) => mtime(f) >= 0) && mtime(BUNDLE[0]!) >= mtime('dist/cli/main.js')) return BUNDLE;
  const top = mtime('dist/cli/main.js') >= 0 ? 'dist' : 'src';
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory() && rel !== 'dist/bundle') walk(rel);
      else if (e.isFile() && /\.(js|ts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk(top);
  return out.sort();
}

/** SHA-256 over each file's path and bytes. */
export function hashCode(files: readonly string[], root = ROOT): string {
  const h = createHash('sha256');
  for (const f of files) {
    const bytes = readFileSync(join(root, f));
    h.update(`${f}\0${bytes.length}\0`);
    h.update(bytes);
  }
  return h.digest('hex');
}

const sizes = (files: readonly string[]): Recorded['files'] => files.map((file) => ({ file, size: statSync(join(ROOT, file)).size }));

/**
 * The recorded id, while it is the bundle's: the same sizes, and no file changed after the record was
 * written (an npm install gives every file one mtime, which keeps that true).
 */
function recorded(files: readonly string[]): string | undefined {
  try {
    const r = JSON.parse(readFileSync(join(ROOT, BUILD_ID_FILE), 'utf8')) as Recorded;
    const fresh = files.every((f) => mtime(f) <= mtime(BUILD_ID_FILE)) && JSON.stringify(r.files) === JSON.stringify(sizes(files));
    return fresh && /^[0-9a-f]{64}$/.test(r.build) ? r.build : undefined;
  } catch {
    return undefined;
  }
}

/** For the build (build-bundle.ts): hashes the bundle and records its id beside it. */
export function recordBuildId(): string {
  const build = hashCode(BUNDLE);
  writeFileSync(join(ROOT, BUILD_ID_FILE), JSON.stringify({ build, files: sizes(BUNDLE) } satisfies Recorded, null, 2) + '\n');
  return build;
}

let cached: KnsimBuild | undefined;
/** This build's version and id (worked out once a process). */
export function knsimBuild(): KnsimBuild {
  if (cached === undefined) {
    const files = codeFiles();
    const build = (files === BUNDLE ? recorded(files) : undefined) ?? hashCode(files);
    cached = { version: knsimVersion(), build };
  }
  return cached;
}
