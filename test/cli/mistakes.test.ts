/**
 * Mistakes the CLI catches (issue 14): misspelt commands, flags and override paths
 * exit 2 with one line and a suggestion; unknown autoscaling keys warn on stderr and
 * land in summary.json; the summary line says why requests got no route; the run's
 * progress bar shows only on a terminal, outside CI, for runs longer than a moment.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runKnsim } from '../support/cli.js';
import { HAS_MKFIFO, pipeWithWriter, stopPipeWriters } from '../support/pipe.js';
import { runProgress, SHOW_AFTER_MS, type Bar } from '../../src/cli/run-progress.js';
import { usageMessage } from '../../src/cli/main.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/knsim.js');

const knsim = (args: string[]) => runKnsim(args, root, { CI: '1' });

/** `knsim args` exits 2 with `line` as its whole stderr and nothing on stdout. */
function exitsWithOneLine(args: string[], line: string): void {
  const r = knsim(args);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`${line}\n`);
  expect(r.stdout).toBe('');
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'knsim-mistakes-'));

/** A fresh deploy (no initialPods) with two annotation typos and a config-autoscaler typo. */
const TYPOS = `
name: typos
duration: 20s
configMaps:
  config-autoscaler: { stable-windw: "30s" }
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: hello }
      spec:
        template:
          metadata:
            annotations: { autoscaling.knative.dev/minscale: "1", autoscaling.knative.dev/targt: "10" }
          spec:
            containers: [{ image: app }]
clients:
  - name: load
    service: hello
    open: { rps: 10, process: uniform }
`;

