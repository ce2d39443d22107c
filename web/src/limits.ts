/**
 * The limits `knsim run` applies by default, applied to a playground run: the same refusal
 * of absurd work before it starts (checkWork), the same caps while it runs (pods, requests;
 * the World's own cap on requests in flight), and the CLI's disk-space check against the
 * memory the tab keeps the run in. The playground has no flags to raise them: such a run
 * is for `knsim run` and its --max-* flags.
 */
import { checkOutputSpace } from '../../src/cli/output-space.js';
import type { LoadedScenario } from '../../src/scenario/load-text.js';
import { checkWork, DEFAULT_WORK_LIMITS, runRequestLimit } from '../../src/scenario/work-estimate.js';

/**
 * What a run's files and live charts may take in the tab. The largest shipped scenario
 * (capacity-planning, a day) writes 15 MB; a run's data is held two or three times over (its
 * files, the live charts' columns, the report built from the files at the end), and a tab
 * gets a few GB at most.
 */
export const PLAYGROUND_MEMORY_BYTES = 250e6;

/** The caps a run goes with, as `knsim run` sets them without --max-pods or --max-requests. */
export interface RunLimits {
  podLimit: number;
  requestLimit: number;
}

/**
 * Refuses a scenario `knsim run` would refuse by default, or whose files would not fit in
 * PLAYGROUND_MEMORY_BYTES; otherwise the run's caps.
 * @throws ScenarioError naming the field and the rule, as the CLI prints it
 */
export function playgroundLimits(loaded: LoadedScenario): RunLimits {
  const work = checkWork(loaded, DEFAULT_WORK_LIMITS);
  // The live charts keep the per-second series whatever `series` says: count them as written.
  checkOutputSpace(
    loaded,
    work,
    // Where the files go only matters to the free-space function, and the tab's memory is one.
    '/runs',
    {
      trace: loaded.traceMode,
      series: true,
      label: "the playground's in-memory files and charts",
      remedy: {
        requests: 'shorten the run, set trace: sample=R or trace: none, or run it with knsim run',
        series: 'shorten the run, or run it with knsim run',
      },
    },
    () => PLAYGROUND_MEMORY_BYTES,
  );
  return { podLimit: DEFAULT_WORK_LIMITS.pods, requestLimit: runRequestLimit(work, DEFAULT_WORK_LIMITS, false) };
}
