import { join } from 'node:path';
import { loadScenario } from '../scenario/load.js';
import { runWorld } from '../output/run-world.js';
import { textSummary } from '../output/text-summary.js';
import { reportCommand } from './report.js';
import { checkWork, guardProgress } from '../scenario/work-estimate.js';
import { parseDurationFlag, parseSeed, parseTraceFlag, parseWorkLimits, type WorkLimitArgs } from './flags.js';

export interface RunArgs extends WorkLimitArgs {
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
  const limits = parseWorkLimits(args);
  const loaded = loadScenario(args.scenario, {
    sets: args.set,
    ...(seed !== undefined ? { seed } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
  });
  checkWork(loaded, limits);
  const outDir = args.out ?? join('reports', loaded.name);
  const result = guardProgress(loaded, () => runWorld(loaded.world, { outDir, trace: trace ?? loaded.traceMode, description: loaded.description }));
  process.stdout.write(textSummary(result.summary, outDir) + '\n');
  if (args.report) process.stdout.write(`report: ${await reportCommand(outDir)}\n`);
}