describe('misspelt commands and flags', () => {
  it.each([
    { args: ['rn', 'scenarios/quickstart.yaml'], line: 'knsim: unknown command "rn". Did you mean run?' },
    { args: ['swep'], line: 'knsim: unknown command "swep". Did you mean sweep?' },
    { args: ['run', 'scenarios/quickstart.yaml', '--trase', 'full'], line: 'knsim: Unknown argument: --trase (did you mean --trace?)' },
    { args: ['sweep', 'scenarios/quickstart.yaml', '--gird', 'a=1'], line: 'knsim: Unknown argument: --gird (did you mean --grid?)' },
    {
      args: ['sweep', 'scenarios/quickstart.yaml', '--grid', 'services[0].manifest.spec.template.spec.containerConcurrency=1..2:1e-300'],
      line: 'knsim: --grid services[0].manifest.spec.template.spec.containerConcurrency=1..2:1e-300: the range "1..2:1e-300" has about 1e+300 values (at most 10,000): use a larger step',
    },
  ])('knsim $args.0 ... exits 2 with one line', ({ args, line }) => exitsWithOneLine(args, line));

  // yargs calls a word beyond a command's positionals an "unknown argument" too; it is not a flag.
  it.each([
    { args: ['run', 'scenarios/quickstart.yaml', 'scenarios/hello-world.yaml'], line: 'knsim: run takes one scenario file; extra argument: "scenarios/hello-world.yaml"' },
    { args: ['run', 'a.yaml', 'b.yaml', 'c.yaml', 'd.yaml', 'e.yaml'], line: 'knsim: run takes one scenario file; extra arguments: "b.yaml", "c.yaml", "d.yaml", and 1 more' },
    { args: ['plan', 'a.yaml', 'b.yaml'], line: 'knsim: plan takes one scenario file; extra argument: "b.yaml"' },
    { args: ['sweep', 'a.yaml', 'b.yaml', '--grid', 'x=1,2'], line: 'knsim: sweep takes one scenario file; extra argument: "b.yaml"' },
    { args: ['sweep', 'k8s-job', 'a.yaml', 'b.yaml'], line: 'knsim: sweep k8s-job takes one scenario file; extra argument: "b.yaml"' },
    { args: ['tune', 'a.yaml', 'b.yaml'], line: 'knsim: tune takes one scenario file; extra argument: "b.yaml"' },
    { args: ['compare', 'a.yaml', 'b.yaml'], line: 'knsim: compare takes one scenario file; extra argument: "b.yaml"' },
    { args: ['report', 'reports/a', 'reports/b'], line: 'knsim: report takes one run directory; extra argument: "reports/b"' },
    { args: ['rollout', 'hello', 'world'], line: 'knsim: rollout takes one Service name; extra argument: "world"' },
    { args: ['controller', 'hello'], line: 'knsim: controller takes no arguments, only flags; extra argument: "hello"' },
    {
      args: ['run', 'a.yaml', 'b.yaml', '--trase', 'full'],
      line: 'knsim: run takes one scenario file; extra argument: "b.yaml"; Unknown argument: --trase (did you mean --trace?)',
    },
  ])('knsim $args.0 with an extra word exits 2 naming it', ({ args, line }) => exitsWithOneLine(args, line));

  // yargs says "Not enough non-option arguments: got 0, need at least 1": say what is missing, and how the command is called.
  it.each([
    { args: ['run'], line: 'knsim: run needs one scenario file: knsim run <scenario.yaml>' },
    { args: ['plan'], line: 'knsim: plan needs one scenario file: knsim plan <scenario.yaml>' },
    { args: ['sweep', '--grid', 'x=1,2'], line: 'knsim: sweep needs one scenario file: knsim sweep <scenario.yaml> --grid path=a,b' },
    { args: ['sweep', 'merge'], line: 'knsim: sweep merge needs at least one file or directory: knsim sweep merge <shard directory>...' },
    { args: ['tune'], line: 'knsim: tune needs one scenario file: knsim tune <scenario.yaml> --space path=a..b:step --slo ...' },
    { args: ['compare'], line: 'knsim: compare needs one scenario file: knsim compare <scenario.yaml> --class kpa --class ./my-class.ts' },
    { args: ['report'], line: 'knsim: report needs one run directory: knsim report <run directory>' },
    { args: ['test'], line: 'knsim: test needs at least one file or directory: knsim test <scenario.yaml or directory>...' },
  ])('knsim $args.0 without its argument exits 2 saying what it needs', ({ args, line }) => exitsWithOneLine(args, line));

  // An empty name began the line with ": cannot read the scenario file" (test: "knsim: knsim test: : no such file").
  it.each([
    { args: ['run', ''], line: 'knsim: the scenario file name is empty: name a scenario YAML file' },
    { args: ['plan', ''], line: 'knsim: the scenario file name is empty: name a scenario YAML file' },
    { args: ['test', 'scenarios/quickstart.yaml', ''], line: 'knsim: test: a path is empty: name scenario files or directories, e.g. knsim test scenarios/' },
  ])('knsim $args.0 with an empty file name exits 2 saying so', ({ args, line }) => exitsWithOneLine(args, line));

  // test's own errors began "knsim test:", so the line read "knsim: knsim test: …"; one prefix now, as sweep merge's.
  it('knsim test with a missing path names it after one prefix', () => {
    exitsWithOneLine(['test', 'scenarios/no-such.yaml'], 'knsim: test: scenarios/no-such.yaml: no such file or directory');
    // A quoted glob reaches knsim as written.
    exitsWithOneLine(['test', 'scenarios/*.yml'], 'knsim: test: scenarios/*.yml: no such file or directory (knsim does not expand wildcards: leave the pattern unquoted for the shell to expand, or name the directory)');
  });

  // yargs hands a flag without its value "" (a number flag its default, a list flag []), and a
  // one-value flag given twice a list: `--seed` ran with seed 0, `--out a --out b` was an internal error.
  it.each([
    { args: ['run', 'scenarios/quickstart.yaml', '--seed'], line: 'knsim: --seed: needs a value (--seed VALUE or --seed=VALUE)' },
    { args: ['run', 'scenarios/quickstart.yaml', '--set'], line: 'knsim: --set: needs a value (--set VALUE or --set=VALUE)' },
    { args: ['run', 'scenarios/quickstart.yaml', '--seed', '--no-report'], line: 'knsim: --seed: needs a value; "--no-report" reads as a flag (to pass it as the value: --seed=--no-report)' },
    { args: ['run', 'scenarios/quickstart.yaml', '--duration', '-5s'], line: 'knsim: --duration: needs a value; "-5s" reads as a flag (to pass it as the value: --duration=-5s)' },
    { args: ['run', 'scenarios/quickstart.yaml', '--duration=-5s'], line: 'knsim: --duration: must be > 0 (got "-5s")' },
    { args: ['run', 'scenarios/quickstart.yaml', '--seed='], line: 'knsim: --seed: must be a whole number ≥ 0 (got "")' },
    { args: ['run', 'scenarios/quickstart.yaml', '--seed', ' '], line: 'knsim: --seed: must be a whole number ≥ 0 (got " ")' },
    { args: ['run', 'scenarios/quickstart.yaml', '--seed', '0x10'], line: 'knsim: --seed: must be a whole number ≥ 0 (got "0x10")' },
    // The YAML parser printed its warning about an unknown tag to stderr, several lines, before the error.
    {
      args: ['run', 'scenarios/quickstart.yaml', '--set', 'duration=!!js/function "x"'],
      line: 'knsim: scenarios/quickstart.yaml: duration: invalid duration "x": not a Go duration (examples: "60s", "1m30s", "300ms")',
    },
    { args: ['run', 'scenarios/quickstart.yaml', '--out', 'a', '--out', 'b'], line: 'knsim: --out: given 2 times ("a", "b"); give it once' },
    { args: ['run', 'scenarios/quickstart.yaml', '--duration', '10s', '--duration', '20s'], line: 'knsim: --duration: given 2 times ("10s", "20s"); give it once' },
    {
      args: ['sweep', 'scenarios/quickstart.yaml', '--grid', 'x=1,2', '--workers', '1', '--workers', '2', '--workers', '3', '--workers', '4'],
      line: 'knsim: --workers: given 4 times ("1", "2", "3", and 1 more); give it once',
    },
    { args: ['tune', 'scenarios/quickstart.yaml', '--objective', 'podSeconds', '--objective', 'nodeCost'], line: 'knsim: --objective: given 2 times ("podSeconds", "nodeCost"); give it once' },
    { args: ['plan', 'scenarios/capacity-planning.yaml', '--max-pods'], line: 'knsim: --max-pods: needs a value (--max-pods VALUE or --max-pods=VALUE)' },
    { args: ['controller', '--metrics-port'], line: 'knsim: --metrics-port: needs a value (--metrics-port VALUE or --metrics-port=VALUE)' },
    { args: ['controller', '--mode', 'shadow', '--mode', 'apply'], line: 'knsim: --mode: given 2 times ("shadow", "apply"); give it once' },
    { args: ['controller', '-n'], line: 'knsim: -n: needs a value (-n VALUE or -n=VALUE)' },
    // Numeric flags keep the text typed: yargs' numbers made these NaN and Infinity, shown as null.
    { args: ['controller', '--metrics-port', '1e309'], line: 'knsim: --metrics-port: must be a port number 1–65535 (got "1e309")' },
    { args: ['controller', '--metrics-port', '0x50'], line: 'knsim: --metrics-port: must be a port number 1–65535 (got "0x50")' },
    { args: ['rollout', 'hello', '--min-requests', 'abc'], line: 'knsim: --min-requests: must be a whole number ≥ 1 (got "abc")' },
    { args: ['rollout', 'hello', '--latency-quantile', '1e309'], line: 'knsim: --latency-quantile: must be between 0 and 1 (got "1e309")' },
    { args: ['rollout', 'hello', '--request-timeout', '1000000h'], line: 'knsim: --request-timeout: must be at most 1193h (a request\'s timeout is whole milliseconds up to 2^32 − 1), got "1000000h"' },
    {
      args: ['controller', '--lease-duration', '15500ms'],
      line: 'knsim: --lease-duration: must be whole seconds, at most 2147483647 (the Lease\'s spec.leaseDurationSeconds is an int32), got "15500ms"',
    },
  ])('knsim $args.0 with a flag missing its value or given twice exits 2 naming it', ({ args, line }) => exitsWithOneLine(args, line));

  // Spaces around a number were dropped by the count flags and --seed (`--seed ' 5'` ran seed 5)
  // while --duration and --trace refused them: every command now refuses them, as it refuses other junk.
  const q = 'scenarios/quickstart.yaml';
  it.each([
    { args: ['run', q, '--seed', ' 5'], line: 'knsim: --seed: must be a whole number ≥ 0 (got " 5")' },
    { args: ['run', q, '--seed=5 '], line: 'knsim: --seed: must be a whole number ≥ 0 (got "5 ")' },
    { args: ['plan', 'scenarios/capacity-planning.yaml', '--seed', ' 5'], line: 'knsim: --seed: must be a whole number ≥ 0 (got " 5")' },
    { args: ['sweep', q, '--grid', 'seed=1,2', '--seed', '5 '], line: 'knsim: --seed: must be a whole number ≥ 0 (got "5 ")' },
    { args: ['tune', q, '--space', 'seed=1,2', '--slo', 'p99<=1s', '--seed', ' 5'], line: 'knsim: --seed: must be a whole number ≥ 0 (got " 5")' },
    { args: ['compare', q, '--class', 'kpa', '--class', 'hpa', '--seed', ' 5'], line: 'knsim: --seed: must be a whole number ≥ 0 (got " 5")' },
    { args: ['test', q, '--seed', ' 5'], line: 'knsim: --seed: must be a whole number ≥ 0 (got " 5")' },
    { args: ['sweep', q, '--grid', 'seed=1,2', '--replications', ' 2'], line: 'knsim: --replications: must be a whole number from 1 to 10000 (got " 2")' },
    { args: ['compare', q, '--class', 'kpa', '--class', 'hpa', '--workers', '2 '], line: 'knsim: --workers: must be a whole number from 1 to 1024 (got "2 ")' },
    { args: ['sweep', q, '--grid', 'seed=1,2', '--shard', ' 0/2'], line: 'knsim: --shard: must be i/N with whole numbers 0 ≤ i < N ≤ 10000 (got " 0/2")' },
    { args: ['sweep', 'k8s-job', q, '--grid', 'seed=1,2', '--shards', '3 '], line: 'knsim: --shards: must be a whole number from 1 to 10000 (got "3 ")' },
    { args: ['run', q, '--max-pods', ' 10'], line: 'knsim: --max-pods: must be a whole number > 0 such as 4e6 (got " 10")' },
    { args: ['controller', '--metrics-port', ' 9090'], line: 'knsim: --metrics-port: must be a port number 1–65535 (got " 9090")' },
    { args: ['rollout', 'hello', '--min-requests', '20 '], line: 'knsim: --min-requests: must be a whole number ≥ 1 (got "20 ")' },
    { args: ['rollout', 'hello', '--latency-quantile', ' 0.9'], line: 'knsim: --latency-quantile: must be between 0 and 1 (got " 0.9")' },
  ])('knsim $args.0 refuses spaces around a number: $line', ({ args, line }) => exitsWithOneLine(args, line));

  // yargs read any value but "true" as false (`--report=maybe` skipped the report), and let the last
  // of a switch given both ways win.
  it.each([
    { args: ['run', 'scenarios/quickstart.yaml', '--report=maybe'], line: 'knsim: --report: a switch takes no value (or true or false), got "maybe"; write --report or --no-report' },
    { args: ['run', 'scenarios/quickstart.yaml', '--series=no'], line: 'knsim: --series: a switch takes no value (or true or false), got "no"; write --series or --no-series' },
    { args: ['run', 'scenarios/quickstart.yaml', '--no-series=false'], line: 'knsim: --no-series: a switch takes no value (or true or false), got "false"; write --series or --no-series' },
    { args: ['run', 'scenarios/quickstart.yaml', '--series', '--no-series'], line: 'knsim: --series and --no-series: give one of them' },
    { args: ['run', 'scenarios/quickstart.yaml', '--no-report', '--report=true'], line: 'knsim: --no-report and --report=true: give one of them' },
    { args: ['plan', 'scenarios/capacity-planning.yaml', '--json=yes'], line: 'knsim: --json: a switch takes no value (or true or false), got "yes"; write --json or --no-json' },
    { args: ['controller', '--dry-run=maybe'], line: 'knsim: --dry-run: a switch takes no value (or true or false), got "maybe"; write --dry-run or --no-dry-run' },
  ])('knsim $args.0 $args.2 exits 2: a switch with a value or given both ways', ({ args, line }) => exitsWithOneLine(args, line));

  // A flag's value was echoed whole: a 100,000-character one made a 100 KB error line.
  const LONG = 'a'.repeat(100_000);
  it.each([
    { args: ['run', 'scenarios/quickstart.yaml', `--${LONG}`], line: `knsim: Unknown argument: --${'a'.repeat(77)}…` },
    { args: ['run', 'scenarios/quickstart.yaml', '--seed', LONG], line: `knsim: --seed: must be a whole number ≥ 0 (got "${'a'.repeat(77)}…")` },
    { args: ['rollout', 'hello', '--steps', LONG], line: `knsim: --steps: must be whole percents 1–100 separated by commas, e.g. 10,25,50,100 (got "${'a'.repeat(77)}…")` },
  ])('knsim $args.0 with a 100,000-character flag value echoes 80 characters of it', ({ args, line }) => exitsWithOneLine(args, line));

  it.each([
    // yargs names `--no-such-flag` as both `such-flag` and `suchFlag`, and the latter looked like an extra word.
    { argv: ['run', 'x', '--no-such-flag'], names: 'such-flag, suchFlag', line: 'Unknown argument: --no-such-flag' },
    { argv: ['run', 'x', '--no-bogus'], names: 'bogus', line: 'Unknown argument: --no-bogus' },
    { argv: ['run', 'x', '--no-reprot'], names: 'reprot', line: 'Unknown argument: --no-reprot (did you mean --no-report?)' },
    { argv: ['run', 'x', '--max-podz', '3'], names: 'max-podz, maxPodz', line: 'Unknown argument: --max-podz (did you mean --max-pods?)' },
  ])('names a flag as typed, once: $argv.2', ({ argv, names, line }) => {
    expect(usageMessage(`Unknown arguments: ${names}`, argv, ['seed', 'report', 'max-pods'], ['run'])).toBe(line);
  });

  it('formats several unknown flags on one line', () => {
    expect(usageMessage('Unknown arguments: sed, zzzzzz', ['run', 'x', '--sed', '1', '--zzzzzz'], ['seed', 'set', 'trace'])).toBe(
      'Unknown arguments: --sed (did you mean --seed?), --zzzzzz',
    );
  });
});

