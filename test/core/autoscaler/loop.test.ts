import { describe, expect, it } from 'vitest';
import {
  AutoscalerClassRegistry,
  DecisionLoop,
  InvalidArgumentError,
  KPA_CLASS,
  defaultAutoscalerClasses,
  kpaClass,
  newPodAutoscalerState,
  parseAutoscalerConfig,
  resolveRevisionAutoscaling,
  type AutoscalerClass,
  type AutoscalerClassInstance,
  type ClassReconcileInput,
  type PodAutoscalerState,
  type PodStat,
  type RevisionAutoscaling,
} from '../../../src/core/autoscaler/index.js';

const kpa = (annotations: Record<string, string> = {}): RevisionAutoscaling =>
  resolveRevisionAutoscaling(parseAutoscalerConfig({}), { containerConcurrency: 0, annotations });
const stat = (t: number, c: number): PodStat => ({ timeSeconds: t, averageConcurrentRequests: c, requestCount: c });
const pods = (ready: number) => ({ ready, notReady: 0, pending: 0, terminating: 0 });

/**
 * A second class, HPA-like (SKS always Serve, never to zero), that scales to ceil(last
 * concurrency / 10) and asks for the requeues it is scripted with. It logs every call the
 * loop makes, so the tests see that the loop drives whatever class the registry names.
 */
function fakeClass(name: string, requeues: Array<number | undefined> = []) {
  const calls: string[] = [];
  const cls: AutoscalerClass = {
    name,
    create(spec, now): AutoscalerClassInstance {
      calls.push(`create ${now} existing=${String(spec.existingPods)}`);
      let pa: PodAutoscalerState = newPodAutoscalerState(now);
      let last = 0;
      let desired = 1;
      let reachable = true;
      return {
        scrapes: true,
        stableWindowSeconds: 60,
        get reachable() {
          return reachable;
        },
        get pa() {
          return pa;
        },
        sksProvisioned: true,
        record(s, source) {
          calls.push(`record ${source} ${s.averageConcurrentRequests}`);
          last = s.averageConcurrentRequests;
          return false;
        },
        evaluate(t, ready) {
          calls.push(`evaluate ${t} ${String(ready)}`);
          const want = Math.max(1, Math.ceil(last / 10));
          const notify = want !== desired;
          desired = want;
          return { valid: true, desiredPodCount: want, notify, observedStable: last, observedPanic: Number.NaN, desiredScale: want, excessBurstCapacity: 0, inPanic: false };
        },
        status: () => ({ desiredScale: desired, excessBurstCapacity: 0, inPanic: false }),
        reconcile(input: ClassReconcileInput) {
          calls.push(`reconcile ${input.nowSeconds} ready=${input.pods.ready} replicas=${input.deploymentReplicas}`);
          pa = { ...pa, desiredScale: desired, actualScale: input.pods.ready, scaleTargetInitialized: true };
          const apply = input.deploymentReplicas === desired ? undefined : desired;
          return { want: desired, applyReplicas: apply, sksMode: 'Serve', numActivators: 2, requeueAfterSeconds: requeues.shift(), asyncProbe: false, state: pa };
        },
        setReachable(r) {
          const changed = r !== reachable;
          reachable = r;
          return changed;
        },
        adoptPa(state) {
          pa = state;
        },
        scaleBounds: () => ({ min: 1, max: 0, scaleToZero: false }),
      };
    },
  };
  return { cls, calls };
}

const FAKE = 'fake.example.com';
const fakeLoop = (requeues: Array<number | undefined> = []) => {
  const f = fakeClass(FAKE, requeues);
  const loop = new DecisionLoop({ revision: 'r', autoscaling: { ...kpa(), class: FAKE }, nowSeconds: 0, classes: defaultAutoscalerClasses().register(f.cls) });
  return { loop, calls: f.calls };
};

