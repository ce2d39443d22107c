/**
 * A small experiment grid for notebooks: every point is simulated with the same
 * seeds (seed = base + r for replication r), so the points see the same arrivals and
 * differ only in the settings (common random numbers). Each replication is reduced to
 * a few numbers, then summarised as its mean and 95 % CI (Student's t; cut at 0 for a metric none of
 * whose values is negative, see GridPoint.ci).
 */
import type { LoadedScenario } from '../scenario/index.js';
import { simulate, type SimRun, type SimulateOptions } from './simulate.js';
import { meanCI, type MeanCI } from '../sweep/stats.js';

export interface GridPoint<P> {
  /** The point's parameters, as given. */
  params: P;
  /** Per metric: its value in each replication, in seed order. */
  values: Record<string, number[]>;
  /**
   * Per metric: mean and 95 % confidence interval over the replications (Student's t). A metric
   * none of whose values is negative (pods, seconds, counts) cannot have a negative mean, so its
   * interval's `lo` is cut at 0; `halfWidth` stays the t half-width, so quote `lo` and `hi` then.
   * A metric with a negative value keeps the symmetric t interval, mean ± halfWidth. The cut is
   * read off the values, not the metric: a signed one (a difference between two settings) whose
   * replications all happened to be ≥ 0 would be cut too, so measure differences as
   * pairedDifferenceCI of two points' `values`, never as a metric here (notebook 8 does so;
   * no shipped notebook gives runGrid a signed metric).
   */
  ci: Record<string, MeanCI>;
}

export interface GridOptions<P> {
  /** The points to run. */
  points: readonly P[];
  /** Builds the scenario of a point for a seed (e.g. `scenario('x', { sets, seed })`). */
  scenario: (params: P, seed: number) => LoadedScenario;
  /** Reduces one run to named numbers (e.g. pod-seconds, p95 latency). */
  measure: (run: SimRun, params: P) => Record<string, number>;
  replications: number;
  baseSeed?: number;
  simulate?: SimulateOptions;
}

/** Runs every point `replications` times with seeds baseSeed, baseSeed + 1, … (the same for every point). */
export function runGrid<P>(o: GridOptions<P>): Array<GridPoint<P>> {
  if (!Number.isInteger(o.replications) || o.replications < 2) throw new Error(`replications must be an integer ≥ 2, got ${o.replications}`);
  const base = o.baseSeed ?? 1;
  return o.points.map((params) => {
    const values: Record<string, number[]> = {};
    for (let r = 0; r < o.replications; r++) {
      const run = simulate(o.scenario(params, base + r), o.simulate ?? {});
      for (const [k, v] of Object.entries(o.measure(run, params))) (values[k] ??= []).push(v);
    }
    const ci: Record<string, MeanCI> = {};
    for (const [k, vs] of Object.entries(values)) {
      const c = meanCI(vs);
      ci[k] = c.lo < 0 && vs.every((v) => v >= 0) ? { ...c, lo: 0 } : c;
    }
    return { params, values, ci };
  });
}
