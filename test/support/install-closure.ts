/**
 * What `npm install knsim` puts in a fresh project's node_modules, worked out from
 * package-lock.json and measured on the installed node_modules, without the network.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface PackageJson {
  name: string;
  files: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

/** The lock key node would load `name` from when required by the package at lock key `from` ('' is the root). */
function resolveKey(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (packages[key] !== undefined) return key;
    if (base === '') return undefined;
    const up = base.lastIndexOf('/node_modules/');
    base = up < 0 ? '' : base.slice(0, up);
  }
}

/**
 * Lock keys (node_modules/…) of every package npm installs for a consumer of this package:
 * its dependencies, their dependencies, required peers (npm ≥ 7 installs those) and the
 * optional dependencies npm installed on this host (`installed`: a platform build such as
 * a musl binary is in the lock but not on disk); never optional peers or devDependencies.
 */
export function installClosure(pkg: PackageJson, lock: { packages: Record<string, LockEntry> }, installed: (key: string) => boolean): string[] {
  const { packages } = lock;
  const seen = new Set<string>();
  const visit = (from: string, deps: Record<string, boolean>): void => {
    for (const [name, optional] of Object.entries(deps)) {
      const key = resolveKey(packages, from, name);
      if (key === undefined) {
        if (optional) continue;
        throw new Error(`package-lock.json has no ${name} for ${from || 'the root'}`);
      }
      const e = packages[key]!;
      if (seen.has(key) || (optional && !installed(key))) continue;
      seen.add(key);
      visit(key, edges(e));
    }
  };
  visit('', Object.fromEntries(Object.keys(pkg.dependencies ?? {}).map((n) => [n, false])));
  return [...seen].sort();
}

function edges(e: LockEntry): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const n of Object.keys(e.dependencies ?? {})) out[n] = false;
  for (const n of Object.keys(e.optionalDependencies ?? {})) out[n] = true;
  for (const n of Object.keys(e.peerDependencies ?? {})) if (e.peerDependenciesMeta?.[n]?.optional !== true) out[n] ??= false;
  return out;
}

/**
 * The files `npm pack` puts in the tarball of the package at `root`, relative to it: package.json
 * "files" with its `!` exclusions, and what npm always adds (package.json, README, LICENSE).
 * Asked of npm itself, offline and without lifecycle scripts, so the list is the one published.
 */
export function packedFiles(root: string): string[] {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack --dry-run failed (exit ${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path).sort();
}

/** Disk usage in bytes as du counts it (allocated blocks), not following links, skipping nested node_modules. */
export function diskUsage(path: string): number {
  const st = lstatSync(path);
  let total = st.blocks * 512;
  if (st.isDirectory()) {
    for (const f of readdirSync(path)) if (f !== 'node_modules') total += diskUsage(join(path, f));
  }
  return total;
}
