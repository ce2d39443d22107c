/**
 * The KPA with a different panic rule. The KPA panics when the panic window asks for at
 * least `panic-threshold` × the ready pods (200 % by default): measured against what is
 * there, so a revision at one pod panics on a small bump while a large one under a steep
 * but proportionally small climb does not. This class panics on a surge instead: when the
 * panic-window average exceeds the stable-window average by `SURGE` (50 %), i.e. when the
 * load is rising fast relative to itself. The rest is the KPA's decider: stable rule
 * ceil(stable / target), in panic the larger of the two rules and never a scale-down,
 * panic held for a stable window after the last surge, and the max scale up/down rates.
 */
import { defineAutoscaler, type AutoscalerInput } from '../../src/core/autoscaler/user-api.js';

/** Panic when the panic-window load is this fraction above the stable-window load. */
export const SURGE = 0.5;

/** Whether `input` shows a surge: panic load > (1 + SURGE) × stable load, with some load at all. */
export function isSurge(input: Pick<AutoscalerInput, 'stable' | 'panic' | 'settings'>): boolean {
  const m = input.settings.metric;
  return input.panic[m] > 0 && input.panic[m] > (1 + SURGE) * input.stable[m];
}

export default defineAutoscaler({
  apiVersion: 'knsim.dev/v1',
  description: `KPA decider, panicking on a ${SURGE * 100} % surge of the panic window over the stable window`,
  create() {
    let panicSince: number | undefined;
    return {
      decide(input) {
        const s = input.settings;
        const m = s.metric;
        const ready = input.readyPods;
        const stableWant = Math.ceil(input.stable[m] / s.target);
        const panicWant = Math.ceil(input.panic[m] / s.target);
        if (isSurge(input)) panicSince = input.nowSeconds;
        else if (panicSince !== undefined && input.nowSeconds - panicSince > s.stableWindowSeconds) panicSince = undefined;
        let desired = stableWant;
        if (panicSince !== undefined) desired = Math.max(stableWant, panicWant, input.previousDesiredScale, 0);
        // The KPA's rate limits (against the ready pods; with none, growth is free).
        const up = Math.ceil(s.maxScaleUpRate * Math.max(1, ready));
        const down = Math.floor(ready / s.maxScaleDownRate);
        desired = Math.min(desired, up);
        if (ready > 0) desired = Math.max(desired, down);
        return { desiredScale: desired, inPanic: panicSince !== undefined };
      },
      snapshot: () => ({ panicSince: panicSince ?? null }),
    };
  },
});
