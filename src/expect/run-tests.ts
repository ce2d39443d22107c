/**
 * `knsim test`: finds scenario files (named, or *.yaml / *.yml under named directories
 * that carry an `expect:` section), checks every expectation's syntax first, then runs
 * each scenario once and checks its expectations against the run's summary.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { summarizeWorld } from '../run/run-world.js';
import { loadScenario, MAX_TEXT_FILE_BYTES, type LoadedScenario } from '../scenario/load.js';
import { ScenarioError } from '../scenario/errors.js';
import { notRegularFile } from '../scenario/regular-file.js';
import { UsageError } from '../scenario/usage-error.js';
import { tooManyNodesOffset } from '../scenario/yaml-size.js';
import { checkWork, DEFAULT_WORK_LIMITS, guardProgress, runRequestLimit, type WorkEstimate, type WorkLimits } from '../scenario/work-estimate.js';
import { checkExpectation, type ExpectationResult } from './evaluate.js';
import { parseExpectations, type Expectation } from './parse.js';
import { checkScopeNames } from './scope-names.js';

export interface ScenarioTest {
  file: string;
  /** The scenario's name ('' when it did not load). */
  name: string;
  results: ExpectationResult[];
  /** The one-line error when the scenario could not run. */
  error?: string;
  /** Wall-clock seconds its run took (JUnit's `time`: how long the CI job spent on it, not simulated time). */
  seconds: number;
}

export interface TestRun {
  scenarios: ScenarioTest[];
  /** Files under the named directories skipped for having no `expect:` section. */
  skipped: string[];
  /** YAML entries under the named directories that cannot be read (broken symbolic links, pipes, devices), each with why. */
  unreadable: Unreadable[];
}

/** A YAML entry under a named directory that is skipped unread, and why (`cannot be read (a broken symbolic link?)`). */
export interface Unreadable {
  file: string;
  reason: string;
}

const YAML = /\.ya?ml$/i;

/** Whether a YAML file's top level has an `expect` key (a cheap look, without loading the scenario). */
function hasExpect(file: string): boolean {
  try {
    // Past what a scenario file may hold, it is no scenario (and would be read whole).
    if (statSync(file).size > MAX_TEXT_FILE_BYTES) return false;
    const text = readFileSync(file, 'utf8');
    // Nor past the nodes it may hold: a million-value list took 1.1 GB to look at.
    if (tooManyNodesOffset(text) !== undefined) return false;
    // logLevel: the parser's warnings (a list as a mapping key) went to stderr through process.emitWarning.
    const doc = parseDocument(text, { logLevel: 'error' });
    const v: unknown = doc.toJS();
    return typeof v === 'object' && v !== null && !Array.isArray(v) && 'expect' in v;
  } catch {
    // Unreadable YAML in a directory is not a scenario we were asked to test.
    return false;
  }
}

/** The scenario files to test, in order: named files as given, directories walked in sorted order. */
export function collectScenarioFiles(paths: readonly string[]): { files: string[]; skipped: string[]; unreadable: Unreadable[] } {
  if (paths.length === 0) throw new UsageError('test: name scenario files or directories, e.g. knsim test scenarios/');
  const files: string[] = [];
  const skipped: string[] = [];
  const unreadable: Unreadable[] = [];
  // Directories by their real path: a symbolic link back up (or across) is walked once, not until ELOOP.
  const seen = new Set<string>();
  // Files too, by their real path: one named again, or inside a directory also named, is run and counted once.
  const taken = new Set<string>();
  const take = (p: string, to: string[]): void => {
    let real: string;
    try {
      real = realpathSync(p);
    } catch {
      real = p;
    }
    if (taken.has(real)) return;
    taken.add(real);
    to.push(p);
  };
  const walk = (dir: string, top: boolean): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      const why = `cannot be listed (${(e as NodeJS.ErrnoException).code ?? oneLine(e)})`;
      // A directory named on the command line is the user's mistake; one found inside is said and passed over.
      if (top) throw new UsageError(`test: ${dir}: a directory that ${why}`);
      unreadable.push({ file: dir, reason: `a directory that ${why}` });
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        // A broken symbolic link (or an entry gone since the listing): a YAML one is said, anything else is not ours.
        if (YAML.test(name)) unreadable.push({ file: p, reason: 'cannot be read (a broken symbolic link?)' });
        continue;
      }
      if (st.isDirectory()) walk(p, false);
      else if (!YAML.test(name)) continue;
      // A named pipe would be waited on forever by the look for expect:, a device read without end.
      else if (!st.isFile()) unreadable.push({ file: p, reason: notRegularFile(p) ?? 'is not a regular file' });
      else if (hasExpect(p)) take(p, files);
      else take(p, skipped);
    }
  };
  for (const p of paths) {
    if (p === '') throw new UsageError('test: a path is empty: name scenario files or directories, e.g. knsim test scenarios/');
    let st;
    try {
      st = statSync(p);
    } catch {
      // A quoted pattern (a CI step, an npm script) reaches knsim unexpanded: say so, not only that no file has that name.
      const glob = /[*?[]/.test(p) ? ' (knsim does not expand wildcards: leave the pattern unquoted for the shell to expand, or name the directory)' : '';
      throw new UsageError(`test: ${p}: no such file or directory${glob}`);
    }
    if (st.isDirectory()) walk(p, true);
    else take(p, files);
  }
  return { files, skipped, unreadable };
}

const oneLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/** What runTests takes besides the paths. */
export interface RunTestsOptions {
  seed?: number;
  /** The work limits (--max-requests, --max-pods, …), as `knsim run` applies them; the defaults otherwise. */
  limits?: Readonly<WorkLimits>;
  /** Whether --max-requests was given: then it caps every run's requests, else each run caps its own (runRequestLimit). */
  maxRequestsGiven?: boolean;
  onScenario?: (t: ScenarioTest) => void;
  /** Each scenario's load warnings (a misspelt ConfigMap key, …), as `knsim run` prints them. */
  onWarning?: (warning: string) => void;
  /**
   * The wall clock a scenario's `seconds` (JUnit's `time`) is read from, in seconds; tests
   * inject one. Default: the process's monotonic clock.
   */
  wallClock?: () => number;
}

const monotonicSeconds = (): number => Number(process.hrtime.bigint()) / 1e9;

/**
 * Runs the scenarios' expectations. Bad expectations (syntax, unknown metric), scenarios
 * that do not load and scenarios whose estimated work is over a limit throw before anything
 * runs (one line, exit 2), as `knsim run` refuses them; a scenario that fails while running
 * (a pod, request or in-flight cap among them) is reported as an error of that scenario.
 */
export function runTests(paths: readonly string[], opts: RunTestsOptions = {}): TestRun {
  const limits = opts.limits ?? DEFAULT_WORK_LIMITS;
  const { files, skipped, unreadable } = collectScenarioFiles(paths);
  // Nothing to test is a mistake (a typo in a CI path), not a pass.
  if (files.length === 0) {
    const why = skipped.length > 0 ? `${skipped.length} YAML file${skipped.length === 1 ? '' : 's'}, none with an expect: section` : 'no YAML files';
    throw new UsageError(`${paths.join(' ')}: nothing to test (${why})`);
  }
  const planned: Array<{ file: string; loaded: LoadedScenario; expectations: Expectation[]; work: WorkEstimate }> = [];
  // Warnings wait until every file has loaded: a file that loads a user module may start the
  // command over in a child process (src/cli/isolated.ts), which would print them twice.
  const warnings: string[] = [];
  for (const file of files) {
    const loaded = loadScenario(file, { maxRequests: limits.requests, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
    warnings.push(...(loaded.warnings ?? []));
    const raw = loaded.expect ?? [];
    if (raw.length === 0) throw new ScenarioError(file, 'expect', 'has no expectations: add an expect: list (e.g. - p99 <= 500ms)');
    const expectations = parseExpectations(raw, file);
    checkScopeNames(expectations, loaded.world, file);
    // Known from the file and the flags alone, like a load error: refused before any scenario runs.
    planned.push({ file, loaded, expectations, work: checkWork(loaded, limits) });
  }
  for (const w of warnings) opts.onWarning?.(w);
  const scenarios: ScenarioTest[] = [];
  const clock = opts.wallClock ?? monotonicSeconds;
  for (const p of planned) {
    const started = clock();
    let t: ScenarioTest;
    try {
      const requestLimit = runRequestLimit(p.work, limits, opts.maxRequestsGiven === true);
      const summary = guardProgress(p.loaded, () => summarizeWorld({ ...p.loaded.world, podLimit: limits.pods, inFlightLimit: limits.inFlight, requestLimit }));
      t = { file: p.file, name: p.loaded.name, results: p.expectations.map((e) => checkExpectation(e, summary, p.file)), seconds: 0 };
    } catch (e) {
      t = { file: p.file, name: p.loaded.name, results: [], error: oneLine(e), seconds: 0 };
    }
    t.seconds = clock() - started;
    scenarios.push(t);
    opts.onScenario?.(t);
  }
  return { scenarios, skipped, unreadable };
}

/** Passed and failed expectation counts (a scenario that could not run counts as one failure, an expectation that could not be checked as one). */
export function tally(run: TestRun): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const s of run.scenarios) {
    if (s.error !== undefined) failed++;
    for (const r of s.results) (r.pass ? passed++ : failed++);
  }
  return { passed, failed };
}

/** The lines `knsim test` prints for one scenario. */
export function formatScenarioTest(t: ScenarioTest): string {
  const lines = [`${t.file}${t.name ? ` (${t.name})` : ''}`];
  if (t.error !== undefined) lines.push(`  ERROR ${t.error}`);
  for (const r of t.results) {
    const scope = r.scope === '' ? '' : ` [${r.scope}]`;
    if (r.error !== undefined) lines.push(`  ERROR ${r.expectation.text}${scope}: ${r.error}`);
    else lines.push(`  ${r.pass ? 'PASS' : 'FAIL'} ${r.expectation.text}${scope}: got ${r.actual}`);
  }
  return lines.join('\n');
}
