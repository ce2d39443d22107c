/**
 * Load that starts on a condition, as upstream's e2e tests start it: when a revision has N
 * Ready pods, when its SKS switches mode, or when it has scaled to zero. The client's first
 * request goes out at the instant the pods.csv / autoscaler.csv row shows the condition met.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { estimateWork } from '../../src/scenario/work-estimate.js';
import { catchScenarioError } from '../scenario/helpers.js';
import { MemoryRecorder } from './world-fixture.js';

type Obj = Record<string, any>;

/** One Service `hello` (containerConcurrency 1, 1 s requests), the given annotations and clients. */
function scenario(o: { clients: Obj[]; annotations?: Record<string, string>; initialPods?: number; config?: Record<string, string>; duration?: string }): Obj {
  return {
    name: 'conditional',
    duration: o.duration ?? '5m',
    configMaps: { 'config-autoscaler': o.config ?? {} },
    services: [
      {
        manifest: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'hello' },
          spec: { template: { metadata: { annotations: o.annotations ?? {} }, spec: { containerConcurrency: 1, containers: [{ image: 'app' }] } } },
        },
        ...(o.initialPods !== undefined ? { initialPods: o.initialPods } : {}),
        app: { serviceTime: '1s' },
        podStart: { scheduling: '500ms', imagePull: '0s', containerStart: '1s', readiness: '500ms', kubeletReadyLag: { dist: 'uniform', min: '0s', max: '1s' } },
      },
    ],
    clients: o.clients,
  };
}

function run(value: Obj) {
  const loaded = scenarioFromValue(value, 's.yaml');
  const rec = new MemoryRecorder();
  new World(loaded.world, rec).run();
  const sent = (client: string) => rec.requests.filter((r) => r.clientName === client).map((r) => r.arrival).sort((a, b) => a - b);
  const readyTimes = rec.pods.filter((p) => p.event === 'Ready').map((p) => p.time).sort((a, b) => a - b);
  // When the revision first drops to no Ready pod (pods.csv: the Terminating row of the last Ready pod).
  const ready = new Set<string>();
  let zeroAt = Number.NaN;
  for (const p of rec.pods) {
    if (p.event === 'Ready') ready.add(p.pod.name);
    else if (p.event === 'Terminating' && ready.delete(p.pod.name) && ready.size === 0 && Number.isNaN(zeroAt)) zeroAt = p.time;
  }
  return { loaded, rec, sent, readyTimes, zeroAt };
}

/** 8 closed-loop users from 0 to 40 s: with CC 1 they ask for ceil(8 / 0.7) = 12 pods. */
const load = { name: 'load', service: 'hello', end: '40s', closed: { users: 8, think: '0s' } };

describe('startWhen readyPods', () => {
  it('sends the first request at exactly the time the 3rd pod is Ready (pods.csv), not before', () => {
    const r = run(scenario({ initialPods: 0, clients: [load, { name: 'when3', service: 'hello', startWhen: { revision: 'hello-00001', readyPods: 3 }, closed: { users: 1 } }] }));
    const third = r.readyTimes[2]!;
    expect(r.readyTimes.length).toBeGreaterThanOrEqual(3);
    expect(third).toBeGreaterThan(2.5); // a cold start: scheduling 0.5 + start 1 + readiness 0.5 + kubelet lag
    expect(r.sent('when3')[0]).toBe(third);
  });

  it('a delay and `for`: a uniform 2 rps client sends 20 requests from 2.5 s after the 3rd Ready pod, for 10 s', () => {
    const r = run(
      scenario({
        initialPods: 0,
        clients: [load, { name: 'later', service: 'hello', startWhen: { revision: 'hello-00001', readyPods: 3, delay: '2.5s' }, for: '10s', open: { process: 'uniform', rps: 2 } }],
      }),
    );
    const s = r.sent('later');
    const start = r.readyTimes[2]! + 2.5;
    expect(s[0]).toBe(start);
    expect(s).toHaveLength(20);
    expect(s.at(-1)!).toBeCloseTo(start + 9.5, 9);
  });

  it('a revision that already has the pods starts the client at once (t = 0)', () => {
    const r = run(scenario({ initialPods: 4, clients: [{ name: 'now', service: 'hello', startWhen: { revision: 'hello-00001', readyPods: 3 }, closed: { users: 1, think: '1s' } }] }));
    expect(r.sent('now')[0]).toBe(0);
  });

  it('never starts when the revision never gets there: 1 user needs at most ceil(1 / 0.7) = 2 pods, the client waiting for 10 sends nothing', () => {
    const r = run(
      scenario({ initialPods: 1, clients: [{ name: 'one', service: 'hello', closed: { users: 1, think: '1s' } }, { name: 'never', service: 'hello', startWhen: { revision: 'hello-00001', readyPods: 10 }, open: { rps: 5 } }] }),
    );
    expect(r.sent('one').length).toBeGreaterThan(100);
    expect(Math.max(...r.rec.samples.map((x) => x.ready))).toBeLessThanOrEqual(2);
    expect(r.sent('never')).toHaveLength(0);
  });
});

