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