describe('YAML parser warnings', () => {
  // The parser printed "Warning: Keys with collection values will be stringified…" and a hint on stderr, through process.emitWarning.
  it('a mapping key that is a list gives only the one-line error', () => {
    const dir = tmp();
    const file = join(dir, 's.yaml');
    writeFileSync(file, '? [a, b]\n: 1\n');
    exitsWithOneLine(
      ['run', file],
      `knsim: ${file}: ["[ a, b ]"]: unknown field (known fields: name, description, seed, duration, trace, series, configMaps, configMapFiles, cluster, defaults, services, clients, updates, podDisruptionBudgets, autoscalerClasses, expect)`,
    );
  });
});

describe('a bad expect: block', () => {
  // Only `knsim test` read it: `knsim run` went through an unknown metric, and ran.
  const quickstart = readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8');
  expect(quickstart).toMatch(/\nexpect:\n/);
  const withExpect = (block: string): string => {
    const file = join(tmp(), 's.yaml');
    writeFileSync(file, `${quickstart.slice(0, quickstart.indexOf('\nexpect:'))}\n${block}`);
    return file;
  };
  it.each([
    { block: 'expect:\n  - maxReadyPods == 1\n  - p99s <= 500ms\n', at: 'expect[1]', rule: 'unknown metric "p99s" (did you mean "p99"?)' },
    { block: 'expect:\n  - p99 =< 500ms\n', at: 'expect[0]', rule: 'cannot read "p99 =< 500ms": write <metric> <op> <value> (op: < <= == != >= > within), e.g. "p99 <= 500ms"' },
    { block: 'expect:\n  - errorRate <= fast\n', at: 'expect[0]', rule: 'the value "fast" of errorRate must be a fraction such as 0.001 or a percentage such as 0.1%' },
    { block: 'expect:\n  - 5\n', at: 'expect[0]', rule: 'must be an expectation such as "p99 <= 500ms", or { that: ..., revision: ... }' },
  ])('$at: $rule is refused by run, as by test', ({ block, at, rule }) => {
    const file = withExpect(block);
    const out = join(file, '..', 'out');
    exitsWithOneLine(['run', file, '--out', out], `knsim: ${file}: ${at}: ${rule}`);
    exitsWithOneLine(['test', file], `knsim: ${file}: ${at}: ${rule}`);
    expect(readdirSync(join(file, '..'))).toEqual(['s.yaml']);
  });

  it('is refused by plan, sweep, tune and compare too', () => {
    const file = withExpect('expect:\n  - p99s <= 500ms\n');
    const out = join(file, '..', 'out');
    const line = `knsim: ${file}: expect[0]: unknown metric "p99s" (did you mean "p99"?)`;
    exitsWithOneLine(['plan', file], line);
    exitsWithOneLine(['sweep', file, '--grid', 'services[0].initialPods=1,2', '--out', out], line);
    exitsWithOneLine(['tune', file, '--space', 'services[0].initialPods=1,2', '--slo', 'p99<=1s', '--out', out], line);
    exitsWithOneLine(['compare', file, '--class', 'kpa', '--class', 'hpa', '--out', out], line);
  });
});

