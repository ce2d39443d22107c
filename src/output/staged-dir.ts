import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A directory being written next to its final place. */
export interface StagedDirectory {
  /** Where to write now. */
  readonly path: string;
  /** The final directory. */
  readonly target: string;
  /** Replaces the target with what was written. */
  commit(): void;
  /** Throws away what was written. */
  abort(): void;
}

/**
 * Outputs (runs, sweeps, tunes) are written into a temporary sibling and moved into place
 * only once complete, so a failed or interrupted command never leaves a directory that looks
 * complete, and an earlier good one survives until the new one is ready.
 */
export function stageDirectory(outDir: string): StagedDirectory {
  const target = resolve(outDir);
  mkdirSync(dirname(target), { recursive: true });
  const path = `${target}.partial-${process.pid}`;
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path);
  return {
    path,
    target,
    commit() {
      if (existsSync(target)) rmSync(target, { recursive: true, force: true });
      renameSync(path, target);
    },
    abort() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