describe('startWhen sksMode', () => {
  // TBC 0: the activator leaves the path while pods are ready, so the SKS is in Serve until scale to zero.
  const tbc0 = { 'autoscaling.knative.dev/target-burst-capacity': '0' };
  const short = { name: 'short', service: 'hello', end: '20s', closed: { users: 1, think: '0s' } };

  it('Proxy: starts at the autoscaler.csv row where the scale-to-zero tail puts the SKS back in Proxy', () => {
    const r = run(scenario({ initialPods: 1, annotations: tbc0, clients: [short, { name: 'on-proxy', service: 'hello', startWhen: { revision: 'hello-00001', sksMode: 'Proxy' }, closed: { users: 1 } }] }));
    const rows = r.rec.decisionsOf('hello-00001');
    expect(rows[0]!.sksMode).toBe('Serve');
    const proxy = rows.find((d) => d.sksMode === 'Proxy')!;
    // After the 20 s of load, a 60 s stable window empties before the decider wants 0.
    expect(proxy.time).toBeGreaterThan(80);
    expect(proxy.time).toBeLessThan(90);
    expect(proxy.want).toBe(0);
    expect(r.sent('on-proxy')[0]).toBe(proxy.time);
    // The request that cold-starts it: sent in Proxy, so it goes through the activator.
    expect(r.rec.requests.find((q) => q.clientName === 'on-proxy')!.route).toBe('activator');
  });

  it('Serve: a fresh revision starts in Proxy; the client starts at the autoscaler.csv row where the SKS goes to Serve', () => {
    const r = run(scenario({ annotations: tbc0, clients: [{ name: 'on-serve', service: 'hello', startWhen: { revision: 'hello-00001', sksMode: 'Serve' }, closed: { users: 1 } }] }));
    const rows = r.rec.decisionsOf('hello-00001');
    expect(rows[0]!.sksMode).toBe('Proxy');
    const serve = rows.find((d) => d.sksMode === 'Serve')!;
    // The PA's next tick after the first pod is Ready (2.84 s) takes the activator out of the path: 4 s.
    expect(r.readyTimes[0]).toBeCloseTo(2.8387, 4);
    expect(serve.time).toBe(4);
    expect(r.sent('on-serve')[0]).toBe(4);
    expect(r.rec.requests.find((q) => q.clientName === 'on-serve')!.route).toBe('direct');
  });

  it('Proxy on a revision that is in Proxy from the start waits for a switch: none comes, nothing is sent', () => {
    // Default TBC 200 with one pod: the activator stays in the path the whole run.
    const r = run(scenario({ initialPods: 1, clients: [short, { name: 'on-proxy', service: 'hello', startWhen: { revision: 'hello-00001', sksMode: 'Proxy' }, open: { rps: 1 } }] }));
    expect(r.rec.decisionsOf('hello-00001').every((d) => d.sksMode === 'Proxy')).toBe(true);
    expect(r.sent('on-proxy')).toHaveLength(0);
  });
});

