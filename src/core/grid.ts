/**
 * Periodic instants: a probe ticker, a queue's once-a-second look, CA's 5 s checks, each at
 * origin + k × step. One place for the float slack such grids need, and for never landing
 * before the instant asked about (that would be an event scheduled in the past).
 */

/**
 * Steps of `step` from `from` to the first grid point at or after `to` (0 when `to` ≤ `from`).
 * A billionth of a step absorbs float sums: 0.6 / 0.2 is 2.9999999999999996.
 */
export function gridStepsUntil(from: number, to: number, step: number): number {
  return Math.max(0, Math.ceil((to - from) / step - 1e-9));
}

/**
 * The first point of origin + k × step (k ≥ 0) at or after `t`. Within the slack the grid
 * point can be a hair before `t`; then it is `t` itself.
 */
export function gridPointAtOrAfter(origin: number, step: number, t: number): number {
  return Math.max(t, origin + gridStepsUntil(origin, t, step) * step);
}