describe('DecisionLoop requeues', () => {
  // Each step reconciles at `at` with the class asking for a requeue `after` seconds later;
  // the loop keeps only the earliest and says when a new earliest must be scheduled.
  it.each([
    {
      name: 'a later requeue does not replace an earlier pending one',
      steps: [
        { at: 10, after: 5, schedule: 15, pending: 15 },
        { at: 11, after: 10, schedule: undefined, pending: 15 },
      ],
      take: [
        { at: 14, taken: false, pending: 15 },
        { at: 15, taken: true, pending: Infinity },
      ],
    },
    {
      name: 'an earlier requeue supersedes, and the superseded one is not due when its time comes',
      steps: [
        { at: 10, after: 5, schedule: 15, pending: 15 },
        { at: 12, after: 1, schedule: 13, pending: 13 },
      ],
      take: [
        { at: 13, taken: true, pending: Infinity },
        { at: 15, taken: false, pending: Infinity },
      ],
    },
    {
      // 2^25 s: the clock's step there is 7.45e-9 s, so now + 1e-9 is now again.
      name: 'a delay too small for the clock to add still requeues at the next instant, not now',
      steps: [{ at: 2 ** 25, after: 1e-9, schedule: 2 ** 25 + 2 ** -27, pending: 2 ** 25 + 2 ** -27 }],
      take: [
        { at: 2 ** 25, taken: false, pending: 2 ** 25 + 2 ** -27 },
        { at: 2 ** 25 + 2 ** -27, taken: true, pending: Infinity },
      ],
    },
    {
      name: 'no requeue asked for: nothing pending',
      steps: [{ at: 10, after: undefined, schedule: undefined, pending: Infinity }],
      take: [{ at: 10, taken: false, pending: Infinity }],
    },
  ])('$name', ({ steps, take }) => {
    const { loop } = fakeLoop(steps.map((s) => s.after));
    for (const s of steps) {
      const r = loop.reconcile(s.at, { pods: pods(1), deploymentReplicas: 1 });
      expect(r.requeueAt, `reconcile at ${s.at}`).toBe(s.schedule);
      expect(loop.requeueAt).toBe(s.pending);
      expect(loop.reconcileDue(s.at)).toBe(false);
    }
    for (const t of take) {
      expect(loop.reconcileDue(t.at), `due at ${t.at}`).toBe(t.taken);
      expect(loop.takeRequeue(t.at), `take at ${t.at}`).toBe(t.taken);
      expect(loop.requeueAt).toBe(t.pending);
    }
  });

  it('follows the KPA to zero: a 3 s requeue, then one at the end of the 30 s grace period', () => {
    const loop = new DecisionLoop({ revision: 'r', autoscaling: kpa(), nowSeconds: 1000, existingPods: 2 });
    loop.recordScrape(stat(1001, 0));
    const d = loop.decide(1002, 1);
    expect(d.notify).toBe(true);
    const r = loop.reconcile(1002, { pods: pods(1), deploymentReplicas: 2 });
    expect([r.output.want, r.requeueAt]).toEqual([0, 1005]);
    expect(loop.takeRequeue(1005)).toBe(true);
    const z = loop.reconcile(1005, { pods: pods(1), deploymentReplicas: 2 });
    expect(loop.pa.active).toBe('Inactive');
    // The activator has been in the path since the loop started (1000): 30 s grace ends at 1030.
    expect(z.requeueAt).toBe(1030);
    expect(loop.takeRequeue(1030)).toBe(true);
    expect(loop.reconcile(1030, { pods: pods(1), deploymentReplicas: 2 }).applyReplicas).toBe(0);
  });
});