describe('startWhen scaledToZero', () => {
  const short = { name: 'short', service: 'hello', end: '20s', closed: { users: 1, think: '0s' } };
  const afterZero = (delay: string) => ({ name: 'after-zero', service: 'hello', startWhen: { revision: 'hello-00001', scaledToZero: true, delay }, for: '30s', open: { rps: 2 } });

  it('starts 5 s after the last Ready pod terminates (Deployment at 0, no pod Ready); its first request cold-starts', () => {
    const r = run(scenario({ initialPods: 1, clients: [short, afterZero('5s')] }));
    const terminating = r.zeroAt;
    expect(terminating).toBeGreaterThan(80);
    const s = r.sent('after-zero');
    expect(s[0]).toBeGreaterThanOrEqual(terminating + 5);
    // Poisson arrivals at 2 rps over 30 s, all in [zero + 5 s, zero + 35 s).
    expect(s.length).toBeGreaterThan(40);
    expect(s.at(-1)!).toBeLessThan(terminating + 35);
    const first = r.rec.requests.find((q) => q.clientName === 'after-zero' && q.arrival === s[0])!;
    expect(first.cold).toBe(true);
    expect(first.status).toBe(200);
  });

  it('uniform arrivals make the start exact: the first request goes out at that Terminating row’s time', () => {
    const r = run(scenario({ initialPods: 1, clients: [short, { ...afterZero('0s'), open: { process: 'uniform', rps: 2 } }] }));
    expect(r.sent('after-zero')[0]).toBe(r.zeroAt);
  });

  it('a revision already at zero (initialPods: 0) starts the client at once; a fresh deploy (initial scale 1) is not at zero', () => {
    const atZero = run(scenario({ initialPods: 0, clients: [afterZero('0s')] }));
    expect(atZero.sent('after-zero')[0]).toBeGreaterThanOrEqual(0);
    expect(atZero.sent('after-zero')[0]).toBeLessThan(5); // Poisson at 2 rps from t = 0
    const fresh = run(scenario({ clients: [afterZero('0s')] }));
    // Ready at ~3 s with no load, the revision scales to zero after its stable window (and grace).
    const terminating = fresh.rec.pods.find((p) => p.event === 'Terminating')!.time;
    expect(terminating).toBeGreaterThan(60);
    expect(fresh.sent('after-zero')[0]).toBeGreaterThanOrEqual(terminating);
  });

  it('common random numbers: in two autoscaler configurations the client starts at different times but sends the same requests', () => {
    const a = run(scenario({ initialPods: 1, clients: [short, afterZero('0s')] }));
    const b = run(scenario({ initialPods: 1, config: { 'stable-window': '30s' }, clients: [short, afterZero('0s')] }));
    const start = (x: typeof a) => x.zeroAt;
    expect(start(b)).toBeLessThan(start(a) - 20);
    const reqs = (x: typeof a) =>
      x.rec.requests
        .filter((q) => q.clientName === 'after-zero')
        .sort((p, q) => p.arrival - q.arrival)
        .map((q) => ({ offset: q.arrival - start(x), serviceTime: q.serviceTime }));
    const ra = reqs(a);
    const rb = reqs(b);
    expect(ra.length).toBeGreaterThan(40);
    expect(rb).toHaveLength(ra.length);
    ra.forEach((q, k) => {
      expect(rb[k]!.offset).toBeCloseTo(q.offset, 9);
      expect(rb[k]!.serviceTime).toBe(q.serviceTime);
    });
  });
});

describe('a conditional client’s own times count from its start', () => {
  const when3 = { revision: 'hello-00001', readyPods: 3 };
  it('a step rate: nothing for 10 s after the start, then 2 rps (uniform) until `for: 20s` ends it → 20 requests', () => {
    const steps = [{ at: '0s', rps: 0 }, { at: '10s', rps: 2 }];
    const r = run(scenario({ initialPods: 0, clients: [load, { name: 'stepped', service: 'hello', startWhen: when3, for: '20s', open: { process: 'uniform', rate: { shape: 'step', steps } } }] }));
    const s = r.sent('stepped');
    expect(s[0]).toBe(r.readyTimes[2]! + 10);
    expect(s).toHaveLength(20);
  });
  it('a trace: its arrivals are shifted by the start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-cond-'));
    const file = join(dir, 'arrivals.txt');
    writeFileSync(file, '0\n1.5\n4\n');
    const r = run(scenario({ initialPods: 0, clients: [load, { name: 'replay', service: 'hello', startWhen: when3, trace: { file } }] }));
    const t3 = r.readyTimes[2]!;
    expect(r.sent('replay')).toEqual([t3, t3 + 1.5, t3 + 4]);
  });
});

