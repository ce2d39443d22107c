/**
 * The limits `knsim run` applies by default, applied to a playground run: the same refusal
 * of absurd work before it starts (checkWork), the same caps while it runs (pods, requests;
 * the World's own cap on requests in flight), and the CLI's disk-space check against the
 * memory the tab keeps the run in. The playground has no flags to raise them: a tab
 * simulates a few hundred thousand requests a second (capacity-planning's day, 1.7 million
 * requests and 3.8 million events, in about 6 s), so a run past the default 1e9 requests
 * would hold it for about an hour, past 1e10 events for hours, and past the in-flight cap
 * (about 1 GB of requests) it would run out of memory. Such a run is for `knsim run` and its --max-* flags,
 * and the playground's messages say so (forPlayground).
 */
import { checkOutputSpace } from '../../src/cli/output-space.js';
import { ScenarioError } from '../../src/scenario/errors.js';
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
 * @throws ScenarioError naming the field and the rule, as the CLI prints it (its flag hint said for the playground)
 */
export function playgroundLimits(loaded: LoadedScenario): RunLimits {
  let work: ReturnType<typeof checkWork>;
  try {
    work = checkWork(loaded, DEFAULT_WORK_LIMITS);
  } catch (e) {
    throw forPlayground(e);
  }
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

/**
 * A limit's error as the playground can act on it: the CLI's line, whose "raise with
 * --max-events" names a flag the page does not have, says to run it with `knsim run` and
 * that flag. Any other error is returned as it is.
 */
export function forPlayground(e: unknown): unknown {
  if (!(e instanceof ScenarioError)) return e;
  const rule = e.rule
    .replace(/\(raise with (--max-[a-z-]+)\)/g, '(the playground cannot raise it: run it with knsim run $1)')
    .replace(/\braise (--max-[a-z-]+)/g, 'run it with knsim run $1');
  return rule === e.rule ? e : new ScenarioError(e.file, e.path, rule, e.within);
}
