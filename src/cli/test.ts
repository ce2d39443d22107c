/**
 * `knsim test <files or dirs> [--junit out.xml]`: runs the scenarios' `expect:` sections,
 * prints PASS/FAIL per expectation and a closing "N passed, N failed" line, writes JUnit
 * XML, and exits 1 when an expectation failed or a scenario errored (2 for bad input).
 */
import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { junitXml, type JunitSuite } from '../expect/junit.js';
import { formatScenarioTest, runTests, tally, type TestRun } from '../expect/run-tests.js';
import { OutputError } from '../output/output-error.js';
import { parseSeed } from './flags.js';
import { stringList } from './sweep.js';

export interface TestArgs {
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
        return r.pass ? { name } : { name, failure: `${name}: got ${r.actual}` };
      }),
    ],
  }));
}

/** Runs the tests; returns the exit code (0 all passed, 1 some failed). */
export function testCommand(args: TestArgs): number {
  const seed = parseSeed(args.seed);
  const junit = args.junit === undefined ? undefined : String(args.junit);
  const run = runTests(stringList(args.paths), {
    ...(seed !== undefined ? { seed } : {}),
    onScenario: (t) => process.stdout.write(`${formatScenarioTest(t)}\n`),
  });
  for (const f of run.skipped) process.stdout.write(`${f}: no expect: section, skipped\n`);
  const { passed, failed } = tally(run);
  if (junit !== undefined) {
    try {
      writeFileSync(junit, junitXml(junitSuites(run)));
    } catch (e) {
      throw new OutputError(`--junit ${junit}: cannot write: ${(e as Error).message}`);
    }
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

export const testCommandModule: CommandModule<object, TestArgs> = {
  command: 'test <paths..>',
  describe: "Run scenarios' expect: sections and report pass/fail (JUnit XML with --junit)",
  builder: (y: Argv<object>) =>
    y
      .positional('paths', { type: 'string', array: true, describe: 'Scenario files, or directories to search for scenarios with expect:', demandOption: true })
      .option('junit', { type: 'string', describe: 'Write JUnit XML to this file' })
      .option('seed', { type: 'string', describe: "Seed for every scenario (default: each scenario's own)" })
      .example('$0 test scenarios/ --junit knsim-tests.xml', '') as unknown as Argv<TestArgs>,
  handler: (args) => {
    process.exitCode = testCommand(args);
  },
};
