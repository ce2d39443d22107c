/** The `test` command's flags for main.ts; the handler loads the expectations runner only when it runs. */
import type { Argv, CommandModule } from 'yargs';
import { workLimitOptions } from './flags.js';
import type { TestArgs } from './test.js';

export const testCommandModule: CommandModule<object, TestArgs> = {
  command: 'test <paths..>',
  describe: "Run scenarios' expect: sections and report pass/fail (JUnit XML with --junit)",
  builder: (y: Argv<object>) =>
    workLimitOptions(
      y
        .positional('paths', { type: 'string', array: true, describe: 'Scenario files, or directories to search for scenarios with expect:', demandOption: true })
        .option('junit', { type: 'string', describe: 'Write JUnit XML to this file' })
        .option('seed', { type: 'string', describe: "Seed for every scenario (default: each scenario's own)" }),
    )
      .example('$0 test scenarios/ --junit knsim-tests.xml', '')
      .example('$0 test big/ --max-requests 5e9', 'Limits apply to each scenario, as in knsim run') as unknown as Argv<TestArgs>,
  handler: async (args) => {
    process.exitCode = await (await import('./test.js')).testCommand(args);
  },
};