describe('DecisionLoop pending reconciles', () => {
  it.each([
    { name: 'the multiscaler notifies', act: (l: DecisionLoop) => void l.decide(2, 1), due: true },
    { name: 'the pods changed since the last reconcile', act: (l: DecisionLoop) => void l.observePods(2, pods(2)), due: true },
    { name: 'the pods did not change', act: (l: DecisionLoop) => void l.observePods(2, pods(1)), due: false },
    { name: 'a watched object changed', act: (l: DecisionLoop) => l.requestReconcile(), due: true },
    { name: 'the revision became unreachable', act: (l: DecisionLoop) => void l.setReachable(false), due: true },
    { name: 'reachability did not change', act: (l: DecisionLoop) => void l.setReachable(true), due: false },
    { name: 'a reconcile was asked for, then settled without a class step', act: (l: DecisionLoop) => (l.requestReconcile(), l.settle()), due: false },
  ])('$name: due=$due, and a reconcile clears it', ({ act, due }) => {
    const { loop } = fakeLoop();
    loop.reconcile(1, { pods: pods(1), deploymentReplicas: 1 });
    // A scrape that makes the fake class want 3 pods (30 / 10), so an evaluation notifies.
    loop.recordScrape(stat(1.5, 30));
    act(loop);
    expect(loop.reconcileDue(2)).toBe(due);
    loop.reconcile(2, { pods: pods(1), deploymentReplicas: 1 });
    expect(loop.reconcileDue(2)).toBe(false);
  });

  it('queues one event-driven run per instant', () => {
    const { loop } = fakeLoop();
    expect([loop.queueReconcile(5), loop.queueReconcile(5)]).toEqual([true, false]);
    expect(loop.reconcileDue(5)).toBe(true);
    loop.dequeueReconcile();
    expect(loop.queueReconcile(5)).toBe(true);
    expect(loop.queueReconcile(6)).toBe(true);
  });
});

describe('DecisionLoop decision records', () => {
  it('ticks on first + k × period and records the KPA decision with the PA after its reconcile', () => {
    // target 10 at 70 % utilization: 7 per pod; 35 concurrent → 5 pods, in panic (5 ≥ 2 × 2 ready).
    const loop = new DecisionLoop({ revision: 'hello-00001', autoscaling: kpa({ 'autoscaling.knative.dev/target': '10' }), nowSeconds: 100, existingPods: 2, firstTickSeconds: 100.5, staleAfterSeconds: 5 });
    expect(loop.nextTickSeconds).toBe(100.5);
    loop.recordScrape(stat(100, 35));
    loop.recordScrape(stat(101, 35));
    const d = loop.tick(100.5, 2);
    expect(loop.nextTickSeconds).toBe(102.5);
    expect(d.notify).toBe(true);
    const r = loop.reconcile(100.5, { pods: pods(2), deploymentReplicas: 2 });
    expect([r.applyReplicas, r.output.sksMode, r.output.numActivators]).toEqual([5, 'Proxy', 3]);
    expect(loop.record(d, loop.sksSpec)).toEqual({
      time: 100.5,
      revision: 'hello-00001',
      valid: true,
      readyPods: 2,
      observedStable: 35,
      observedPanic: 35,
      desired: 5,
      want: 5,
      inPanic: true,
      // 2 pods × 10 − TBC 211 − 35 in flight
      excessBurstCapacity: -226,
      sksMode: 'Proxy',
      activators: 3,
      poke: false,
    });
    // No good scrape for more than 5 s with pods ready: the tick holds and keeps the last decision.
    const held = loop.tick(108, 2);
    expect(held).toMatchObject({ hold: 'stale-metrics', evaluation: undefined, notify: false });
    expect(loop.record(held, { mode: 'Serve', activators: 2 })).toMatchObject({ valid: false, hold: 'stale-metrics', desired: 5, want: 5, inPanic: true, sksMode: 'Serve', activators: 2 });
    expect(Number.isNaN(loop.record(loop.decide(110, undefined), loop.sksSpec).readyPods)).toBe(true);
  });
});

