/**
 * Which directories knsim may replace, and how it marks the ones it wrote.
 *
 * An output directory (run, sweep, tune) holds `.knsim-output.json`, a manifest listing
 * every file knsim wrote there. knsim replaces DIR only when it does not exist, is an
 * empty directory, or holds a valid manifest; when it replaces one, it deletes only the
 * files the manifest lists: anything else (a user's notes) is moved to DIR.kept-N.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, renameSync, rmdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { writeOutputFile } from './write-file.js';
import { mapOutputErrors, OutputError } from './output-error.js';
import { emptyStaging } from './staging-files.js';

export const MANIFEST = '.knsim-output.json';
const KIND = 'knsim-output';

export interface Manifest {
  kind: typeof KIND;
  version: 1;
  /** knsim's package version. */
  knsim: string;
  /** The command that wrote the directory: run, sweep (merged sweeps too, so they match a single run's byte for byte), tune. */
  command: string;
  /**
   * `staging` while the directory is a staging directory (`<out>.partial-<pid>`) of process `pid`;
   * `previous` once process `pid` is moving it aside (`<out>.previous-<pid>`) to put a new output in its place.
   */
  state?: 'staging' | 'previous';
  pid?: number;
  /** Every file knsim wrote, relative to the directory, `/`-separated, sorted. */
  files: string[];
}

