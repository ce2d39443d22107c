import { describe, expect, it } from 'vitest';
import {
  AutoscalerPipeline,
  DecisionLoop,
  InvalidArgumentError,
  parseAutoscalerConfig,
  resolveRevisionAutoscaling,
  type PodAutoscalerState,
  type PodStat,
  type RevisionAutoscaling,
} from '../../../src/core/autoscaler/index.js';

const kpa = (annotations: Record<string, string> = {}, cc = 0): RevisionAutoscaling =>
  resolveRevisionAutoscaling(parseAutoscalerConfig({}), { containerConcurrency: cc, annotations });
const stat = (t: number, c: number): PodStat => ({ timeSeconds: t, averageConcurrentRequests: c, requestCount: c });
const pods = (ready: number) => ({ ready, notReady: 0, pending: 0, terminating: 0 });

/** The PA as a long-running revision left it: Active since 1000 s ago with its scale initialized. */
const active = (scale: number): PodAutoscalerState => ({ active: 'Active', reason: '', lastTransitionSeconds: 0, scaleTargetInitialized: true, desiredScale: scale, actualScale: scale });
const inactive: PodAutoscalerState = { active: 'Inactive', reason: 'NoTraffic', lastTransitionSeconds: 0, scaleTargetInitialized: true, desiredScale: 0, actualScale: 0 };

/** A loop restarted at 1000 s with `ready` pods behind a PA in `pa`, reconciled once as the resync does. */
function restarted(a: RevisionAutoscaling, pa: PodAutoscalerState, ready: number) {
  const loop = new DecisionLoop({ revision: 'r', autoscaling: a, nowSeconds: 1000, restart: { pa, readyPods: ready, sksMode: 'Serve' } });
  const first = loop.reconcile(1000, { pods: pods(ready), deploymentReplicas: ready, sks: { specMode: 'Serve', activatorEndpointsPopulatedSinceSeconds: undefined, activatorInPath: false } });
  return { loop, first };
}

describe('a decision loop after the autoscaler restarted', () => {
  it.each([
    // ready pods, whether the new decider starts in panic (upstream: more than one ready)
    [0, false],
    [1, false],
    [2, true],
    [12, true],
  ])('with %i ready pods starts in panic: %s, DesiredScale −1, the PA status as stored', (ready, panic) => {
    const { loop } = restarted(kpa(), ready === 0 ? inactive : active(ready), ready);
    const d = loop.tick(1002, ready);
    // No metrics yet at the first tick: invalid, so the status stays as a new decider's.
    expect(d.evaluation?.valid).toBe(false);
    const rec = loop.record(d, { mode: 'Proxy', activators: 2 });
    expect(rec.inPanic).toBe(panic);
    expect(rec.desired).toBe(-1);
    expect(loop.pa.scaleTargetInitialized).toBe(true);
    expect(loop.takenOver).toBe(false);
    expect(loop.nextTickSeconds).toBe(1004);
  });

  it('writes no replicas and puts the SKS in Proxy until the first valid evaluation (want −1, kpa.go), then Serve again', () => {
    // Target burst capacity 0: a running revision is in Serve; the restart's resync moves it to Proxy.
    const { loop, first } = restarted(kpa({ 'autoscaling.knative.dev/target-burst-capacity': '0' }), active(4), 4);
    expect(first.applyReplicas).toBeUndefined();
    expect(first.output.sksMode).toBe('Proxy');
    expect(first.output.want).toBe(-1);
    // The PA stays Active with its transition time: a restart does not reset the scale-to-zero clocks.
    expect(loop.pa).toMatchObject({ active: 'Active', lastTransitionSeconds: 0 });
    loop.recordScrape(stat(1001, 200));
    const d = loop.tick(1002, 4);
    expect(d.evaluation?.valid).toBe(true);
    // In panic with 4 pods held, 200 concurrent at 70 per pod: 3 pods, but never fewer than the 4 held.
    expect(d.evaluation?.desiredPodCount).toBe(4);
    expect(d.notify).toBe(true);
    const after = loop.reconcile(1002, { pods: pods(4), deploymentReplicas: 4, sks: { specMode: 'Proxy', activatorEndpointsPopulatedSinceSeconds: 1000, activatorInPath: true } });
    expect(after.output.want).toBe(4);
    expect(after.output.sksMode).toBe('Serve');
  });

  it('keeps a revision at zero in Proxy (want −1 with the PA Inactive), and a pushed stat does not poke it before the first tick', () => {
    const { loop, first } = restarted(kpa(), inactive, 0);
    expect(first.output.sksMode).toBe('Proxy');
    expect(first.applyReplicas).toBeUndefined();
    // Upstream pokes only a decider at DesiredScale 0; a new one is at −1.
    expect(loop.recordPushed(stat(1001, 3))).toBe(false);
    const d = loop.tick(1002, 0);
    expect(d.evaluation?.desiredPodCount).toBe(1);
    const up = loop.reconcile(1002, { pods: pods(0), deploymentReplicas: 0 });
    expect(up.applyReplicas).toBe(1);
  });

  it('starts the metric windows empty: the first evaluations average only the seconds since the restart', () => {
    const { loop } = restarted(kpa(), active(2), 2);
    loop.recordScrape(stat(1001, 7));
    const d = loop.tick(1002, 2);
    expect(d.evaluation?.observedStable).toBe(7);
    expect(d.evaluation?.observedPanic).toBe(7);
  });

  it('refuses a pipeline given both existing pods and a restart', () => {
    expect(() => new AutoscalerPipeline({ autoscaling: kpa(), nowSeconds: 0, existingPods: 2, restart: { pa: active(2), readyPods: 2 } })).toThrow(InvalidArgumentError);
  });
});
