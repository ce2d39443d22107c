import { chmodSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkOutDir, cleanStale, inspectTarget, listFiles, newManifest, readManifest, removeStaging, retireOutput, writeManifest, type OutDirOptions } from './output-dir.js';
import { mapOutputErrors, OutputError, toOutputError, visibleControls } from './output-error.js';
import { atShownPath } from './shown-path.js';
import { emptyStaging, knsimWrites } from './staging-files.js';
import { makeDirs } from './make-dirs.js';
import { onStop, type StopSignal } from './stop-signals.js';

/** A directory being written next to its final place. */
export interface StagedDirectory {
  /** Where to write now. */
  readonly path: string;
  /** The final directory. */
  readonly target: string;
  /** Replaces the target with what was written; returns the files written (sorted, manifest left out). */
  commit(): string[];
  /** Throws away what was written. */
  abort(): void;
}

export interface StageOptions extends OutDirOptions {
  /** Recorded in the manifest: run, sweep, tune. */
  command?: string;
  /** Where notes go (default: stderr, one line each). */
  warn?: (line: string) => void;
}

/**
 * Test-only fault injection: with KNSIM_TEST_FAULT=<step> the commit fails at that step
 * (stage, rename-aside, rename-in, retire) as if the file system had returned EIO, so tests
 * can show that a failure at any step leaves the previous output whole.
 */
function fault(step: string, path: string): void {
  if (process.env['KNSIM_TEST_FAULT'] !== step) return;
  throw Object.assign(new Error(`EIO: injected fault at ${step}`), { code: 'EIO', syscall: 'rename', path });
}

/** The suffix of a staging directory renamed for removal on a signal (cleanStale takes it as staging too). */
export const REMOVING = '-removing';

/** A staging directory's command, and the output it is for (none for a report's, inside the run directory). */
interface Live {
  command: string;
  target?: string;
}

// Staging directories of this process, removed on SIGINT/SIGTERM (exit 130/143: stop-signals.ts).
const live = new Map<string, Live>();
let unhook: (() => void) | undefined;

function interrupted(signal: StopSignal): void {
  for (const [p, { command, target }] of live) {
    try {
      // A worker thread may still be writing into its staging folder (signals reach only this
      // thread). Renamed first, the folder takes no new file (the worker opens files by the old
      // path); files it has open keep writing into the renamed folder only.
      const aside = `${p}${REMOVING}`;
      let gone = p;
      // Never onto something already there (a rename replaces an empty directory): that is not knsim's.
      if (!existsSync(aside)) {
        try {
          renameSync(p, aside);
          gone = aside;
        } catch {
          // Emptied in place; a file added meanwhile goes on a later pass.
        }
      }
      // A report's staging holding a user's file stays in the run directory, unmarked.
      const kept = target !== undefined ? removeStaging(gone, target, command) : emptyStaging(gone, command) ? undefined : gone;
      process.stderr.write(`knsim: ${signal}: removed ${visibleControls(p)}${keptNote(kept)}\n`);
    } catch (e) {
      process.stderr.write(`knsim: ${signal}: could not remove ${visibleControls(`${p}: ${(e as Error).message}`)}\n`);
    }
  }
}

/** The output a staging directory `<out>.partial-<pid>` of process `pid` is for. */
function targetOf(p: string, pid: number): string {
  const suffix = `.partial-${pid}`;
  return p.endsWith(suffix) ? p.slice(0, -suffix.length) : p;
}

/** What a removal says when a file knsim did not write was in the staging directory. */
const keptNote = (kept: string | undefined): string => (kept === undefined ? '' : `; files knsim did not write were in it: moved them to ${visibleControls(kept)}`);

// Told of every staging directory this thread starts and ends (set in a process that runs a command for another).
let observer: ((path: string, live: boolean) => void) | undefined;

function track(path: string, what: Live): void {
  if (live.size === 0) unhook = onStop(interrupted);
  live.set(path, what);
  observer?.(path, true);
}

function untrack(path: string): void {
  if (!live.delete(path)) return;
  observer?.(path, false);
  if (live.size > 0) return;
  unhook?.();
  unhook = undefined;
}

/** A temporary directory of this process (a report being written) that SIGINT/SIGTERM empty of knsim's files, as a staging directory. */
export const trackTemporary = (path: string, command: string): void => track(path, { command });
export const untrackTemporary = (path: string): void => untrack(path);

/**
 * A process running a command for another (src/cli/isolated.ts) reports its staging directories
 * through `fn`, so that the one which started it can remove them if it dies ({@link removeStagingOf}).
 */
export function observeStaging(fn: (path: string, live: boolean) => void): void {
  observer = fn;
}

/**
 * Removes the staging directories of a process that died while writing them: only a name its
 * staging takes (`<out>.partial-<its pid>`, or that name being removed) still marked as knsim's
 * staging; nothing else could be removed on its word, and only the files knsim writes there go.
 * Returns a line for each removed (naming where files knsim did not write were moved).
 */
export function removeStagingOf(pid: number, paths: Iterable<string>): string[] {
  const removed: string[] = [];
  for (const p of paths) {
    if (!p.endsWith(`.partial-${pid}`)) continue;
    let gone = false;
    let note = '';
    for (const q of [p, `${p}${REMOVING}`]) {
      if (readManifest(q)?.state === 'staging') {
        note += keptNote(removeStaging(q, targetOf(p, pid)));
        gone = true;
      }
    }
    if (gone) removed.push(`${visibleControls(p)}${note}`);
  }
  return removed;
}

