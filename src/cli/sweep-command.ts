/**
 * The `sweep` command's forms and flags for main.ts; the handlers load the sweep code
 * (worker pool, stats, reports) only when a sweep runs.
 */
import type { Argv, CommandModule } from 'yargs';
import { reportDirOptions, scenarioOptions, stringList } from './flags.js';
import type { JobArgs, SweepRunArgs } from './sweep.js';

/** The options `sweep` and `sweep k8s-job` share. */
function gridOptions<T>(y: Argv<T>) {
  return scenarioOptions(y, true)
    .option('grid', { type: 'string', array: true, describe: 'An axis: path=v1,v2,... or path=a..b:step (repeatable; the grid is their cartesian product)' })
    .option('replications', { type: 'string', describe: 'Runs per point (default 5); replication r uses seed base + r at every point' })
    .option('seeds', { type: 'string', describe: 'common (the default: common random numbers) or independent' });
}

/** The `sweep` command with its three forms, for main.ts. */
export const sweepCommandModule: CommandModule = {
  command: 'sweep',
  describe: 'Sweep a grid of settings with replications: sweep <scenario> | sweep merge <dirs..> | sweep k8s-job <scenario>',
  builder: (y) =>
    y
      .command(
        'merge <dirs..>',
        'Combine shard directories into the output of a single sweep',
        (m) =>
          reportDirOptions(m, 'reports/<scenario>-sweep').positional('dirs', { type: 'string', array: true, describe: 'Shard output directories', demandOption: true }),
        async (a) => (await import('./sweep.js')).sweepMergeCommand({ dirs: stringList(a['dirs']), out: a['out'], report: a['report'] }),
      )
      .command(
        'k8s-job <scenario>',
        'Print a Kubernetes Indexed Job (and ConfigMap) that runs the sweep in N shards',
        (j) =>
          gridOptions(j)
            .option('workers', { type: 'string', describe: 'Worker threads in each pod (default 2; also the pod\'s CPU unless --cpu)' })
            .option('shards', { type: 'string', describe: 'Number of shards = Job completions (default 4)' })
            .option('parallelism', { type: 'string', describe: 'Pods at once (default: all shards)' })
            .option('image', { type: 'string', describe: 'Container image with knsim on PATH (default knsim:latest)' })
            .option('command', { type: 'string', describe: 'The command that runs knsim in the image (default "knsim")' })
            .option('pvc', { type: 'string', describe: 'PersistentVolumeClaim for the results, mounted at /results (default knsim-results)' })
            .option('cpu', { type: 'string', describe: 'CPU request and limit per pod (default: --workers)' })
            .option('memory', { type: 'string', describe: 'Memory request and limit per pod (default 1Gi)' })
            .option('name', { type: 'string', describe: 'Job name (default knsim-sweep-<scenario>)' })
            .option('namespace', { type: 'string', describe: 'Namespace of the Job and ConfigMap' })
            .option('output', { type: 'string', alias: 'o', describe: 'Write the manifest to this file instead of stdout' })
            .example('$0 sweep k8s-job scenarios/quickstart.yaml --grid configMaps.config-autoscaler.stable-window=30s,60s,90s --shards 3 --image ghcr.io/me/knsim:0.1 > job.yaml', ''),
        async (a) => (await import('./sweep.js')).sweepJobCommand(a as unknown as JobArgs),
      )
      .command(
        '$0 <scenario>',
        'Run every point of the grid',
        (s) =>
          reportDirOptions(gridOptions(s), 'reports/<scenario>-sweep')
            .option('shard', { type: 'string', describe: 'Run only shard i of N: the points whose index is i modulo N (i/N)' })
            .example(`$0 sweep scenarios/quickstart.yaml --grid 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]=10,50,100' --grid configMaps.config-autoscaler.stable-window=30s,60s --replications 5`, ''),
        async (a) => (await import('./sweep.js')).sweepCommand(a as unknown as SweepRunArgs),
      )
      .demandCommand(1),
  handler: () => {},
};
