/**
 * The user-class interface `knsim.dev/v1` (a published contract: this file pins its
 * names and shapes) and its adapter on the class seam: what `decide` sees, what it may
 * return, and how a broken rule is reported.
 */
import { describe, expect, it } from 'vitest';
import {
  AUTOSCALER_API_VERSION,
  DecisionLoop,
  UserCallStopped,
  defaultAutoscalerConfig,
  defineAutoscaler,
  definitionProblem,
  resolveRevisionAutoscaling,
  userAutoscalerClass,
  type AutoscalerClassRegistry,
  type AutoscalerDecision,
  type AutoscalerDefinition,
  type AutoscalerInput,
  type AutoscalerSettings,
  type MetricSample,
  type UserClassFault,
} from '../../../src/core/autoscaler/index.js';
import { defaultAutoscalerClasses } from '../../../src/core/autoscaler/index.js';

const NAME = 'tiny.example.com';

/** A revision resolved as the KPA's (containerConcurrency 10: target 7), then named for the user class. */
const autoscaling = { ...resolveRevisionAutoscaling(defaultAutoscalerConfig, { containerConcurrency: 10 }), class: NAME };

class Fault extends Error {
  constructor(readonly fault: UserClassFault) {
    super(fault.rule);
  }
}

function registry(def: unknown, invoke?: (fn: (...a: unknown[]) => unknown, self: unknown, args: unknown[]) => unknown): AutoscalerClassRegistry {
  const cls = userAutoscalerClass({
    name: NAME,
    load: () => ({ definition: def, invoke }),
    fail: (f) => {
      throw new Fault(f);
    },
  });
  return defaultAutoscalerClasses().register(cls);
}

function loop(def: unknown, invoke?: Parameters<typeof registry>[1]): DecisionLoop {
  return new DecisionLoop({ revision: 'r-00001', autoscaling, nowSeconds: 0, classes: registry(def, invoke) });
}

/** A class that records its inputs and answers `answer(input)`. */
function recording(answer: (i: AutoscalerInput) => unknown): { def: AutoscalerDefinition; inputs: AutoscalerInput[] } {
  const inputs: AutoscalerInput[] = [];
  const def = defineAutoscaler({
    apiVersion: 'knsim.dev/v1',
    create: () => ({
      decide: (i: AutoscalerInput) => {
        inputs.push(i);
        return answer(i) as AutoscalerDecision;
      },
    }),
  });
  return { def, inputs };
}