describe('autoscaler classes', () => {
  it('the default registry has the KPA and the HPA class; an unknown class is refused with the known ones', () => {
    const reg = defaultAutoscalerClasses();
    expect(reg.names()).toEqual([KPA_CLASS, 'hpa.autoscaling.knative.dev']);
    expect(reg.get(KPA_CLASS)).toBe(kpaClass);
    // The HPA class needs its own resolved settings (resolveHpaRevisionAutoscaling).
    expect(() => new DecisionLoop({ revision: 'r', autoscaling: { ...kpa(), class: 'hpa.autoscaling.knative.dev' }, nowSeconds: 0 })).toThrow(InvalidArgumentError);
    expect(() => reg.get('my.autoscaler')).toThrow('autoscaling.class: unknown autoscaler class "my.autoscaler"; registered: "kpa.autoscaling.knative.dev", "hpa.autoscaling.knative.dev"');
    expect(() => reg.register(kpaClass)).toThrow(/already registered/);
    expect(() => new AutoscalerClassRegistry([{ name: '', create: kpaClass.create }])).toThrow(/non-empty/);
  });

  it('a second class registered in the registry is the one the loop drives', () => {
    const { loop, calls } = fakeLoop([7]);
    expect(loop.scaleBounds()).toEqual({ min: 1, max: 0, scaleToZero: false });
    loop.recordScrape(stat(1, 42));
    const d = loop.tick(2, 1);
    expect(d.evaluation).toMatchObject({ valid: true, desiredPodCount: 5, notify: true });
    const r = loop.reconcile(2, { pods: pods(1), deploymentReplicas: 1 });
    expect([r.applyReplicas, r.output.sksMode, r.requeueAt, loop.want]).toEqual([5, 'Serve', 9, 5]);
    expect(loop.record(d, loop.sksSpec)).toMatchObject({ desired: 5, want: 5, observedStable: 42, sksMode: 'Serve', activators: 2 });
    expect(calls).toEqual(['create 0 existing=undefined', 'record scrape 42', 'evaluate 2 1', 'reconcile 2 ready=1 replicas=1']);
    // The KPA of the same registry is untouched.
    expect(new DecisionLoop({ revision: 'k', autoscaling: kpa(), nowSeconds: 0 }).scaleBounds()).toEqual({ min: 0, max: 0, scaleToZero: true });
  });
});

