/**
 * Priorities of same-instant events (the engine's `priority`: lower first; 0, the
 * default, keeps scheduling order).
 */

/**
 * A PA reconcile triggered by its watch (the SKS changed) runs after everything else due
 * at that instant, as an informer event does after the step that caused it, so it sees
 * all of the instant's changes.
 */
export const WATCH_RECONCILE_PRIORITY = 1;

/**
 * A PA reconcile from the resync a config change triggers runs after the instant's watch
 * reconciles, as upstream's workqueue serves its slow lane only when the fast one is empty.
 */
export const RESYNC_RECONCILE_PRIORITY = 2;

/**
 * A timeout (the revision's timers, the client's) fires after the responses due at its instant,
 * whatever order they were scheduled in: a response that ends exactly at its deadline is a 200,
 * with the CPU model and after a hang as with a fixed service time.
 */
export const TIMEOUT_PRIORITY = 1;

/**
 * metrics-server's scrape runs before everything else due at its instant, so an HPA sync
 * at the same instant reads it whatever order the two were scheduled in (the capacity
 * spec's lag: a step is seen in full at most 15 + 15 s later).
 */
export const METRICS_SCRAPE_PRIORITY = -1;

/**
 * The per-second sample of the time series (timeseries.csv, requests-per-second.csv) runs
 * last at its instant, after watch reconciles: a row shows the state that instant leaves, and
 * counts the completions of (t − 1, t], whatever order the instant's events were scheduled in.
 */
export const SAMPLE_PRIORITY = 3;