let version: string | undefined;
export function knsimVersion(): string {
  if (version === undefined) {
    try {
      version = String((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown }).version ?? 'unknown');
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

export function newManifest(command: string, files: string[], staging = false): Manifest {
  return { kind: KIND, version: 1, knsim: knsimVersion(), command, ...(staging ? { state: 'staging' as const, pid: process.pid } : {}), files };
}

/** Writes the manifest whole or not at all: a temporary file renamed over it (a rename replaces a link, never writes through it). */
export function writeManifest(dir: string, m: Manifest): void {
  const tmp = join(dir, `${MANIFEST}.tmp-${process.pid}`);
  writeOutputFile(tmp, JSON.stringify(m, null, 2) + '\n');
  renameSync(tmp, join(dir, MANIFEST));
}

/**
 * Whether every directory between `dir` and its relative path `rel` is a real directory: a
 * symbolic link on the way (a user's `charts -> ~/mycharts`) would take a delete or a write
 * out of the directory knsim owns.
 */
export function realParents(dir: string, rel: string): boolean {
  const parts = rel.split('/');
  let p = dir;
  for (let i = 0; i < parts.length - 1; i++) {
    p = join(p, parts[i]!);
    try {
      if (!lstatSync(p).isDirectory()) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** A listed path that stays inside its directory. */
function safeRelative(f: unknown): f is string {
  return typeof f === 'string' && f !== '' && !isAbsolute(f) && !f.includes('\0') && f.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** The directory's manifest, or undefined when it has none or it is not one of knsim's. */
export function readManifest(dir: string): Manifest | undefined {
  let m: Partial<Manifest>;
  try {
    if (!lstatSync(join(dir, MANIFEST)).isFile()) return undefined;
    m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Partial<Manifest>;
  } catch {
    return undefined;
  }
  if (m === null || typeof m !== 'object' || m.kind !== KIND || !Array.isArray(m.files) || !m.files.every(safeRelative)) return undefined;
  return m as Manifest;
}

/** Every file under `dir` (files and symbolic links, not directories) but the manifest, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(join(abs, e.name), r);
      else if (r !== MANIFEST) out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Adds files (written into a committed output directory afterwards, e.g. the report) to its manifest. */
export function addToManifest(dir: string, files: readonly string[]): void {
  const m = readManifest(dir);
  if (m === undefined || m.state === 'staging') return;
  // Marked by a process that died before moving it aside: the directory is a plain output again.
  if (m.state === 'previous' && (m.pid === undefined || !pidGone(m.pid))) return;
  const { state: _state, pid: _pid, ...rest } = m;
  const all = new Set([...m.files.filter((f) => existsSync(join(dir, f))), ...files.filter(safeRelative)]);
  writeManifest(dir, { ...rest, files: [...all].sort() });
}

export interface OutDirOptions {
  /** How errors name the directory, e.g. `--out reports/x (the default)`. */
  label?: string;
  /** Paths that must survive: DIR may not be one of them or hold one (e.g. the scenario file). */
  protect?: readonly string[];
}

/** `p` with symbolic links resolved as far as it exists. */
function realish(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realish(parent), basename(abs));
  }
}

const contains = (dir: string, p: string): boolean => p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep);

export type TargetState = { kind: 'absent' } | { kind: 'empty' } | { kind: 'knsim'; manifest: Manifest };

const refuse = (label: string, why: string): never => {
  throw new OutputError(`${label}: exists and is not a knsim output directory (${why}); choose another path or remove it yourself`);
};

/** What is at `target` now; throws an OutputError when knsim may not replace it. */
export function inspectTarget(target: string, label: string): TargetState {
  let st;
  try {
    st = lstatSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw e;
  }
  if (st.isSymbolicLink()) return refuse(label, 'it is a symbolic link');
  if (st.isFile()) return refuse(label, 'it is a file');
  if (!st.isDirectory()) return refuse(label, 'it is not a regular directory');
  const entries = readdirSync(target);
  if (entries.length === 0) return { kind: 'empty' };
  const m = readManifest(target);
  if (m === undefined) {
    const listed = entries.slice(0, 3).map((e) => JSON.stringify(e)).join(', ');
    const has = entries.includes(MANIFEST) ? `its ${MANIFEST} is not a knsim manifest` : `it has no ${MANIFEST}`;
    return refuse(label, `${has}; it holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}: ${listed}${entries.length > 3 ? ', …' : ''}`);
  }
  if (m.state === 'staging') return refuse(label, 'it is an unfinished knsim staging directory');
  return { kind: 'knsim', manifest: m };
}

/**
 * Checks that knsim may write `outDir`, before any work: DIR is not the current directory,
 * one of its parents, or a protected path or one of its parents; and what is at DIR is
 * absent, empty, or a knsim output directory. Returns the absolute target.
 * @throws OutputError otherwise.
 */
export function checkOutDir(outDir: string, opts: OutDirOptions = {}): string {
  const label = opts.label ?? `--out ${outDir}`;
  const target = resolve(outDir);
  return mapOutputErrors(label, () => {
    // A file (or link) at DIR is refused as such, before asking what it would hold.
    if (existsSync(target) && !lstatSync(target).isDirectory()) inspectTarget(target, label);
    const real = realish(target);
    if (contains(real, realish(process.cwd()))) {
      throw new OutputError(`${label}: is the current directory or one of its parents, which knsim would replace; choose another path`);
    }
    for (const p of opts.protect ?? []) {
      if (contains(real, realish(p))) throw new OutputError(`${label}: holds ${p}, which knsim would replace; choose another path`);
    }
    inspectTarget(target, label);
    return target;
  });
}

/** True when no process `pid` exists (another user's process counts as alive). */
export function pidGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The first `<target>.kept-N` that does not exist (a dangling link there is something that exists: the user's). */
function keptPath(target: string): string {
  for (let n = 1; ; n++) {
    const p = `${target}.kept-${n}`;
    if (lstatSync(p, { throwIfNoEntry: false }) === undefined) return p;
  }
}

/**
 * Removes staging directory `p` of output `target` (a dead process's, or this one's on a
 * failure or signal): only the files knsim writes there go. A folder still holding anything
 * else (a file the user put in it) moves to `<target>.kept-N`, whose path is returned.
 * `mine`: the command, when the directory is this process's own staging.
 */
export function removeStaging(p: string, target: string, mine?: string): string | undefined {
  if (emptyStaging(p, mine)) return undefined;
  const kept = keptPath(target);
  renameSync(p, kept);
  return kept;
}

/**
 * Deletes a previous output directory (moved aside to `old`): the files its manifest lists,
 * the manifest, then the directories that held them once empty. Whatever is left (files
 * knsim did not write) is moved to `<target>.kept-N`, whose path is returned.
 */
export function retireOutput(old: string, target: string): string | undefined {
  const m = readManifest(old);
  const dirs = new Set<string>();
  for (const f of m?.files ?? []) {
    // Listed under a directory that is now a link: what it points to is not knsim's to delete.
    if (!realParents(old, f)) continue;
    const p = join(old, ...f.split('/'));
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (st.isFile() || st.isSymbolicLink()) unlinkSync(p);
    for (let d = dirname(f); d !== '.'; d = dirname(d)) dirs.add(d);
  }
  if (m !== undefined) unlinkSync(join(old, MANIFEST));
  // knsim's own leftovers are not the user's files: they go rather than into DIR.kept-N.
  removeStaleReportStaging(old);
  removeStaleManifestTemps(old);
  // Deepest first, and only the directories knsim's files were in.
  for (const d of [...dirs].sort((a, b) => b.split('/').length - a.split('/').length)) {
    const p = join(old, ...d.split('/'));
    try {
      if (lstatSync(p).isDirectory() && readdirSync(p).length === 0) rmdirSync(p);
    } catch {
      // already gone
    }
  }
  if (readdirSync(old).length === 0) {
    rmdirSync(old);
    return undefined;
  }
  const kept = keptPath(target);
  renameSync(old, kept);
  return kept;
}

/** The name of `knsim report`'s own staging directory in a run directory, followed by its pid. */
export const REPORT_STAGING = '.report.partial-';

/**
 * Report staging directories in `dir` of knsim processes that died (SIGKILL) while drawing its
 * report: their files go; one holding files knsim did not write stays, unmarked, and is returned.
 */
export function removeStaleReportStaging(dir: string): string[] {
  const kept: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(REPORT_STAGING)) continue;
    const pid = Number(name.slice(REPORT_STAGING.length));
    const p = join(dir, name);
    if (Number.isInteger(pid) && pid !== process.pid && pidGone(pid) && readManifest(p)?.state === 'staging' && !emptyStaging(p)) kept.push(p);
  }
  return kept;
}

const MANIFEST_TEMP = /^\.knsim-output\.json\.tmp-(\d+)$/;

/** Manifests a dead knsim process was writing in `dir` (writeManifest's temporary file), when they hold a knsim manifest. */
function removeStaleManifestTemps(dir: string): void {
  for (const name of readdirSync(dir)) {
    const t = MANIFEST_TEMP.exec(name);
    if (t === null) continue;
    const pid = Number(t[1]);
    const p = join(dir, name);
    if (pid === process.pid || !pidGone(pid) || !lstatSync(p).isFile()) continue;
    let kind: unknown;
    try {
      kind = (JSON.parse(readFileSync(p, 'utf8')) as { kind?: unknown } | null)?.kind;
    } catch {
      continue; // cut short: not known to be knsim's
    }
    if (kind === KIND) unlinkSync(p);
  }
}

// A staging directory, or one a signal renamed for removal (staged-dir.ts REMOVING) if the removal was cut short.
const STAGING = /^(.*)\.partial-(\d+)(?:-removing)?$/;
const PREVIOUS = /^(.*)\.previous-(\d+)$/;

/**
 * Cleans up after knsim processes that died (SIGKILL, power loss) while writing `target`:
 * their staging directories `<target>.partial-<pid>` (marked with a staging manifest) are
 * removed, and a previous output they had moved aside (`<target>.previous-<pid>`, its manifest
 * marked `previous` by that pid) is put back when `target` is missing, or retired like any
 * replaced output. Returns what it did.
 */
export function cleanStale(target: string): string[] {
  const parent = dirname(target);
  const base = basename(target);
  const done: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return done;
  }
  for (const name of names.sort()) {
    const staging = STAGING.exec(name);
    const s = staging ?? PREVIOUS.exec(name);
    if (s === null || s[1] !== base) continue;
    const pid = Number(s[2]);
    if (pid === process.pid || !pidGone(pid)) continue;
    const p = join(parent, name);
    const m = readManifest(p);
    if (m === undefined) continue;
    if (staging !== null) {
      if (m.state !== 'staging') continue;
      const kept = removeStaging(p, target);
      done.push(`removed ${p}` + (kept !== undefined ? ` (files knsim did not write are in ${kept})` : ''));
    } else if (m.state === 'previous' && m.pid === pid) {
      if (!existsSync(target)) {
        renameSync(p, target);
        const { state: _state, pid: _pid, ...whole } = m;
        writeManifest(target, whole);
        done.push(`restored ${target} from ${p}`);
      } else {
        const kept = retireOutput(p, target);
        done.push(`removed ${p}` + (kept !== undefined ? ` (files knsim did not write are in ${kept})` : ''));
      }
    }
  }
  return done;
}