describe('sweep merge on a shard directory holding a named pipe', () => {
  // Its open blocked for ever without a writer; with one (support/pipe.ts) the pipe was read as the file.
  it.runIf(HAS_MKFIFO)('exits 2 naming the pipe, unread', () => {
    const dir = join(tmp(), 'shard');
    mkdirSync(dir);
    const json = pipeWithWriter(join(dir, 'sweep.json'), '{}');
    try {
      exitsWithOneLine(['sweep', 'merge', dir, '--out', join(dir, '..', 'out')], `knsim: sweep merge: ${json}: is a named pipe (FIFO), not a regular file: knsim reads input only from regular files`);
    } finally {
      stopPipeWriters();
    }
  });
});

describe('knsim report on a damaged run directory', () => {
  // A file the report reads that knsim did not write (edited, truncated, another tool's) was an internal error, exit 1.
  let run = '';
  beforeAll(() => {
    run = join(tmp(), 'run');
    expect(knsim(['run', 'scenarios/quickstart.yaml', '--no-report', '--out', run, '--duration', '20s']).code).toBe(0);
  });
  const minimal = { scenario: 'x', seed: 1, events: 1, simulatedSeconds: 1, overall: { requests: {}, latencyMs: {} }, revisions: [] };

  it.each([
    { file: 'timeseries.csv', text: 'garbage,,,\n', rule: 'timeseries.csv: missing column service (not a file knsim wrote)' },
    { file: 'pods.csv', text: 'a,"b\n', rule: 'pods.csv: not a CSV file knsim wrote (Quote Not Closed: the parsing is finished with an opening quote at line 1)' },
    { file: 'settings.json', text: '{}', rule: 'settings.json: not a knsim settings file (no revisions)' },
    { file: 'summary.json', text: JSON.stringify({ revisions: [], simulatedSeconds: 1 }), rule: 'summary.json: not a knsim summary (no scenario name)' },
    { file: 'summary.json', text: JSON.stringify({ ...minimal, overall: {} }), rule: 'summary.json: not a knsim summary (no overall requests and latencyMs)' },
    { file: 'summary.json', text: JSON.stringify({ ...minimal, revisions: [1] }), rule: 'summary.json: not a knsim summary (revisions[0] is not a revision summary)' },
  ])('$file holding $text exits 2 naming it', ({ file, text, rule }) => {
    const dir = join(tmp(), 'run');
    cpSync(run, dir, { recursive: true });
    writeFileSync(join(dir, file), text);
    exitsWithOneLine(['report', dir], `knsim: ${join(dir, rule)}`);
  });

  // The numbers the summary table and the node and cost charts print were taken as they were: report.html
  // read "-5" requests, "abc (NaN%)", "undefined" ms or "null" pod-seconds, and the command exited 0.
  it.each([
    { path: 'overall.requests.total', value: -5, rule: 'overall.requests.total: -5 is not a whole number ≥ 0' },
    { path: 'overall.requests.ok', value: 'abc', rule: 'overall.requests.ok: "abc" is not a whole number ≥ 0' },
    { path: 'revisions.0.latencyMs.p99', value: undefined, rule: 'revisions[0].latencyMs.p99 is missing (must be a number ≥ 0)' },
    { path: 'revisions.0.podSeconds', value: null, rule: 'revisions[0].podSeconds: null is not a number ≥ 0' },
    { path: 'revisions.0.maxReadyPods', value: 2.5, rule: 'revisions[0].maxReadyPods: 2.5 is not a whole number ≥ 0' },
    { path: 'revisions.0.timeToFirstReadySeconds', value: -1, rule: 'revisions[0].timeToFirstReadySeconds: -1 is not null or a number ≥ 0' },
    { path: 'simulatedSeconds', value: -20, rule: 'simulatedSeconds: -20 is not a number ≥ 0' },
    { path: 'cost', value: { total: 'x', idle: 0, perDay: 0, perRevision: {} }, rule: 'cost.total: "x" is not a number ≥ 0' },
    // Idle may be negative (revisions using more than they request), but it is a number.
    { path: 'cost', value: { total: 1, idle: 'x', perDay: 0, perRevision: {} }, rule: 'cost.idle: "x" is not a finite number' },
  ])('summary.json with $rule exits 2 naming the field and rule', ({ path, value, rule }) => {
    const dir = join(tmp(), 'run');
    cpSync(run, dir, { recursive: true });
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce((o, k) => (o as Record<string, unknown>)[k], summary as unknown) as Record<string, unknown>;
    if (value === undefined) delete parent[keys.at(-1)!];
    else parent[keys.at(-1)!] = value;
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
    exitsWithOneLine(['report', dir], `knsim: ${join(dir, 'summary.json')}: not a knsim summary (${rule})`);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  // settings.json was checked only for a revisions list: a revision named `true` was an internal error
  // (exit 1, "s.replace is not a function"), and "abc" or a missing window printed as the revision's setting.
  it.each([
    { path: 'revisions.0.revision', value: true, rule: 'revisions[0].revision: true is not a string' },
    { path: 'revisions.0.stableWindowSeconds', value: 'abc', rule: 'revisions[0].stableWindowSeconds: "abc" is not a number ≥ 0' },
    { path: 'revisions.0.maxScale', value: undefined, rule: 'revisions[0].maxScale is missing (must be a whole number ≥ 0)' },
    { path: 'revisions.0.enableScaleToZero', value: 'yes', rule: 'revisions[0].enableScaleToZero: "yes" is not true or false' },
    { path: 'revisions.0.livenessProbe', value: { handler: 'httpGet', initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 1e15 }, rule: 'revisions[0].livenessProbe.failureThreshold: 1000000000000000 is not a whole number from 1 to 2147483647' },
    { path: 'revisions.0.nodeAutoscalerControls', value: { safeToEvict: true }, rule: 'revisions[0].nodeAutoscalerControls.blockingLocalVolumes is missing (must be a list of strings)' },
    { path: 'revisions.0', value: 5, rule: 'revisions[0] is not an object' },
    { path: 'activators', value: -1, rule: 'activators: -1 is not a whole number ≥ 0' },
    { path: 'scenario', value: 7, rule: 'scenario: 7 is not a string' },
  ])('settings.json with $rule exits 2 naming the field and rule', ({ path, value, rule }) => {
    const dir = join(tmp(), 'run');
    cpSync(run, dir, { recursive: true });
    const settings = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce((o, k) => (o as Record<string, unknown>)[k], settings as unknown) as Record<string, unknown>;
    if (value === undefined) delete parent[keys.at(-1)!];
    else parent[keys.at(-1)!] = value;
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
    exitsWithOneLine(['report', dir], `knsim: ${join(dir, 'settings.json')}: not a knsim settings file (${rule})`);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it('the summary.json knsim wrote, untouched, makes a report', () => {
    const dir = join(tmp(), 'run');
    cpSync(run, dir, { recursive: true });
    expect(knsim(['report', dir]).code).toBe(0);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });

  /** The run's file with data row `row` (0 = the first after the header) holding `value` in `column`, and `blank` empty lines before that row. */
  const edited = (dir: string, file: string, row: number, column: string, value: string, blank = 0): void => {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    const i = lines[0]!.split(',').indexOf(column);
    expect(i).toBeGreaterThanOrEqual(0);
    const cells = lines[row + 1]!.split(',');
    cells[i] = value;
    lines[row + 1] = cells.join(',');
    lines.splice(row + 1, 0, ...Array<string>(blank).fill(''));
    writeFileSync(join(dir, file), lines.join('\n'));
  };

  // Garbage numbers were read as NaN or drawn as they were (a count of -1, a time 10^308 s into a 20 s run).
  it.each([
    { file: 'timeseries.csv', row: 2, column: 'ready', value: 'abc', line: 4, rule: 'a whole number ≥ 0' },
    { file: 'timeseries.csv', row: 0, column: 'pending', value: '1.5', line: 2, rule: 'a whole number ≥ 0' },
    { file: 'timeseries.csv', row: 3, column: 'traffic_percent', value: '101', line: 5, rule: 'a number from 0 to 100 or empty' },
    { file: 'autoscaler.csv', row: 1, column: 'ready_pods', value: '-1', line: 3, rule: 'a whole number ≥ 0' },
    { file: 'autoscaler.csv', row: 0, column: 'desired', value: '-2', line: 2, rule: 'a whole number ≥ -1' },
    { file: 'autoscaler.csv', row: 0, column: 'valid', value: '2', line: 2, rule: '0 or 1' },
    { file: 'autoscaler.csv', row: 0, column: 'observed_stable', value: 'NaN', line: 2, rule: 'a number ≥ 0 or empty' },
    { file: 'pods.csv', row: 0, column: 'time_s', value: '1e308', line: 2, rule: "a time from 0 to 20 s (the run's end)" },
    { file: 'requests-per-second.csv', row: 1, column: 'completed', value: '', line: 3, rule: 'a whole number ≥ 0' },
    { file: 'requests-per-second.csv', row: 0, column: 'p99_ms', value: 'Infinity', line: 2, rule: 'a number ≥ 0 or empty' },
    { file: 'latency-cdf.csv', row: 0, column: 'fraction', value: '2', line: 2, rule: 'a number from 0 to 1' },
    // Blank lines are skipped, but the line number is the file's.
    { file: 'timeseries.csv', row: 2, column: 'ready', value: '-3', blank: 2, line: 6, rule: 'a whole number ≥ 0' },
  ])('$file with $column "$value" in line $line exits 2 naming the line, column and rule', ({ file, row, column, value, blank, line, rule }) => {
    const dir = join(tmp(), 'run');
    cpSync(run, dir, { recursive: true });
    edited(dir, file, row, column, value, blank);
    const shown = value === '' ? 'empty' : JSON.stringify(value);
    exitsWithOneLine(['report', dir], `knsim: ${join(dir, file)}: line ${line}, column ${column}: ${shown} is not ${rule} (not a file knsim wrote)`);
  });

  // Each cell alone was fine, so the chart drew a p50 line above the p99 line.
  it('a requests-per-second.csv row whose p95 is below its p50 exits 2 naming the line and both columns', () => {
    const dir = join(tmp(), 'run');
    cpSync(run, dir, { recursive: true });
    edited(dir, 'requests-per-second.csv', 1, 'p50_ms', '230');
    const p95 = readFileSync(join(dir, 'requests-per-second.csv'), 'utf8').split('\n')[2]!.split(',')[10]!;
    expect(Number(p95)).toBeLessThan(230);
    exitsWithOneLine(['report', dir], `knsim: ${join(dir, 'requests-per-second.csv')}: line 3, column p95_ms: ${Number(p95)} is below p50_ms 230, but a higher percentile is never below a lower one (not a file knsim wrote)`);
  });

  // Each fraction alone was from 0 to 1, so the CDF was drawn doubling back on itself.
  it('a latency-cdf.csv point whose share is below the one before it exits 2 naming the line and the series', () => {
    const dir = join(tmp(), 'run');
    cpSync(run, dir, { recursive: true });
    const lines = readFileSync(join(dir, 'latency-cdf.csv'), 'utf8').split('\n');
    expect(lines[2]!.split(',').slice(2)).toEqual(['all', lines[2]!.split(',')[3], '0.01']);
    edited(dir, 'latency-cdf.csv', 1, 'fraction', '0.001');
    exitsWithOneLine(['report', dir], `knsim: ${join(dir, 'latency-cdf.csv')}: line 3, column fraction: 0.001 is below the previous hello-00001 all row's 0.005, but a distribution's points never fall (not a file knsim wrote)`);
    cpSync(join(run, 'latency-cdf.csv'), join(dir, 'latency-cdf.csv'));
    edited(dir, 'latency-cdf.csv', 1, 'latency_ms', '1');
    exitsWithOneLine(['report', dir], `knsim: ${join(dir, 'latency-cdf.csv')}: line 3, column latency_ms: 1 is below the previous hello-00001 all row's ${Number(lines[1]!.split(',')[3])}, but a distribution's points never fall (not a file knsim wrote)`);
  });

  // A named pipe with no writer in the run directory blocked the report for ever on its open;
  // with a writer (support/pipe.ts) it was read as the CSV and the report went through.
  it.runIf(HAS_MKFIFO)('a CSV that is a named pipe exits 2 naming it, unread', () => {
    const dir = join(tmp(), 'run');
    cpSync(run, dir, { recursive: true });
    const csv = join(dir, 'timeseries.csv');
    const text = readFileSync(csv, 'utf8');
    rmSync(csv);
    pipeWithWriter(csv, text);
    try {
      exitsWithOneLine(['report', dir], `knsim: ${csv}: is a named pipe (FIFO), not a regular file: knsim reads input only from regular files`);
    } finally {
      stopPipeWriters();
    }
  });

  // Said "<dir>: read: is a directory (EISDIR)", naming no file.
  it('a directory in place of a CSV exits 2 naming it', () => {
    const dir = join(tmp(), 'run');
    cpSync(run, dir, { recursive: true });
    const csv = join(dir, 'timeseries.csv');
    rmSync(csv);
    mkdirSync(csv);
    exitsWithOneLine(['report', dir], `knsim: ${csv}: is a directory`);
  });

  it('the empty and -1 cells knsim writes are read (no metrics yet, no valid scale)', () => {
    const dir = join(tmp(), 'run');
    cpSync(run, dir, { recursive: true });
    const as = readFileSync(join(dir, 'autoscaler.csv'), 'utf8');
    // quickstart's first decisions have no observed concurrency yet; Knative's decider says -1 when it has no valid scale.
    expect(as.split('\n')[1]).toMatch(/^[^,]+,hello,hello-00001,concurrency,70,0,,,/);
    edited(dir, 'autoscaler.csv', 0, 'desired', '-1');
    edited(dir, 'autoscaler.csv', 0, 'want', '-1');
    edited(dir, 'timeseries.csv', 0, 'traffic_percent', '');
    const r = knsim(['report', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it("a settings.json that is not JSON exits 2 naming it (the parser's words differ between node versions)", () => {
    const dir = join(tmp(), 'run');
    cpSync(run, dir, { recursive: true });
    writeFileSync(join(dir, 'settings.json'), '{');
    const r = knsim(['report', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^knsim: ${join(dir, 'settings.json')}: not valid JSON \\([^\\n]+\\)\\n$`));
  });
});

describe('misspelt override paths', () => {
  const bad = 'services[0].manifest.spec.template.spec.containerConcurency';
  const fix = 'services[0].manifest.spec.template.spec.containerConcurrency';

  it('knsim run --set exits 2 naming the path and the fix', () => {
    const r = knsim(['run', 'scenarios/quickstart.yaml', '--no-report', '--out', join(tmp(), 'o'), '--set', `${bad}=1`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `knsim: scenarios/quickstart.yaml: --set ${bad}=1: "containerConcurency" is not a field of services[0].manifest.spec.template.spec (did you mean ${fix}?)\n`,
    );
  });

  it('knsim sweep --grid exits 2 before running anything', () => {
    const out = join(tmp(), 'o');
    const r = knsim(['sweep', 'scenarios/quickstart.yaml', '--grid', `${bad}=1,2`, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`--grid ${bad}=1,2: "containerConcurency" is not a field`);
    expect(r.stderr).toContain(`did you mean ${fix}?`);
  });
});

describe('keys Knative ignores', () => {
  it('warn on stderr, one line each, and are listed in summary.json', () => {
    const dir = tmp();
    const file = join(dir, 'typos.yaml');
    writeFileSync(file, TYPOS);
    const out = join(dir, 'out');
    const r = knsim(['run', file, '--no-report', '--out', out]);
    expect(r.code).toBe(0);
    const ann = 'services[0].manifest.spec.template.metadata.annotations';
    const warnings = [
      `${file}: configMaps.config-autoscaler["stable-windw"]: unknown config-autoscaler key, ignored (did you mean stable-window?)`,
      `${file}: ${ann}["autoscaling.knative.dev/minscale"]: unknown autoscaling annotation, ignored (did you mean autoscaling.knative.dev/min-scale?)`,
      `${file}: ${ann}["autoscaling.knative.dev/targt"]: unknown autoscaling annotation, ignored (did you mean autoscaling.knative.dev/target?)`,
    ];
    expect(r.stderr).toBe(warnings.map((w) => `knsim: warning: ${w}\n`).join(''));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { warnings?: string[]; overall: { requests: { noRoute: number } } };
    expect(summary.warnings).toEqual(warnings);
    // A fresh deploy: requests before the first Ready pod get no route, and the summary line says why.
    expect(summary.overall.requests.noRoute).toBeGreaterThan(0);
    expect(r.stdout).toContain(
      `no route ${summary.overall.requests.noRoute} (404: sent before any revision they could go to was Ready; a fresh deploy without initialPods has no route until its first pod is Ready)`,
    );
  });

  it('leave summary.json without a warnings key when there are none', () => {
    const out = join(tmp(), 'out');
    const r = knsim(['run', 'scenarios/quickstart.yaml', '--no-report', '--out', out, '--duration', '20s']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).not.toContain('warnings');
  });
});

describe('knsim run progress bar', () => {
  /** Drives runProgress with a fake clock advancing `msPerSlice` per tenth of the run; returns what the bar saw. */
  function drive(opts: { isTTY: boolean; ci?: string; msPerSlice: number }): string[] {
    const calls: string[] = [];
    const bar: Bar = { start: (t, v) => calls.push(`start ${t} ${v}`), update: (v) => calls.push(`update ${v}`), stop: () => calls.push('stop') };
    let now = 0;
    const p = runProgress({
      durationSeconds: 600,
      stream: { isTTY: opts.isTTY },
      env: opts.ci === undefined ? {} : { CI: opts.ci },
      now: () => now,
      makeBar: () => bar,
    });
    for (let k = 1; k <= 10; k++) {
      now += opts.msPerSlice;
      p.update(60 * k);
    }
    p.stop();
    return calls;
  }

  it('shows simulated seconds on a TTY when the run will take more than a couple of seconds', () => {
    // 300 ms per 60 s simulated: 3 s in all, more than SHOW_AFTER_MS.
    expect(SHOW_AFTER_MS).toBe(2000);
    expect(drive({ isTTY: true, msPerSlice: 300 })).toEqual([
      'start 600 60', 'update 120', 'update 180', 'update 240', 'update 300', 'update 360', 'update 420', 'update 480', 'update 540', 'update 600', 'stop',
    ]);
  });

  it.each([
    { what: 'a quick run', isTTY: true, msPerSlice: 100 },
    { what: 'not a TTY', isTTY: false, msPerSlice: 300 },
    { what: 'CI', isTTY: true, ci: 'true', msPerSlice: 300 },
  ])('stays quiet for $what', ({ isTTY, ci, msPerSlice }) => {
    expect(drive({ isTTY, msPerSlice, ...(ci !== undefined ? { ci } : {}) })).toEqual([]);
  });
});
