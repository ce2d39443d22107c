/**
 * `knsim run` read without yargs, for the command lines people and scripts type:
 * `run <scenario>` with run's own flags as `--flag value` or `--flag=value`,
 * --report / --no-report and --series / --no-series. It gives exactly the RunArgs yargs
 * would (a test holds the two to each other); anything else (help, short or camel-case
 * flags, a repeated flag, a value that starts with "-", a word after --set, which yargs
 * would add to the list) gets undefined and goes to yargs, so errors and edge cases stay
 * yargs' own.
 */
import type { RunArgs } from './run.js';

/** run's flags that take one string, by the RunArgs field they fill. */
const VALUE_FLAGS: Readonly<Record<string, 'seed' | 'duration' | 'out' | 'trace' | 'maxRequests' | 'maxPods' | 'maxUsers' | 'maxEvents' | 'maxInFlight' | 'maxNodeLaunches'>> = {
  seed: 'seed',
  duration: 'duration',
  out: 'out',
  trace: 'trace',
  'max-requests': 'maxRequests',
  'max-pods': 'maxPods',
  'max-users': 'maxUsers',
  'max-events': 'maxEvents',
  'max-in-flight': 'maxInFlight',
  'max-node-launches': 'maxNodeLaunches',
};

/** The arguments of a plain `knsim run` command line; undefined when yargs should read it. */
export function plainRunArgs(argv: readonly string[]): RunArgs | undefined {
  if (argv[0] !== 'run') return undefined;
  let scenario: string | undefined;
  let report: boolean | undefined;
  let series: boolean | undefined;
  const set: string[] = [];
  const values: Partial<Record<(typeof VALUE_FLAGS)[string], string>> = {};
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) {
      if (scenario !== undefined) return undefined;
      scenario = a;
      continue;
    }
    if (a === '--report' || a === '--no-report') {
      if (report !== undefined) return undefined;
      report = a === '--report';
      continue;
    }
    if (a === '--series' || a === '--no-series') {
      if (series !== undefined) return undefined;
      series = a === '--series';
      continue;
    }
    if (!a.startsWith('--')) return undefined;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      value = argv[++i];
      if (value === undefined || value.startsWith('-')) return undefined;
    }
    if (name === 'set') {
      // yargs' array flags take every word up to the next flag.
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-')) return undefined;
      set.push(value);
      continue;
    }
    const key = Object.hasOwn(VALUE_FLAGS, name) ? VALUE_FLAGS[name]! : undefined;
    if (key === undefined || values[key] !== undefined) return undefined;
    values[key] = value;
  }
  if (scenario === undefined) return undefined;
  return {
    scenario,
    seed: values.seed,
    duration: values.duration,
    out: values.out,
    set,
    trace: values.trace,
    series,
    report: report ?? true,
    maxRequests: values.maxRequests,
    maxPods: values.maxPods,
    maxUsers: values.maxUsers,
    maxEvents: values.maxEvents,
    maxInFlight: values.maxInFlight,
    maxNodeLaunches: values.maxNodeLaunches,
  };
}
