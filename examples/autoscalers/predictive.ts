/**
 * A predictive autoscaler: fits a straight line to the per-second load over the stable
 * window and provisions for the load `LEAD_SECONDS` ahead — a pod's start-up time — so
 * pods are ready when a steady ramp gets there, instead of a stable window (≈ 30 s of
 * ramp) behind it as the KPA is. It never asks for fewer pods than the KPA's stable
 * rule would (the larger of the window average and the forecast), so a falling trend
 * scales down as the KPA does, and the KPA's reconciler still owns scale-to-zero.
 *
 * Use: `autoscalerClasses: [{ name: predictive.example.com, module: ./predictive.ts }]`
 * and the annotation `autoscaling.knative.dev/class: predictive.example.com`.
 */
import { defineAutoscaler, type MetricSample } from '../../src/core/autoscaler/user-api.js';

/** How far ahead the forecast looks, seconds: about a cold start (scheduling, pull, start, readiness). */
export const LEAD_SECONDS = 15;

/** Least-squares line through (t, v); slope 0 when fewer than two distinct times. */
export function linearFit(points: ReadonlyArray<{ t: number; v: number }>): { intercept: number; slope: number } {
  const n = points.length;
  if (n === 0) return { intercept: 0, slope: 0 };
  let st = 0;
  let sv = 0;
  for (const p of points) {
    st += p.t;
    sv += p.v;
  }
  const mt = st / n;
  const mv = sv / n;
  let stt = 0;
  let stv = 0;
  for (const p of points) {
    stt += (p.t - mt) ** 2;
    stv += (p.t - mt) * (p.v - mv);
  }
  const slope = stt === 0 ? 0 : stv / stt;
  return { intercept: mv - slope * mt, slope };
}

/** The metric `leadSeconds` after `nowSeconds` on the trend of `history` (never below 0). */
export function forecast(history: readonly MetricSample[], metric: 'concurrency' | 'rps', nowSeconds: number, leadSeconds: number): number {
  const fit = linearFit(history.map((s) => ({ t: s.timeSeconds, v: s[metric] })));
  return Math.max(0, fit.intercept + fit.slope * (nowSeconds + leadSeconds));
}

export default defineAutoscaler({
  apiVersion: 'knsim.dev/v1',
  description: `linear trend over the stable window, provisioned ${LEAD_SECONDS} s ahead`,
  create() {
    return {
      decide(input) {
        const s = input.settings;
        const metric = s.metric;
        const average = input.stable[metric];
        const ahead = forecast(input.history, metric, input.nowSeconds, LEAD_SECONDS);
        const desired = Math.ceil(Math.max(average, ahead) / s.target);
        // The KPA's rate limit on growth (1000× by default): zero ready pods still allow growth.
        const cap = Math.ceil(s.maxScaleUpRate * Math.max(1, input.readyPods));
        return { desiredScale: Math.min(desired, cap), inPanic: ahead > average * 1.5 && ahead > 0 };
      },
    };
  },
});
