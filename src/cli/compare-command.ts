/** The `compare` command's flags for main.ts; the handler loads the comparison only when it runs. */
import type { Argv, CommandModule } from 'yargs';
import { workLimitOptions } from './flags.js';
import type { CompareArgs } from './compare.js';

export const compareCommandModule: CommandModule<object, CompareArgs> = {
  command: 'compare <scenario>',
  describe: 'Run a scenario under several autoscaler classes (common random numbers) and compare them',
  builder: (y: Argv<object>) =>
    workLimitOptions(y)
      .positional('scenario', { type: 'string', describe: 'Scenario YAML file', demandOption: true })
      .option('class', { type: 'string', array: true, describe: 'A class: kpa, hpa, a module path (./my-scaler.ts) or a class name the scenario registers (repeat; the first is the baseline)' })
      .option('replications', { type: 'string', describe: 'Runs per class (default 5); replication r uses seed base + r for every class' })
      .option('seed', { type: 'string', describe: "Base seed (default: the scenario's seed)" })
      .option('duration', { type: 'string', describe: 'Simulated time per run, e.g. 10m (overrides the scenario)' })
      .option('set', { type: 'string', array: true, describe: 'Override a scenario value for every run: path=value' })
      .option('workers', { type: 'string', describe: 'Worker threads (default: one per CPU; 1 runs in this thread)' })
      .option('out', { type: 'string', describe: 'Output directory (default reports/<scenario name>-compare)' })
      .example('$0 compare examples/autoscalers/linear-ramp.yaml --class kpa --class predictive.example.com --replications 10', '') as unknown as Argv<CompareArgs>,
  handler: async (args) => {
    await (await import('./compare.js')).compareCommand(args);
  },
};
