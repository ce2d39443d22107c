/**
 * Loads a scenario file into the model's WorldSpec (`load-text.ts` does the work): this
 * module reads the scenario and the files it names from disk.
 */
import { readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { ScenarioError } from './errors.js';
import { decodeUtf8, loadScenarioText, scenarioFromValueWith, type LoadedScenario, type LoadOptions, type ManifestFileSet, type ScenarioFiles } from './load-text.js';
import { parseAzure2021Trace, parseSimpleTrace } from './trace.js';
import { loadUserClasses, type UserClassRef } from './user-classes.js';

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

/** Why a file could not be read, in a few words. */
function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file or directory'
    : code === 'EISDIR' ? 'is a directory'
    : code === 'EACCES' ? 'permission denied'
    : e instanceof Error ? e.message
    : String(e);
}

/** Files named in a scenario, read from disk relative to the scenario's directory. */
export const nodeScenarioFiles: ScenarioFiles = {
  resolve: (scenarioFile, p) => (nodePath.isAbsolute(p) ? p : nodePath.join(nodePath.dirname(scenarioFile), p)),
  read(path) {
    try {
      return readFileSync(path);
    } catch (e) {
      return { error: ioReason(e) };
    }
  },
  readTrace(path, format, filter) {
    try {
      // Streamed from the file: a trace of hundreds of megabytes is never held as text.
      const source = { path };
      return format === 'azure2021' ? parseAzure2021Trace(source, path, filter) : parseSimpleTrace(source, path);
    } catch (e) {
      if (typeof (e as NodeJS.ErrnoException).code !== 'string' || e instanceof ScenarioError) throw e;
      return { error: ioReason(e) };
    }
  },
  loadUserClasses: (file, entries, extra) => loadUserClasses(file, entries, extra),
};

/**
 * Reads, overrides, validates and converts a scenario file.
 * @throws ScenarioError for any bad input (the scenario, a manifest or trace file it names, an override).
 */
export function loadScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  const bytes = nodeScenarioFiles.read(file);
  if ('error' in bytes) throw new ScenarioError(file, '', `cannot read the scenario file: ${bytes.error}`);
  return loadScenarioText(decodeUtf8(bytes, file), file, opts, nodeScenarioFiles);
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