/**
 * Outputs (runs, sweeps, tunes) are written into a temporary sibling `<out>.partial-<pid>`
 * and moved into place only once complete, so a failed or interrupted command never leaves
 * a directory that looks complete. knsim replaces only what it wrote (see output-dir.ts);
 * a previous output is renamed aside, the new one renamed in, and only then the old one
 * deleted, so a failure at any step leaves the previous output whole.
 * @throws OutputError when the target may not be replaced or cannot be written.
 */
export function stageDirectory(outDir: string, opts: StageOptions = {}): StagedDirectory {
  const label = opts.label ?? `--out ${outDir}`;
  const command = opts.command ?? 'run';
  const warn = opts.warn ?? ((line: string) => process.stderr.write(`${visibleControls(line)}\n`));
  return mapOutputErrors(label, () => {
    const target = checkOutDir(outDir, opts);
    makeDirs(dirname(target));
    for (const note of cleanStale(target)) warn(`knsim: ${label}: left by a knsim process that died: ${note}`);
    const path = `${target}.partial-${process.pid}`;
    // Only the files knsim writes there go: a user's file in it moves to <out>.kept-N.
    const discard = (): void => {
      const kept = removeStaging(path, target, command);
      if (kept !== undefined) warn(`knsim: ${label}: files knsim did not write were in ${path}; moved them to ${kept}`);
    };
    if (existsSync(path)) {
      // Left by an earlier knsim of this pid (a pid reused after a SIGKILL).
      if (readManifest(path)?.state !== 'staging') throw new OutputError(`${label}: ${path} exists and is not a knsim staging directory; remove it yourself`);
      const kept = removeStaging(path, target);
      if (kept !== undefined) warn(`knsim: ${label}: left by a knsim process that died: removed ${path} (files knsim did not write are in ${kept})`);
    }
    mkdirSync(path);
    track(path, { command, target });
    try {
      writeManifest(path, newManifest(command, [], true));
      fault('stage', path);
    } catch (e) {
      discard();
      untrack(path);
      throw e;
    }
    return {
      path,
      target,
      commit: () => mapOutputErrors(label, () => commit(path, target, label, command, warn)),
      abort() {
        discard();
        untrack(path);
      },
    };
  });
}

function commit(path: string, target: string, label: string, command: string, warn: (line: string) => void): string[] {
  // Only what knsim wrote is listed (so only that is ever replaced): a file the user put into
  // the staging directory meanwhile goes into place with the output, as the user's.
  const files = listFiles(path).filter((f) => knsimWrites(command, f));
  writeManifest(path, newManifest(command, files));
  // Checked again: the target may have changed while the run was going.
  const state = inspectTarget(target, label);
  if (state.kind === 'absent') {
    fault('rename-in', path);
    renameSync(path, target);
    untrack(path);
    return files;
  }
  // An empty directory the user made keeps its permissions (say, 700) on the output that replaces it.
  if (state.kind === 'empty') chmodSync(path, statSync(target).mode & 0o7777);
  const aside = `${target}.previous-${process.pid}`;
  if (existsSync(aside)) throw new OutputError(`${label}: ${aside} is in the way of replacing the previous output; remove it yourself`);
  // Marked as moved aside by this process before the move, so that only a directory knsim moved
  // aside is ever taken for a stale previous output (a user's own --out x.previous-7 is not).
  const old = state.kind === 'knsim' ? state.manifest : undefined;
  if (old !== undefined) writeManifest(target, { ...old, state: 'previous', pid: process.pid });
  const unmark = (): void => {
    if (old !== undefined) writeManifest(target, old);
  };
  try {
    fault('rename-aside', target);
    renameSync(target, aside);
  } catch (e) {
    unmark();
    throw e;
  }
  try {
    fault('rename-in', path);
    renameSync(path, target);
  } catch (e) {
    renameSync(aside, target);
    unmark();
    throw e;
  }
  untrack(path);
  try {
    fault('retire', aside);
    const kept = retireOutput(aside, target);
    if (kept !== undefined) warn(`knsim: ${label}: files knsim did not write were in the previous output; moved them to ${kept}`);
  } catch (e) {
    // The new output is complete; the old one stays aside for the user (and the next run) to clean up.
    warn(`knsim: ${label}: the previous output is in ${aside}; it could not be removed: ${(e as Error).message}`);
  }
  return files;
}

/**
 * Stages `outDir`, lets `write` fill the staging directory and commits it; on any failure the
 * staging directory is removed and the error names the output (the previous output stays).
 */
export async function writeStaged<T extends object>(outDir: string, opts: StageOptions, write: (dir: string) => Promise<T>): Promise<T & { outDir: string }> {
  const stage = stageDirectory(outDir, opts);
  try {
    const written = await write(stage.path);
    stage.commit();
    return { ...written, outDir: stage.target };
  } catch (e) {
    stage.abort();
    throw toOutputError(atShownPath(e, stage.path, outDir), opts.label ?? `--out ${outDir}`);
  }
}