describe('the knsim.dev/v1 contract', () => {
  it('is version knsim.dev/v1 with these field names', () => {
    expect(AUTOSCALER_API_VERSION).toBe('knsim.dev/v1');
    // Compile-time pins: every field of the contract, with its type. A rename fails the typecheck.
    const settings: AutoscalerSettings = {
      metric: 'concurrency', target: 7, totalValue: 10, targetBurstCapacity: 211, stableWindowSeconds: 60, panicWindowSeconds: 6,
      panicThreshold: 2, maxScaleUpRate: 1000, maxScaleDownRate: 2, scaleDownDelaySeconds: 0, minScale: 0, maxScale: 0,
      initialScale: 1, activationScale: 0, enableScaleToZero: true, scaleToZeroGracePeriodSeconds: 30, containerConcurrency: 10, reachable: true,
    };
    const sample: MetricSample = { timeSeconds: 1, concurrency: 2, rps: 10, cpuMillicores: 250 };
    const input: AutoscalerInput = {
      nowSeconds: 2, readyPods: 1, stable: { concurrency: 2, rps: 10 }, panic: { concurrency: 2, rps: 10 }, history: [sample], settings,
      previousDesiredScale: -1, poke: false,
    };
    const decision: AutoscalerDecision = { desiredScale: 1, sksMode: 'Serve', inPanic: false, minScale: 0, maxScale: 3, scaleToZero: true };
    expect(Object.keys(input).sort()).toEqual(['history', 'nowSeconds', 'panic', 'poke', 'previousDesiredScale', 'readyPods', 'settings', 'stable']);
    expect(Object.keys(decision)).toHaveLength(6);
  });

  it('gives decide exactly the settings keys the contract names', () => {
    const { def, inputs } = recording(() => ({ desiredScale: 1 }));
    const l = loop(def);
    l.recordScrape({ timeSeconds: 0.5, averageConcurrentRequests: 3.5, requestCount: 20 });
    l.tick(2, 1);
    expect(Object.keys(inputs[0]!.settings).sort()).toEqual([
      'activationScale', 'containerConcurrency', 'enableScaleToZero', 'initialScale', 'maxScale', 'maxScaleDownRate', 'maxScaleUpRate',
      'metric', 'minScale', 'panicThreshold', 'panicWindowSeconds', 'reachable', 'scaleDownDelaySeconds', 'scaleToZeroGracePeriodSeconds',
      'stableWindowSeconds', 'target', 'targetBurstCapacity', 'totalValue',
    ]);
    expect(inputs[0]!.settings).toMatchObject({ metric: 'concurrency', target: 7, totalValue: 10, stableWindowSeconds: 60, panicWindowSeconds: 6 });
  });

  const defs: Array<{ name: string; def: unknown; rule: RegExp | undefined }> = [
    { name: 'a good one', def: { apiVersion: 'knsim.dev/v1', create: () => ({}) }, rule: undefined },
    { name: 'not an object', def: 42, rule: /must default-export defineAutoscaler.*got number/ },
    { name: 'no apiVersion', def: { create: () => ({}) }, rule: /apiVersion must be "knsim\.dev\/v1" \(got none\)/ },
    { name: 'a future apiVersion', def: { apiVersion: 'knsim.dev/v2', create: () => ({}) }, rule: /apiVersion must be "knsim\.dev\/v1" \(got "knsim\.dev\/v2"\)/ },
    { name: 'no create', def: { apiVersion: 'knsim.dev/v1' }, rule: /create must be a function/ },
    { name: 'a zero tick', def: { apiVersion: 'knsim.dev/v1', create: () => ({}), tickSeconds: 0 }, rule: /tickSeconds must be a number > 0 \(got 0\)/ },
    { name: 'a Proxy that throws on every read', def: new Proxy({}, { get: () => { throw new Error('proxy'); } }), rule: /^reading the module's default export threw: proxy$/ },
  ];
  it.each(defs)('definition check: $name', ({ def, rule }) => {
    const p = definitionProblem(def);
    if (rule === undefined) expect(p).toBeUndefined();
    else expect(p).toMatch(rule);
  });
});

describe('the adapter', () => {
  it('feeds decide the KPA window averages and per-second history, with the time injected', () => {
    const { def, inputs } = recording((i) => ({ desiredScale: Math.ceil(i.stable.concurrency / i.settings.target) }));
    const l = loop(def);
    // Scraped revision totals: 14 concurrent for 4 s (two stats in second 1 add up, as in the KPA's buckets).
    l.recordScrape({ timeSeconds: 0.5, averageConcurrentRequests: 14, requestCount: 40 });
    l.recordScrape({ timeSeconds: 1.2, averageConcurrentRequests: 10, requestCount: 30 });
    l.recordPushed({ timeSeconds: 1, averageConcurrentRequests: 4, requestCount: 10 });
    l.recordScrape({ timeSeconds: 2.5, averageConcurrentRequests: 14, requestCount: 40 });
    l.recordScrape({ timeSeconds: 3.5, averageConcurrentRequests: 14, requestCount: 40 });
    const d = l.tick(4, 2);
    const i = inputs[0]!;
    expect(i.nowSeconds).toBe(4);
    expect(i.readyPods).toBe(2);
    expect(i.history.map((s) => [s.timeSeconds, s.concurrency, s.rps])).toEqual([[0, 14, 40], [1, 14, 40], [2, 14, 40], [3, 14, 40]]);
    expect(i.stable).toEqual({ concurrency: 14, rps: 40 });
    expect(i.previousDesiredScale).toBe(-1);
    expect(i.poke).toBe(false);
    // 14 / 7 = 2 pods, valid, and the first decision notifies the PA.
    expect(d.evaluation).toMatchObject({ valid: true, desiredPodCount: 2, notify: true, observedStable: 14 });
  });

  it('does not call decide without data in the stable window (as the KPA decides nothing)', () => {
    const { def, inputs } = recording(() => ({ desiredScale: 5 }));
    const d = loop(def).tick(2, 0);
    expect(inputs).toHaveLength(0);
    expect(d.evaluation?.valid).toBe(false);
  });

  it('applies the decision bounds and SKS mode, and the KPA reconciler scales', () => {
    const answers: AutoscalerDecision[] = [
      { desiredScale: 2.2, sksMode: 'Serve' },
      { desiredScale: 9, maxScale: 4 },
      { desiredScale: 0, scaleToZero: false, sksMode: 'Proxy' },
      { desiredScale: 0, minScale: 2 },
    ];
    let k = 0;
    const { def } = recording(() => answers[k++]);
    const l = loop(def);
    const got: Array<[number, string]> = [];
    // The first reconcile creates the SKS; from the next one on the PA scales.
    l.reconcile(0, { pods: { ready: 3 }, deploymentReplicas: 3 });
    for (let t = 1; t <= 4; t++) {
      l.recordScrape({ timeSeconds: t - 0.5, averageConcurrentRequests: 7, requestCount: 10 });
      const d = l.tick(2 * t, 3);
      const r = l.reconcile(2 * t, { pods: { ready: 3 }, deploymentReplicas: 3 });
      got.push([d.evaluation!.desiredPodCount, r.output.sksMode]);
    }
    // 2.2 rounds up to 3; maxScale caps 9 at 4; scaleToZero false keeps 1; minScale 2 lifts 0.
    expect(got).toEqual([[3, 'Serve'], [4, 'Proxy'], [1, 'Proxy'], [2, 'Proxy']]);
  });

  it("keeps the activator in the path when target-burst-capacity is -1, whatever sksMode says (the KPA then scrapes no pod)", () => {
    const tbcMinus1 = { ...resolveRevisionAutoscaling(defaultAutoscalerConfig, { containerConcurrency: 10, annotations: { 'autoscaling.knative.dev/target-burst-capacity': '-1' } }), class: NAME };
    const run = (a: typeof autoscaling): Array<[number, number, string]> => {
      const { def } = recording(() => ({ desiredScale: 3, sksMode: 'Serve' }));
      const l = new DecisionLoop({ revision: 'r-00001', autoscaling: a, nowSeconds: 0, classes: registry(def) });
      l.reconcile(0, { pods: { ready: 3 }, deploymentReplicas: 3 });
      l.recordPushed({ timeSeconds: 0.5, averageConcurrentRequests: 7, requestCount: 10 });
      const d = l.tick(2, 3);
      const r = l.reconcile(2, { pods: { ready: 3 }, deploymentReplicas: 3 });
      return [[d.evaluation!.desiredPodCount, d.evaluation!.excessBurstCapacity, r.output.sksMode]];
    };
    expect(tbcMinus1.deciderSpec.targetBurstCapacity).toBe(-1);
    expect(run(tbcMinus1)).toEqual([[3, -1, 'Proxy']]);
    // With the default TBC (211) the class's Serve is taken: EBC 3 × 10 − 211 − 7 < 0 is lifted to 0.
    expect(run(autoscaling)).toEqual([[3, 0, 'Serve']]);
  });

  it('pokes on an activator stat at scale zero and tells decide it is a poke', () => {
    const { def, inputs } = recording(() => ({ desiredScale: 0 }));
    const l = loop(def);
    l.recordScrape({ timeSeconds: 0.5, averageConcurrentRequests: 0, requestCount: 0 });
    l.tick(2, 0);
    expect(l.recordPushed({ timeSeconds: 3, averageConcurrentRequests: 1, requestCount: 1 })).toBe(true);
    l.decide(3, 0, true);
    expect(inputs.map((i) => i.poke)).toEqual([false, true]);
  });

  it('evaluates on the class tick period', () => {
    const def = { ...recording(() => ({ desiredScale: 1 })).def, tickSeconds: 5 };
    const l = loop(def);
    expect(l.nextTickSeconds).toBe(5);
    l.tick(5, 0);
    expect(l.nextTickSeconds).toBe(10);
  });

  const bad: Array<{ name: string; answer: () => unknown; rule: string }> = [
    { name: 'NaN', answer: () => ({ desiredScale: Number.NaN }), rule: 'decide returned desiredScale NaN: must be a finite number ≥ 0' },
    { name: 'a negative scale', answer: () => ({ desiredScale: -1 }), rule: 'decide returned desiredScale -1: must be a finite number ≥ 0' },
    { name: 'Infinity', answer: () => ({ desiredScale: Number.POSITIVE_INFINITY }), rule: 'decide returned desiredScale Infinity: must be a finite number ≥ 0' },
    { name: 'a string scale', answer: () => ({ desiredScale: '3' }), rule: 'decide returned desiredScale "3": must be a finite number ≥ 0' },
    { name: 'no object', answer: () => 3, rule: 'decide must return { desiredScale, ... } (got number)' },
    { name: 'a Promise', answer: () => Promise.resolve({ desiredScale: 1 }), rule: 'decide must return synchronously (it returned a Promise)' },
    { name: 'a bad SKS mode', answer: () => ({ desiredScale: 1, sksMode: 'proxy' }), rule: 'decide returned sksMode "proxy": must be "Serve" or "Proxy"' },
    { name: 'a fractional maxScale', answer: () => ({ desiredScale: 1, maxScale: 1.5 }), rule: 'decide returned maxScale 1.5: must be a whole number ≥ 1' },
    { name: 'a throw', answer: () => { throw new TypeError('x is undefined'); }, rule: 'decide threw: TypeError: x is undefined' },
    // Control characters would rewrite the terminal line (a lone CR, an ANSI escape): shown escaped.
    { name: 'a throw with control characters', answer: () => { throw new Error('bo\u0000om\rOK\u001b[2K\u0007 done\nsecond line'); }, rule: 'decide threw: bo\\u0000om\\u000dOK\\u001b[2K\\u0007 done' },
    // What a module throws or returns may itself throw when read: still the module's fault, one line.
    { name: 'a thrown object whose toString throws', answer: () => { throw { toString: () => { throw new Error('again'); } }; }, rule: 'decide threw: a value that throws when read' },
    { name: 'a desiredScale getter that throws', answer: () => ({ get desiredScale(): number { throw new Error('gotcha'); } }), rule: 'reading what decide returned threw: gotcha' },
    { name: 'a Proxy that throws on every read', answer: () => new Proxy({}, { get: () => { throw new RangeError('nope'); } }), rule: 'reading what decide returned threw: RangeError: nope' },
  ];
  it.each(bad)('reports $name with the class, revision, time and rule', ({ answer, rule }) => {
    const { def } = recording(answer);
    const l = loop(def);
    l.recordScrape({ timeSeconds: 61.5, averageConcurrentRequests: 7, requestCount: 10 });
    let fault: UserClassFault | undefined;
    try {
      l.tick(62, 1);
    } catch (e) {
      fault = (e as Fault).fault;
    }
    expect(fault).toEqual({ className: NAME, revision: 'r-00001', atSeconds: 62, call: 'decide', rule });
  });

  it('reports a call the invoker stopped (the loader time budget) with its message', () => {
    const { def } = recording(() => ({ desiredScale: 1 }));
    let calls = 0;
    const l = loop(def, (fn, self, args) => {
      // reading the definition and create pass; decide is stopped.
      if (calls++ > 1) throw new UserCallStopped('did not return within 50 ms (the per-call time budget)');
      return fn.apply(self, args);
    });
    l.recordScrape({ timeSeconds: 1, averageConcurrentRequests: 7, requestCount: 10 });
    expect(() => l.tick(2, 1)).toThrow('decide: did not return within 50 ms (the per-call time budget)');
  });

  it('reports a create that returns no decide', () => {
    expect(() => loop({ apiVersion: 'knsim.dev/v1', create: () => ({}) })).toThrow('create must return an object with a decide(input) method');
  });

  it("includes the instance's own snapshot in the class snapshot", () => {
    const def = defineAutoscaler({ apiVersion: 'knsim.dev/v1', create: () => ({ decide: () => ({ desiredScale: 1 }), snapshot: () => ({ seen: 3 }) }) });
    expect(loop(def).snapshot()).toMatchObject({ user: { seen: 3 }, status: { desiredScale: -1 } });
  });
});
