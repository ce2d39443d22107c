/**
 * `knsim test <files or dirs> [--junit out.xml] [--max-requests N ...]`: runs the scenarios'
 * `expect:` sections, prints PASS/FAIL per expectation, the failures again when several
 * scenarios ran, and a closing "N passed, N failed" line, writes JUnit XML, and exits 1 when
 * an expectation failed or a scenario errored (a run stopped at a work cap among them), 2 for
 * bad input (a scenario over a work limit among it, refused before anything runs, as
 * `knsim run` refuses it).
 */
import { junitXml, type JunitSuite } from '../expect/junit.js';
import { failureRecap } from '../expect/recap.js';
import { formatScenarioTest, runTests, tally, type TestRun } from '../expect/run-tests.js';
import { checkOwnedFile, OWNED_MARKS, writeOwnedFile } from '../output/owned-file.js';
import { parseSeed, parseWorkLimits, stringList, type WorkLimitArgs } from './flags.js';

export interface TestArgs extends WorkLimitArgs {
  paths: string[];
  junit?: unknown;
  seed?: unknown;
}

/** The JUnit suites of a test run. */
export function junitSuites(run: TestRun): JunitSuite[] {
  return run.scenarios.map((s) => ({
    name: s.file,
    className: s.name || s.file,
    seconds: s.seconds,
    cases: [
      ...(s.error !== undefined ? [{ name: 'run', error: s.error }] : []),
      ...s.results.map((r) => {
        const name = `${r.expectation.text}${r.scope === '' ? '' : ` [${r.scope}]`}`;
        if (r.error !== undefined) return { name, error: r.error };
        // A CI page shows the message alone: it names the file and the entry, as a one-line error does.
        return r.pass ? { name } : { name, failure: `${s.file}: ${r.expectation.path}: ${name}: got ${r.actual}` };
      }),
    ],
  }));
}

/** Runs the tests; returns the exit code (0 all passed, 1 some failed); bad input throws. */
export async function testCommand(args: TestArgs): Promise<number> {
  // Many runs in one process: the WebAssembly histograms' start-up pays for itself.
  const seed = parseSeed(args.seed);
  const limits = parseWorkLimits(args);
  const junit = args.junit === undefined ? undefined : String(args.junit);
  // Refused before the runs, not after them: --junit may not name a file knsim did not write.
  if (junit !== undefined) checkOwnedFile(junit, `--junit ${junit}`, OWNED_MARKS.junit);
  const run = runTests(stringList(args.paths), {
    ...(seed !== undefined ? { seed } : {}),
    limits,
    maxRequestsGiven: args.maxRequests !== undefined,
    onScenario: (t) => process.stdout.write(`${formatScenarioTest(t)}\n`),
    onWarning: (w) => process.stderr.write(`knsim: warning: ${w}\n`),
  });
  for (const f of run.skipped) process.stdout.write(`${f}: no expect: section, skipped\n`);
  for (const u of run.unreadable) process.stdout.write(`${u.file}: ${u.reason}, skipped\n`);
  const { passed, failed } = tally(run);
  if (junit !== undefined) {
    writeOwnedFile(junit, junitXml(junitSuites(run)), `--junit ${junit}`, OWNED_MARKS.junit);
  }
  for (const line of failureRecap(run)) process.stdout.write(`${line}\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}
