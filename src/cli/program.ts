/**
 * The whole command line, parsed by yargs: every command, its flags, help and version.
 * Only yargs and the flag definitions load up front; each command's handler imports its
 * own code when it runs, so a command does not pay for the sweep pool, the report
 * renderer or the Kubernetes client. (main.ts reads a plain `knsim run` without it.)
 */
import yargs from 'yargs';
import type { ControllerArgs } from './controller.js';
import { controllerOptions } from './controller-options.js';
import { rolloutOptions, type RolloutArgs } from './rollout.js';
import { UsageError } from './errors.js';
import { checkFlagValues, checkRepeatedFlags, checkSwitches, type FlagKinds } from './flag-values.js';
import { reportDirOptions, scenarioOptions, workLimitOptions } from './flags.js';
import type { RunArgs } from './run.js';
import { usageMessage } from './usage-message.js';
// Sweeps and the tuner (issue 5).
import { sweepCommandModule } from './sweep-command.js';
import { tuneCommandModule } from './tune-command.js';
// Bring your own autoscaler (issue 17).
import { compareCommandModule } from './compare-command.js';
import { testCommandModule } from './test-command.js';

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

/**
 * The command yargs was in when it failed (`['sweep', 'k8s-job']`), so an extra word can be
 * told from what the command takes; empty if a yargs version lacks these internals.
 */
function commandPath(cli: object): string[] {
  const internals = (cli as { getInternalMethods?: () => { getContext?: () => { commands?: unknown } } }).getInternalMethods?.();
  const commands = internals?.getContext?.()?.commands;
  return Array.isArray(commands) && commands.every((c) => typeof c === 'string') ? commands : [];
}

/**
 * Parses `argv` and runs its command; `knsim run` calls `run` with its arguments. Bad
 * usage throws a UsageError; a handler's own error is thrown as it is.
 */
export async function parseCommandLine(argv: string[], run: (args: RunArgs) => Promise<void>): Promise<void> {
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
          .option('series', {
            type: 'boolean',
            describe: "Write the per-second timeseries.csv, autoscaler.csv, requests-per-second.csv, latency-buckets.csv (default: the scenario's series, true; --no-series to skip)",
          })
          .example('$0 run scenarios/quickstart.yaml', 'Run the quickstart scenario')
          .example(`$0 run scenarios/hello-world.yaml --set 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]=5'`, 'Override an annotation'),
      async (args) => {
        await run({
          scenario: args.scenario,
          seed: args.seed,
          duration: args.duration,
          out: args.out,
          set: args.set ?? [],
          trace: args.trace,
          series: args.series,
          report: args.report,
          maxRequests: args['max-requests'],
          maxPods: args['max-pods'],
          maxUsers: args['max-users'],
          maxEvents: args['max-events'],
          maxInFlight: args['max-in-flight'],
          maxNodeLaunches: args['max-node-launches'],
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
      'Capacity plan of a scenario with node pools: peak nodes, longest Pending wait, pods that waited for room on a node, cost per day',
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
            maxInFlight: args['max-in-flight'],
            maxNodeLaunches: args['max-node-launches'],
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
    // Before yargs' own checks: `--duration -5s` would otherwise be "Unknown arguments: -5, -s".
    .middleware((args) => {
      const kinds = (cli as unknown as { getOptions(): FlagKinds }).getOptions();
      checkFlagValues(argv, kinds);
      checkSwitches(argv, kinds);
      checkRepeatedFlags(args, kinds);
    }, true)
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
      throw new UsageError(usageMessage(msg, argv, Object.keys((cli as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key), commandPath(cli)));
    })
    .parseAsync();
}
