/**
 * The command line. Only yargs, the flag definitions and the error helpers load up
 * front; each command's handler imports its own code when it runs, so `knsim run` does
 * not pay for the sweep pool, the report renderer or the Kubernetes client.
 */
import yargs from 'yargs';
import { formatError } from '../scenario/errors.js';
import type { ControllerArgs } from './controller.js';
import { controllerOptions } from './controller-options.js';
import { rolloutOptions, type RolloutArgs } from './rollout.js';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, UsageError } from './errors.js';
import { OutputError } from '../output/output-error.js';
import { reportDirOptions, scenarioOptions, workLimitOptions } from './flags.js';
import { closest } from '../scenario/did-you-mean.js';
// Sweeps and the tuner (issue 5).
import { sweepCommandModule } from './sweep-command.js';
import { tuneCommandModule } from './tune-command.js';
// Bring your own autoscaler (issue 17).
import { compareCommandModule } from './compare-command.js';
import { testCommandModule } from './test-command.js';

/** Prints an error as one line and picks the exit code: 2 for bad input (or an unwritable output), 1 for a bug. */
export function reportError(e: unknown): number {
  const bad = formatError(e) ?? (e instanceof UsageError || e instanceof OutputError ? e.message : undefined);
  if (bad !== undefined) {
    process.stderr.write(`knsim: ${bad}\n`);
    return EXIT_BAD_INPUT;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`knsim: internal error (please report): ${msg}\n`);
  if (process.env['KNSIM_DEBUG']) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
  return EXIT_INTERNAL;
}

/**
 * yargs' complaint as one line with a suggestion: an unknown command gets yargs' own
 * "Did you mean" (recommendCommands) with the name it is about, an unknown flag the
 * closest known flag (yargs suggests commands only).
 */
export function usageMessage(msg: string | null | undefined, argv: readonly string[], flags: readonly string[]): string {
  const text = String(msg ?? '').trim();
  if (/^Did you mean /.test(text)) {
    const typed = argv.find((a) => !a.startsWith('-'));
    return typed === undefined ? text : `unknown command ${JSON.stringify(typed)}. ${text}`;
  }
  const m = /^Unknown arguments?: (.*)$/.exec(text);
  if (m === null) return text.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
  const names = m[1]!.split(', ');
  const known = flags.filter((f) => f.length > 1);
  const hints = names.map((n) => {
    const c = closest(n, known);
    return c === undefined ? '' : ` (did you mean --${c}?)`;
  });
  return `${m[0]!.slice(0, m[0]!.indexOf(':') + 1)} ${names.map((n, i) => `${n.length > 1 ? '--' : '-'}${n}${hints[i]}`).join(', ')}`;
}

/**
 * yargs renders a command's whole help text before running its handler, in case the
 * handler asks for it (about 20 ms of string-width work on every command). knsim's
 * handlers never show help, and its failures are one-line errors, so that text is never
 * used. Left alone if a yargs version lacks these internals.
 */
function skipHelpCache(cli: object): void {
  const internals = (cli as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

export async function main(argv: string[]): Promise<void> {
  try {
    const cli = yargs(argv);
    skipHelpCache(cli);
    await cli
      .scriptName('knsim')
      .usage('$0 <command> [options]\n\nA deterministic simulator of Knative Serving autoscaling (KPA) and request routing.')
      .command(
        'run <scenario>',
        'Simulate a scenario and write reports/<name>/',
        (y) =>
          reportDirOptions(scenarioOptions(y, false), 'reports/<scenario name>')
            .option('trace', { type: 'string', describe: 'requests.csv rows: none | full | sample=R' })
            .example('$0 run scenarios/quickstart.yaml', 'Run the quickstart scenario')
            .example(`$0 run scenarios/hello-world.yaml --set 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]=5'`, 'Override an annotation'),
        async (args) => {
          const { runCommand } = await import('./run.js');
          await runCommand({
            scenario: args.scenario,
            seed: args.seed,
            duration: args.duration,
            out: args.out,
            set: args.set ?? [],
            trace: args.trace,
            report: args.report,
            maxRequests: args['max-requests'],
            maxPods: args['max-pods'],
            maxUsers: args['max-users'],
            maxEvents: args['max-events'],
          });
        },
      )
      .command(
        'report <run-dir>',
        'Build charts (.vl.json, .svg, .png) and a self-contained report.html for a run directory',
        (y) => y.positional('run-dir', { type: 'string', describe: 'A directory written by knsim run', demandOption: true }),
        async (args) => {
          const { reportCommand } = await import('./report.js');
          const path = await reportCommand(args['run-dir']);
          process.stdout.write(`knsim: wrote ${path}\n`);
        },
      )
      .command(
        'plan <scenario>',
        'Capacity plan of a scenario with node pools: peak nodes, longest Pending wait, pod starts that waited for nodes, cost per day',
        (y) =>
          workLimitOptions(y)
            .positional('scenario', { type: 'string', describe: 'Scenario YAML file with cluster.nodePools', demandOption: true })
            .option('seed', { type: 'string', describe: 'Random seed (overrides the scenario)' })
            .option('duration', { type: 'string', describe: 'Simulated time, a Go duration (overrides the scenario)' })
            .option('set', { type: 'string', array: true, describe: 'Override a scenario value: path=value, e.g. cluster.nodePools[0].cpu=8' })
            .option('json', { type: 'boolean', default: false, describe: 'Print the plan as JSON' })
            .example('$0 plan scenarios/capacity-planning.yaml', 'Nodes, waits and cost of the capacity-planning scenario'),
        async (args) => {
          const { planCommand } = await import('./plan.js');
          process.stdout.write(
            await planCommand({
              scenario: args.scenario,
              seed: args.seed,
              duration: args.duration,
              set: args.set ?? [],
              json: args.json,
              maxRequests: args['max-requests'],
              maxPods: args['max-pods'],
              maxUsers: args['max-users'],
              maxEvents: args['max-events'],
            }) + '\n',
          );
        },
      )
      .command('controller', "Run knsim's autoscaler against a live cluster: --mode shadow (report) or apply (scale)", (y) => controllerOptions(y), async (args) =>
        (await import('./controller.js')).controllerCommand(args as unknown as ControllerArgs),
      )
      .command('rollout <service>', 'Shift a Service to a new revision in steps, rolling back on errors or latency', (y) => rolloutOptions(y), async (args) =>
        (await import('./rollout.js')).rolloutCommand(args as unknown as RolloutArgs),
      )
      // Sweeps and the tuner (issue 5).
      .command(sweepCommandModule)
      .command(tuneCommandModule)
      .command(compareCommandModule)
      .command(testCommandModule)
      .demandCommand(1, 'Name a command: knsim run <scenario.yaml>')
      // Misspelt commands and flags get yargs' "Did you mean ...?" (its own edit distance).
      .recommendCommands()
      .strict()
      .help()
      .alias('h', 'help')
      .version()
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .fail((msg, err) => {
        // yargs reports unknown flags and missing arguments here; a handler's own error arrives as err.
        if (err) throw err;
        throw new UsageError(usageMessage(msg, argv, Object.keys((cli as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key)));
      })
      .parseAsync();
  } catch (e) {
    process.exitCode = reportError(e);
  }
}