describe('DecisionLoop: a new revision once its SKS reports its private service', () => {
  const MIN = 'autoscaling.knative.dev/min-scale';
  const INITIAL = 'autoscaling.knative.dev/initial-scale';
  const zeroAllowed = { 'allow-zero-initial-scale': 'true' };
  // Created at t = 10 with no pods and the Deployment at initial-scale replicas. The first
  // reconcile only creates the SKS; the loop's model of it then names the private service,
  // which reconciles the PA again at once with nothing else changed.
  // 0 ready pods: ceil(TBC 211 / activator capacity 100) = 3 activators. The spec mode is
  // Serve only when want > 0 and the initial EBC, initial-scale × 100 − 211, is ≥ 0.
  it.each([
    { name: 'defaults: nothing to apply, Activating, activation timeout (600 + 30 s) requeued', ann: {}, cfg: {}, replicas: 1, want: -1, apply: undefined, requeueAt: 10 + 630, active: 'Activating', initialized: false, mode: 'Proxy' },
    { name: 'min-scale 4: all four pods at creation', ann: { [MIN]: '4' }, cfg: {}, replicas: 1, want: 4, apply: 4, requeueAt: undefined, active: 'Activating', initialized: false, mode: 'Proxy' },
    { name: 'initial-scale 3: the floor is already the Deployment', ann: { [INITIAL]: '3' }, cfg: {}, replicas: 3, want: 3, apply: undefined, requeueAt: undefined, active: 'Activating', initialized: false, mode: 'Serve' },
    // minReady 0: Inactive (NoTraffic) since the first reconcile, so −1 passes the scaler untouched.
    { name: 'initial-scale 0: initialized at zero, Inactive', ann: { [INITIAL]: '0' }, cfg: zeroAllowed, replicas: 0, want: -1, apply: undefined, requeueAt: undefined, active: 'Inactive', initialized: true, mode: 'Proxy' },
    { name: 'initial-scale 0 with min-scale 2: min wins', ann: { [INITIAL]: '0', [MIN]: '2' }, cfg: zeroAllowed, replicas: 0, want: 2, apply: 2, requeueAt: undefined, active: 'Activating', initialized: false, mode: 'Proxy' },
  ])('$name', ({ ann, cfg, replicas, want, apply, requeueAt, active, initialized, mode }) => {
    const autoscaling = resolveRevisionAutoscaling(parseAutoscalerConfig(cfg), { containerConcurrency: 0, annotations: ann });
    const loop = new DecisionLoop({ revision: 'r', autoscaling, nowSeconds: 10 });
    expect(loop.sksProvisioned).toBe(false);
    const first = loop.reconcile(10, { pods: pods(0), deploymentReplicas: replicas });
    expect([first.output.want, first.applyReplicas, first.requeueAt, first.sksProvisioned]).toEqual([-1, undefined, undefined, true]);
    expect([loop.pa.scaleTargetInitialized, loop.reconcileDue(10)]).toEqual([false, true]);
    const second = loop.reconcile(10, { pods: pods(0), deploymentReplicas: replicas });
    expect([second.output.want, second.applyReplicas, second.requeueAt, second.sksProvisioned]).toEqual([want, apply, requeueAt, false]);
    expect([loop.pa.active, loop.pa.scaleTargetInitialized, loop.pa.lastTransitionSeconds]).toEqual([active, initialized, 10]);
    expect([second.output.sksMode, second.output.numActivators]).toEqual([mode, 3]);
    expect(loop.reconcileDue(10)).toBe(false);
  });

  it('initial-scale 0: the first stat after Ready scales it from zero at the next tick', () => {
    const autoscaling = resolveRevisionAutoscaling(parseAutoscalerConfig(zeroAllowed), { containerConcurrency: 0, annotations: { [INITIAL]: '0' } });
    const loop = new DecisionLoop({ revision: 'r', autoscaling, nowSeconds: 10 });
    loop.reconcile(10, { pods: pods(0), deploymentReplicas: 0 });
    loop.reconcile(10, { pods: pods(0), deploymentReplicas: 0 });
    // No data: the ticks are invalid and the PA stays Inactive at zero.
    expect(loop.tick(12, 0)).toMatchObject({ notify: false, evaluation: { valid: false } });
    // DesiredScale is still −1, not 0, so an activator stat does not poke.
    expect(loop.recordPushed(stat(13, 1))).toBe(false);
    expect(loop.tick(14, 0)).toMatchObject({ notify: true, evaluation: { valid: true, desiredPodCount: 1 } });
    const r = loop.reconcile(14, { pods: pods(0), deploymentReplicas: 0 });
    expect([r.output.want, r.applyReplicas, loop.pa.active]).toEqual([1, 1, 'Activating']);
  });

  it('a caller that reads the real SKS is not told to reconcile again: its watch sees the status', () => {
    const autoscaling = resolveRevisionAutoscaling(parseAutoscalerConfig({}), { containerConcurrency: 0, annotations: { [MIN]: '4' } });
    const loop = new DecisionLoop({ revision: 'r', autoscaling, nowSeconds: 10 });
    const sks = (provisioned: boolean) => ({ specMode: 'Proxy' as const, activatorEndpointsPopulatedSinceSeconds: 10, activatorInPath: true, provisioned });
    const unprovisioned = loop.reconcile(10, { pods: pods(0), deploymentReplicas: 1, sks: sks(false) });
    expect([unprovisioned.output.want, unprovisioned.sksProvisioned, loop.reconcileDue(10)]).toEqual([-1, false, false]);
    const named = loop.reconcile(11, { pods: pods(0), deploymentReplicas: 1, sks: sks(true) });
    expect([named.output.want, named.applyReplicas, named.sksProvisioned]).toEqual([4, 4, false]);
  });
});
