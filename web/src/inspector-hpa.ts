/**
 * The decision inspector for a revision of the HPA class: its autoscaler.csv rows are the
 * Kubernetes HPA's syncs (every 15 s), not the KPA decider's ticks. The HPA has no stable or
 * panic window, no panic mode, no rate limits of the KPA's and no burst capacity, so none of
 * those formulas is shown: the utilization metrics-server reported, the HPA's target, their
 * ratio against its tolerance, and the replicas it settled on, as recorded.
 */
import { DEFAULT_HPA_CONTROLLER_CONFIG, withinTolerance } from '../../src/core/hpa/index.js';
import type { RevisionSettings } from '../../src/output/settings.js';
import type { DecisionRow } from './live.js';
import type { Step } from './inspector.js';

const f = (v: number, digits = 3): string => (Number.isFinite(v) ? String(Math.round(v * 10 ** digits) / 10 ** digits) : '–');

/** What the HPA's metric is, and its unit, as settings.json names the metric (cpu: % of the request; memory: MiB). */
function metricWords(metric: string): { observed: string; target: string; unit: string } {
  if (metric === 'cpu') return { observed: "average CPU utilization of the pods (metrics-server, % of their CPU requests)", target: 'HPA target (averageUtilization)', unit: ' %' };
  if (metric === 'memory') return { observed: 'average memory per pod (metrics-server)', target: 'HPA target (averageValue per pod)', unit: ' MiB' };
  return { observed: `average ${metric} per pod (custom metrics)`, target: 'HPA target (averageValue per pod)', unit: '' };
}

export function explainHpaDecision(row: DecisionRow, s: RevisionSettings): { steps: Step[]; panicWhy: string; sksWhy: string } {
  const { tolerance, downscaleStabilizationSeconds, syncPeriodSeconds } = DEFAULT_HPA_CONTROLLER_CONFIG;
  const words = metricWords(row.metric);
  const observed = row.observedStable;
  const steps: Step[] = [
    { label: `observed ${words.observed}`, formula: Number.isFinite(observed) ? `${f(observed)}${words.unit}` : 'none: metrics-server has reported no pod yet', value: observed },
    { label: words.target, formula: `${f(row.target)}${words.unit}`, value: row.target },
    { label: 'ready pods', formula: Number.isNaN(row.readyPods) ? 'unknown (pods could not be counted)' : String(row.readyPods), value: row.readyPods },
  ];
  if (!row.valid || !Number.isFinite(observed)) {
    steps.push({
      label: 'desired replicas (HPA)',
      formula: row.desired < 0 ? `the HPA has not synced yet (its first sync is ${syncPeriodSeconds} s after it is made): ${row.desired}` : `no usable metric: the HPA keeps the current replicas = ${row.desired}`,
      value: row.desired,
    });
  } else {
    const ratio = observed / row.target;
    // The HPA's own test: |ratio − 1| ≤ 0.1 would call 77 % of 70 % (1.1) outside, which the HPA keeps.
    const within = withinTolerance(ratio, tolerance);
    steps.push({
      label: 'usage ratio',
      // CPU utilization is recorded in whole percent, as GetResourceUtilizationRatio floors it before dividing by the target.
      formula: `${f(observed)} / ${f(row.target)} = ${f(ratio)}, ${within ? 'within' : 'outside'} the HPA's tolerance of ${tolerance} around 1`,
      value: ratio,
    });
    // The HPA takes the ratio over the pods it has metrics for, leaving out pods starting up or being deleted,
    // from utilization it has not rounded: with the recorded numbers this is its recommendation in the common case.
    const recommended = Number.isNaN(row.readyPods) ? Number.NaN : Math.ceil(ratio * row.readyPods);
    steps.push({
      label: 'recommendation (HPA)',
      formula: within
        ? 'keeps the current replicas (within the tolerance)'
        : `⌈${f(ratio)} × ${row.readyPods} ready⌉ ≈ ${f(recommended)} (over the pods with metrics, leaving out pods starting up or being deleted)`,
      value: within ? 'current' : recommended,
    });
    steps.push({
      label: 'desired replicas (HPA)',
      formula: `the recommendation stabilized (without autoscaling.knative.dev/window: down only to the highest of the last ${downscaleStabilizationSeconds} s, up at most to max(2 × current, 4) per sync; with it, that window both ways and the API's default policies) and bounded by min-scale ${s.minScale}, max-scale ${s.maxScale === 0 ? '∞' : s.maxScale} → ${row.desired}`,
      value: row.desired,
    });
  }
  steps.push({ label: 'PA scale (want)', formula: `the PA takes the HPA's desired replicas (the HPA class never scales to zero) → want ${row.want}`, value: row.want });
  const sksWhy = `The HPA class asks for Serve whatever the load (no burst capacity, numActivators 0). The SKS is ${row.sksMode}${row.sksMode === 'Serve' ? '' : ' (it routes through the activators while no pod is ready)'}.`;
  steps.push({ label: 'SKS mode', formula: sksWhy, value: row.sksMode });
  return { steps, panicWhy: 'none: the HPA class has no panic mode.', sksWhy };
}
