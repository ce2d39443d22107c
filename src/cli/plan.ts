import { loadScenario } from '../scenario/load.js';
import { summarizeWorld } from '../run/run-world.js';
import { capacityPlan, planText } from '../output/plan.js';
import { checkWork, guardProgress, runRequestLimit } from '../scenario/work-estimate.js';
import { UsageError } from './errors.js';
import { checkExpectBlock } from './expect-block.js';
import { parseDurationFlag, parseSeed, parseWorkLimits, type WorkLimitArgs } from './flags.js';

export interface PlanArgs extends WorkLimitArgs {
  scenario: string;
  seed: unknown;
  duration: unknown;
  set: string[];
  json: boolean;
}

/** `knsim plan`: run the scenario in memory and state what its nodes need and cost. */
export async function planCommand(args: PlanArgs): Promise<string> {
  const seed = parseSeed(args.seed);
  const durationSeconds = parseDurationFlag(args.duration);
  const limits = parseWorkLimits(args);
  const loaded = loadScenario(args.scenario, {
    sets: args.set,
    maxRequests: limits.requests,
    ...(seed !== undefined ? { seed } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
  });
  checkExpectBlock(loaded);
  if (loaded.world.cluster.nodes === undefined) {
    throw new UsageError(`${args.scenario}: cluster.nodePools: knsim plan needs node pools (see README, "Nodes, scheduling and cluster autoscaling")`);
  }
  for (const w of loaded.warnings ?? []) process.stderr.write(`knsim: warning: ${w}\n`);
  const work = checkWork(loaded, limits);
  const requestLimit = runRequestLimit(work, limits, args.maxRequests !== undefined);
  const summary = guardProgress(loaded, () => summarizeWorld({ ...loaded.world, podLimit: limits.pods, inFlightLimit: limits.inFlight, requestLimit }));
  const plan = capacityPlan(summary)!;
  return args.json ? JSON.stringify(plan, null, 2) : planText(plan);
}