describe('validation', () => {
  const client = (extra: Obj): Obj => ({ name: 'c', service: 'hello', open: { rps: 1 }, ...extra });
  const error = (extra: Obj) => catchScenarioError(() => scenarioFromValue(scenario({ clients: [client(extra)] }), 's.yaml')).message;
  it.each([
    [{ startWhen: { revision: 'hello-00009', readyPods: 1 } }, 's.yaml: clients[0].startWhen.revision: no revision named "hello-00009" in the scenario (revisions: hello-00001)'],
    [{ startWhen: { revision: 'hello-00001' } }, 's.yaml: clients[0].startWhen: exactly one of readyPods, sksMode, scaledToZero is required'],
    [{ startWhen: { revision: 'hello-00001', readyPods: 2, sksMode: 'Proxy' } }, 's.yaml: clients[0].startWhen.sksMode: only one of readyPods, sksMode, scaledToZero may be set (got readyPods, sksMode)'],
    [{ startWhen: { revision: 'hello-00001', readyPods: 0 } }, 's.yaml: clients[0].startWhen.readyPods: must be ≥ 1, got the number 0'],
    [{ startWhen: { revision: 'hello-00001', readyPods: 2.5 } }, 's.yaml: clients[0].startWhen.readyPods: must be an integer, got 2.5'],
    [{ startWhen: { revision: 'hello-00001', sksMode: 'Active' } }, 's.yaml: clients[0].startWhen.sksMode: must be one of: Serve, Proxy (got the string "Active")'],
    [{ startWhen: { revision: 'hello-00001', scaledToZero: false } }, 's.yaml: clients[0].startWhen.scaledToZero: must be one of: true (got the boolean false)'],
    [{ startWhen: { revision: 'hello-00001', readyPods: 1, delay: '-1s' } }, 's.yaml: clients[0].startWhen.delay: must not be negative'],
    [{ startWhen: { revision: 'hello-00001', readypods: 1 } }, 's.yaml: clients[0].startWhen.readypods: unknown field (known fields: revision, readyPods, sksMode, scaledToZero, delay)'],
    [{ start: '10s', startWhen: { revision: 'hello-00001', readyPods: 1 } }, 's.yaml: clients[0].startWhen: set either start or startWhen, not both'],
    [{ end: '1m', for: '30s' }, 's.yaml: clients[0].for: set either end or for, not both'],
    [{ for: '0s' }, 's.yaml: clients[0].for: must be greater than 0'],
  ])('%j', (extra, message) => {
    expect(error(extra)).toBe(message);
  });

  it('`for` with a fixed start ends the client that long after it; `end` with startWhen is in run time', () => {
    const fixed = scenarioFromValue(scenario({ clients: [client({ start: '1m', for: '30s' })] }), 's.yaml').world.clients[0]!;
    expect([fixed.startSeconds, fixed.endSeconds, fixed.forSeconds]).toEqual([60, 90, undefined]);
    const cond = scenarioFromValue(scenario({ clients: [client({ startWhen: { revision: 'hello-00001', scaledToZero: true }, end: '4m' })] }), 's.yaml').world.clients[0]!;
    expect(cond.endSeconds).toBe(240);
    expect(cond.startWhen).toEqual({ revision: 'hello-00001', when: { kind: 'scaledToZero' }, delaySeconds: 0 });
  });
});

describe('work estimate', () => {
  it('bounds a conditional client as if it started at 0: 10 rps for the whole 1 h, or for its `for`', () => {
    const est = (extra: Obj) =>
      estimateWork(scenarioFromValue({ ...scenario({ clients: [{ name: 'c', service: 'hello', open: { rps: 10 }, startWhen: { revision: 'hello-00001', scaledToZero: true }, ...extra }] }), duration: '1h' }, 's.yaml')).requests[0]!;
    expect(est({}).amount).toBe(36_000);
    expect(est({ for: '1m' })).toMatchObject({ amount: 600, how: '10 requests/s × 60 s = 600 requests' });
    expect(est({ end: '10m' }).amount).toBe(6000);
  });
});
