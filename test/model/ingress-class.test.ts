/**
 * config-network ingress-class: Istio's gateway picks a revision's endpoint by least request (the
 * fewer of two random endpoints' requests in flight from the gateway), the other ingresses round
 * robin. In Serve mode the endpoints are the ready pods, in Proxy mode the revision's activators.
 */
import { describe, expect, it } from 'vitest';
import type { ClientSpec } from '../../src/model/spec.js';
import { constant, revision, run, service, world } from './world-fixture.js';

const ISTIO = 'istio.ingress.networking.knative.dev';

/** `pods` pods pinned by min- and max-scale, Poisson load at `rps` until `end`, constant service times; `ingressClass` in config-network. */
function pinned(o: { pods: number; cc: number; seconds: number; tbc: string; rps: number; end: number; activators?: number }, ingressClass: string | undefined) {
  const n = String(o.pods);
  const rev = revision({
    cc: o.cc,
    initialPods: o.pods,
    serviceTime: constant(o.seconds),
    annotations: { 'autoscaling.knative.dev/min-scale': n, 'autoscaling.knative.dev/max-scale': n, 'autoscaling.knative.dev/target-burst-capacity': o.tbc },
  });
  const load = { kind: 'open', name: 'load', service: 'hello', process: 'poisson', rate: { shape: 'constant', rps: o.rps }, startSeconds: 0, endSeconds: o.end } as ClientSpec;
  const spec = world([service('hello', [rev])], [load], { duration: o.end + 20, ...(o.activators === undefined ? {} : { activators: o.activators }) });
  spec.cluster = { ...spec.cluster, ...(ingressClass === undefined ? {} : { ingressClass }) };
  return run(spec);
}

/** Four pods, CC 1, 1 s requests at 2 rps; target-burst-capacity 0 keeps the activators out of the path (Serve). */
const serve = (ingressClass: string | undefined) => pinned({ pods: 4, cc: 1, seconds: 1, tbc: '0', rps: 2, end: 300 }, ingressClass);

describe('the ingress in Serve mode', () => {
  const rr = serve(undefined);
  const kourier = serve('kourier.ingress.networking.knative.dev');
  const istio = serve(ISTIO);
  const queued = (r: typeof rr) => r.rec.requests.filter((q) => q.route === 'direct' && q.status === 200 && q.serviceStart > q.podIn);

  it('round robin without a class and with Kourier: the same requests reach the same pods', () => {
    expect(rr.rec.requests.every((q) => q.route === 'direct')).toBe(true);
    expect(kourier.rec.requests.map((q) => q.pod?.name)).toEqual(rr.rec.requests.map((q) => q.pod?.name));
    // Round robin sends each pod every 4th request, busy or not: it waits when the pod's previous one (about 2 s earlier) is still running.
    const sent = rr.rec.requests.map((q) => q.pod!.name);
    expect(sent.slice(0, 8)).toEqual(sent.slice(4, 12));
  });

  it('Istio: least request sends a request to a busy pod exactly when both draws (with replacement) are busy pods', () => {
    const reqs = istio.rec.requests;
    expect(reqs.every((q) => q.status === 200 && q.route === 'direct')).toBe(true);
    // Busy pods when each request came: (busy/4)² is the chance that both uniform draws are busy ones.
    let expected = 0;
    let variance = 0;
    for (const q of reqs) {
      const busy = new Set(reqs.filter((o) => o !== q && o.podIn <= q.podIn && o.end > q.podIn).map((o) => o.pod)).size;
      const p = (busy / 4) ** 2;
      expected += p;
      variance += p * (1 - p);
    }
    const observed = queued(istio).length;
    expect(Math.abs(observed - expected)).toBeLessThan(3 * Math.sqrt(variance));
    // Round robin, with these constant 1 s requests, sends a pod its next request about 2 s after the last: fewer wait.
    expect(queued(rr).length).toBeGreaterThan(40);
    expect(queued(rr).length).toBeLessThan(observed / 2);
  });

  it('Istio: the gateway counts its requests in flight per pod, back to 0 once all are answered', () => {
    const w = istio.world;
    const pods = w.services.get('hello')!.revisions[0]!.readyPods.toArray();
    expect(pods).toHaveLength(4);
    for (const p of pods) expect(p.directInFlight).toBe(0);
    // Without least request nothing is counted.
    for (const p of rr.world.services.get('hello')!.revisions[0]!.readyPods.toArray()) expect(p.directInFlight).toBe(0);
  });
});

describe('the ingress in Proxy mode', () => {
  /** Two pods, CC 10, 0.5 s requests at 20 rps, the activators always in the path (TBC −1), three in the cluster (the revision's subset takes two). */
  const proxy = (ingressClass: string | undefined) => pinned({ pods: 2, cc: 10, seconds: 0.5, tbc: '-1', rps: 20, end: 120, activators: 3 }, ingressClass);

  it('round robin takes the subset’s activators in turn; Istio takes the one holding fewer of the revision’s requests 3 times in 4', () => {
    const rr = proxy(undefined);
    const istio = proxy(ISTIO);
    const names = (r: ReturnType<typeof proxy>) => r.rec.requests.map((q) => q.activator!.name);
    expect(rr.rec.requests.every((q) => q.route === 'activator')).toBe(true);
    const subset = [...new Set(names(rr))].sort();
    expect(subset).toHaveLength(2);
    const turns = names(rr);
    for (let i = 2; i < turns.length; i++) expect(turns[i]).toBe(turns[i - 2]);
    // Under least request, at each arrival: the requests each activator holds for the revision.
    const reqs = istio.rec.requests;
    expect([...new Set(names(istio))].sort()).toEqual(subset);
    let unequal = 0;
    let toFewer = 0;
    for (const q of reqs) {
      const held = subset.map((a) => reqs.filter((o) => o !== q && o.activator!.name === a && o.activatorIn <= q.activatorIn && o.end > q.activatorIn).length);
      if (held[0] === held[1]) continue;
      unequal++;
      if (q.activator!.name === subset[held[0]! < held[1]! ? 0 : 1]) toFewer++;
    }
    // Two endpoints: the busier is picked only when both draws are it, 1 time in 4.
    expect(unequal).toBeGreaterThan(300);
    const sd = Math.sqrt(unequal * 0.75 * 0.25);
    expect(Math.abs(toFewer - 0.75 * unequal)).toBeLessThan(3 * sd);
  });
});
