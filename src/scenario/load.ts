/**
 * Loads a scenario file into the model's WorldSpec (`load-text.ts` does the work): this
 * module reads the scenario and the files it names from disk.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as nodePath from 'node:path';
import { ScenarioError } from './errors.js';
import { UsageError } from './usage-error.js';
import { decodeUtf8, loadScenarioText, scenarioFromValueWith, type LoadedScenario, type LoadOptions, type ManifestFileSet, type ScenarioFiles } from './load-text.js';
import { ioReason } from './io-reason.js';
import { notRegularFile, noteInputFile, openRegularFile, readsOnce } from './regular-file.js';
import { readAzure2021Trace, readSimpleTrace } from './trace.js';
import { compiledModuleSha256, loadUserClasses, type UserClassRef } from './user-classes.js';

export {
  DEFAULT_CLUSTER,
  DEFAULT_SEED,
  MAX_ALIAS_COUNT,
  decodeUtf8,
  firstInvalidUtf8,
  loadScenarioText,
  rejectProtoKeys,
  type LoadOptions,
  type LoadedScenario,
  type ManifestFileSet,
  type ScenarioFiles,
} from './load-text.js';


/**
 * The most a scenario, manifest or ConfigMap file may hold. The largest scenarios (a thousand
 * Services) are a few hundred kilobytes, and the YAML parser needs hundreds of bytes of memory
 * per byte of a dense file; `knsim run /dev/zero` read until memory ran out. Traces are streamed.
 */
export const MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024;

/**
 * A file's bytes, refused past MAX_TEXT_FILE_BYTES: by its size, and again as it is read (a file
 * still being written grows). Anything but a regular file is refused before it is opened.
 */
function readCapped(path: string): Uint8Array | { error: string } {
  const tooLarge = { error: `larger than ${MAX_TEXT_FILE_BYTES / 1024 / 1024} MiB, more than any scenario, manifest or ConfigMap file needs (a trace goes in a trace file, which is streamed)` };
  const fd = openRegularFile(path);
  if (typeof fd !== 'number') return fd;
  try {
    if (fstatSync(fd).size > MAX_TEXT_FILE_BYTES) return tooLarge;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1024 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_TEXT_FILE_BYTES) return tooLarge;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** Files named in a scenario, read from disk relative to the scenario's directory. */
export const nodeScenarioFiles: ScenarioFiles = {
  resolve: (scenarioFile, p) => (nodePath.isAbsolute(p) ? p : nodePath.join(nodePath.dirname(scenarioFile), p)),
  read(path) {
    try {
      return readCapped(path);
    } catch (e) {
      return { error: ioReason(e) };
    }
  },
  readTrace(path, format, filter, into) {
    const notRegular = notRegularFile(path);
    if (notRegular !== undefined) return { error: notRegular };
    noteInputFile(path);
    try {
      // Streamed from the file: a trace of hundreds of megabytes is never held as text.
      const source = { path };
      if (format === 'azure2021') readAzure2021Trace(source, path, filter, into);
      else readSimpleTrace(source, path, into);
      return undefined;
    } catch (e) {
      if (typeof (e as NodeJS.ErrnoException).code !== 'string' || e instanceof ScenarioError) throw e;
      return { error: ioReason(e) };
    }
  },
  readsOnce,
  loadUserClasses: (file, entries, extra) => loadUserClasses(file, entries, extra),
};

/** SHA-256 of a file, read in 1 MB pieces (a trace may be hundreds of megabytes). */
function fileSha256(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * {@link nodeScenarioFiles}, noting in `into` the SHA-256 of every file a load reads besides
 * `scenarioFile` itself (manifest and ConfigMap files, traces, autoscaler modules as
 * bundled), keyed by its path relative to the scenario's directory.
 */
export function recordingScenarioFiles(scenarioFile: string, into: Map<string, string>): ScenarioFiles {
  const dir = nodePath.dirname(scenarioFile);
  const note = (path: string, sha: string): void => {
    if (nodePath.resolve(path) !== nodePath.resolve(scenarioFile)) into.set(nodePath.relative(dir, path).split(nodePath.sep).join('/'), sha);
  };
  return {
    resolve: nodeScenarioFiles.resolve,
    read(path) {
      const r = nodeScenarioFiles.read(path);
      if (r instanceof Uint8Array) note(path, createHash('sha256').update(r).digest('hex'));
      return r;
    },
    readTrace(path, format, filter, sink) {
      const r = nodeScenarioFiles.readTrace(path, format, filter, sink);
      if (r === undefined) note(path, fileSha256(path));
      return r;
    },
    readsOnce,
    loadUserClasses(file, entries, extra) {
      const classes = nodeScenarioFiles.loadUserClasses!(file, entries, extra);
      for (const r of [...entries.map((e) => nodePath.resolve(nodePath.dirname(file), e.module)), ...extra.map((x) => x.module)]) {
        const sha = compiledModuleSha256(r);
        if (sha !== undefined) note(r, sha);
      }
      return classes;
    },
  };
}

/**
 * Reads, overrides, validates and converts a scenario file (its other files through `files`).
 * @throws ScenarioError for any bad input (the scenario, a manifest or trace file it names, an override).
 */
export function loadScenario(file: string, opts: LoadOptions = {}, files: ScenarioFiles = nodeScenarioFiles): LoadedScenario {
  // Messages start with the file's name: an empty one made them start ": cannot read".
  if (file === '') throw new UsageError('the scenario file name is empty: name a scenario YAML file');
  const bytes = files.read(file);
  if ('error' in bytes) throw new ScenarioError(file, '', `cannot read the scenario file: ${bytes.error}`);
  return loadScenarioText(decodeUtf8(bytes, file), file, opts, files);
}

/**
 * Validates and converts an already parsed scenario (after overrides). Relative
 * `manifestFile` and trace `file` paths are resolved against `file`'s directory.
 * @throws ScenarioError
 */
export function scenarioFromValue(
  raw: unknown,
  file: string,
  manifestSets: ReadonlyMap<number, readonly ManifestFileSet[]> = new Map(),
  classes: { extra?: readonly UserClassRef[]; override?: string } = {},
): LoadedScenario {
  return scenarioFromValueWith(raw, file, nodeScenarioFiles, manifestSets, classes);
}
