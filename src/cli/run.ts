import { join } from 'node:path';
import { loadScenario } from '../scenario/load.js';
import { runWorld } from '../output/run-world.js';
import { textSummary } from '../output/text-summary.js';
import { reportCommand } from './report.js';
import { parseDurationFlag, parseSeed, parseTraceFlag } from './flags.js';
import { requireOptional } from './optional-deps.js';

export interface RunArgs {
  scenario: string;
  seed: unknown;
  duration: unknown;
  out: string | undefined;
  set: string[];
  trace: unknown;
  report: boolean;
}

/** `knsim run`: validate everything first, then simulate, then write. */
export async function runCommand(args: RunArgs): Promise<void> {
  const seed = parseSeed(args.seed);
  const durationSeconds = parseDurationFlag(args.duration);
  const trace = parseTraceFlag(args.trace);
  if (args.report) requireOptional('charts');
  const loaded = loadScenario(args.scenario, {
    sets: args.set,
    ...(seed !== undefined ? { seed } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
  });
  const outDir = args.out ?? join('reports', loaded.name);
  const result = runWorld(loaded.world, { outDir, trace: trace ?? loaded.traceMode, description: loaded.description });
  process.stdout.write(textSummary(result.summary, outDir) + '\n');
  if (args.report) process.stdout.write(`report: ${await reportCommand(outDir)}\n`);
}
