import { describe, expect, it } from 'vitest';
import { gridPointAtOrAfter, gridStepsUntil } from '../../src/core/grid.js';

describe('periodic instants (core/grid)', () => {
  it.each([
    // 0.6 / 0.2 is 2.9999999999999996: the slack counts it as 3 steps.
    { from: 0, to: 0.6, step: 0.2, steps: 3 },
    { from: 0, to: 0.61, step: 0.2, steps: 4 },
    { from: 5, to: 3, step: 1, steps: 0 },
    { from: 10, to: 10, step: 5, steps: 0 },
  ])('gridStepsUntil($from, $to, $step) = $steps', ({ from, to, step, steps }) => {
    expect(gridStepsUntil(from, to, step)).toBe(steps);
  });

  it.each([
    { origin: 17, step: 1, t: 19.2, want: 20 },
    { origin: 17, step: 1, t: 19, want: 19 },
    { origin: 600, step: 5, t: 612, want: 615 },
    // The grid point 10.142857142857142 is 1e-12 s before t, within the slack: the instant is t, never before it.
    { origin: 0.14285714285714285, step: 2, t: 0.14285714285714285 + 10 + 1e-12, want: 0.14285714285714285 + 10 + 1e-12 },
  ])('gridPointAtOrAfter($origin, $step, $t) = $want', ({ origin, step, t, want }) => {
    expect(gridPointAtOrAfter(origin, step, t)).toBe(want);
  });
});
