/**
 * `knsim run` read without yargs (src/cli/run-argv.ts): every command line it reads
 * must give the RunArgs yargs gives; the rest it leaves to yargs.
 */
import { describe, expect, it } from 'vitest';
import { plainRunArgs } from '../../src/cli/run-argv.js';
import { parseCommandLine } from '../../src/cli/program.js';
import type { RunArgs } from '../../src/cli/run.js';

/** What yargs hands the run command for `argv`. */
async function viaYargs(argv: string[]): Promise<RunArgs> {
  let got: RunArgs | undefined;
  await parseCommandLine(argv, async (args) => {
    got = args;
  });
  if (got === undefined) throw new Error(`yargs ran no run command for ${argv.join(' ')}`);
  return got;
}

const Q = 'scenarios/quickstart.yaml';

describe('plain knsim run command lines', () => {
  it.each([
    [['run', Q]],
    [['run', Q, '--no-report']],
    [['run', Q, '--report']],
    [['run', Q, '--no-series']],
    [['run', Q, '--series', '--no-report']],
    [['run', '--no-series', Q, '--trace', 'full', '--no-report']],
    [['run', '--no-report', Q, '--out', '/tmp/x']],
    [['run', Q, '--no-report', '--out', '/tmp/x', '--trace', 'full']],
    [['run', Q, '--out=/tmp/x', '--trace=sample=0.5', '--seed=7']],
    [['run', Q, '--seed', '42', '--duration', '90s']],
    [['run', Q, '--seed', '007', '--duration', '1e3']],
    [['run', Q, '--seed', '1e400', '--duration', '0x10']],
    [['run', Q, '--seed', 'abc', '--trace', 'bogus']],
    [['run', Q, '--out', '']],
    [['run', Q, '--out=']],
    [['run', Q, '--out', ' spaced dir ']],
    [['run', Q, '--out', '"quoted"']],
    [['run', Q, '--out', "'quoted'"]],
    [['run', Q, '--out', 'true']],
    [['run', Q, '--out', 'a=b']],
    [['run', Q, '--set', 'services[0].manifest.spec.template.spec.containerConcurrency=1']],
    [['run', Q, '--set', 'a=1', '--set', 'b="x y"', '--no-report']],
    [['run', Q, '--set=a=1', '--set=b=-2']],
    [['run', Q, '--set', `services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]=5`]],
    [['run', Q, '--set', 'a={b: 1, c: [1, 2]}']],
    [['run', Q, '--max-requests', '5e9', '--max-pods', '10', '--max-users', '0', '--max-events', 'x']],
    [['run', Q, '--max-in-flight', '1000']],
    [['run', Q, '--no-report', '--max-in-flight=1.5']],
    [['run', Q, '--max-node-launches', '2e5']],
    [['run', '42']],
    [['run', '0x10']],
    [['run', 'true']],
    [['run', 'dir with spaces/s.yaml']],
    [['run', 'ünïcode.yaml', '--out', 'ü']],
  ])('%j gives the RunArgs yargs gives', async (argv) => {
    const plain = plainRunArgs(argv);
    expect(plain).toBeDefined();
    expect(plain).toEqual(await viaYargs(argv));
  });

  it.each([
    [[]],
    [['run']],
    [['plan', Q]],
    [['--no-report', 'run', Q]],
    [['run', Q, 'extra']],
    [['run', Q, '--help']],
    [['run', Q, '-h']],
    [['run', Q, '--version']],
    [['run', Q, '--trase', 'full']],
    [['run', Q, '--maxRequests', '5']],
    [['run', Q, '--out']],
    [['run', Q, '--out', '--no-report']],
    [['run', Q, '--seed', '-1']],
    [['run', Q, '--seed', '1', '--seed', '2']],
    [['run', Q, '--no-report', '--report']],
    [['run', Q, '--report=false']],
    [['run', Q, '--no-series', '--series']],
    [['run', Q, '--series=false']],
    [['run', Q, '--no-seed']],
    [['run', Q, '--set', 'a=1', 'b=2']],
    [['run', '--set', 'a=1', Q]],
    [['run', Q, '--']],
    [['run', Q, '-']],
    [['run', Q, '--out.x', 'y']],
    [['run', Q, '--constructor', 'y']],
    [['run', Q, '--__proto__', 'y']],
  ])('%j is left to yargs', (argv) => {
    expect(plainRunArgs(argv)).toBeUndefined();
  });
});
