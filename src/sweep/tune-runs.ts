/**
 * How `knsim tune` runs what the search asks for: each point is checked (and its work estimated)
 * the first time the search reaches it, and each batch's runs are handed to the threads costliest
 * first by that estimate, as a sweep's are (dispatch-order.ts), so a round does not end on a long
 * run while the other threads idle. The results come back in the batch's order, so the search,
 * and every file it writes, are the same as in grid order.
 */
import type { MetricValues } from '../output/metrics.js';
import { DEFAULT_WORK_LIMITS, type WorkLimits } from '../scenario/work-estimate.js';
import { checkPoints } from './define.js';
import { longestFirst } from './dispatch-order.js';
import type { Runner } from './pool.js';
import type { Progress } from './progress.js';
import { taskFor, type SweepDefinition } from './sweep.js';
import type { TunePhase, TuneProblem } from './tune.js';

export interface TuneRunsOptions {
  file: string;
  def: SweepDefinition;
  runner: Runner;
  limits?: Readonly<WorkLimits>;
  /** A progress bar per batch (its total is known when it starts). */
  progress?: (phase: TunePhase, runs: number) => Progress;
}

/** The tuner's `beforeNew` and `evaluate` over a runner. */
export function tuneRuns(o: TuneRunsOptions): Pick<TuneProblem, 'beforeNew' | 'evaluate'> {
  const { file, def, runner, limits = DEFAULT_WORK_LIMITS } = o;
  // Each point's cost, from the check the search makes before it first simulates the point.
  const costs = new Map<number, number>();
  return {
    beforeNew: (points) => {
      for (const [p, c] of checkPoints(file, def, points, limits)) costs.set(p, c);
    },
    evaluate: async (pairs, phase): Promise<MetricValues[]> => {
      const progress = o.progress?.(phase, pairs.length);
      try {
        return await runner.runAll(
          pairs.map(([p, r]) => taskFor(file, def, p, r)),
          () => progress?.tick(),
          longestFirst(pairs.map(([p]) => costs.get(p) ?? 0)),
        );
      } finally {
        progress?.stop();
      }
    },
  };
}
