/** The `tune` command's flags for main.ts; the handler loads the tuner only when it runs. */
import type { CommandModule } from 'yargs';
import { reportDirOptions, scenarioOptions } from './flags.js';
import type { TuneArgs } from './tune.js';

export const tuneCommandModule: CommandModule = {
  command: 'tune <scenario>',
  describe: 'Find the cheapest settings that meet every SLO with 95 % confidence',
  builder: (y) =>
    reportDirOptions(scenarioOptions(y, true), 'reports/<scenario>-tune')
      .option('space', { type: 'string', array: true, describe: 'A parameter: path=a..b:step or path=v1,v2,... (repeatable)' })
      .option('slo', { type: 'string', array: true, describe: "An SLO: 'p99<=500ms', 'errorRate<=0.1%', 'rate503<=0.5%', 'coldStartFraction<=1%' (repeatable)" })
      .option('objective', { type: 'string', describe: 'What to minimise: podSeconds (default), maxPods, or any metric --slo takes (podHours, readyPodHours, p99, ...)' })
      .option('replications', { type: 'string', describe: 'Replications of a confirmed point (default 5, at least 2)' })
      .example(
        `$0 tune scenarios/quickstart.yaml --space 'services[0].manifest.spec.template.spec.containerConcurrency=1..10' --space configMaps.config-autoscaler.stable-window=30s..120s:30s --slo 'p99<=500ms' --slo 'errorRate<=0.1%'`,
        '',
      ),
  handler: async (a) => (await import('./tune.js')).tuneCommand(a as unknown as TuneArgs),
};
