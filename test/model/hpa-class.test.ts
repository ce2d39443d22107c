/**
 * The HPA class in a full simulation: a revision annotated hpa.autoscaling.knative.dev is
 * scaled by the Kubernetes HPA on metrics-server's CPU, through the same decision loop as
 * the KPA — never below one pod, at most max(2 × current, 4) per 15 s sync (behavior nil),
 * down only after the 300 s stabilization window, the SKS serving from the pods once one
 * is ready — and a revision the HPA cannot measure keeps its scale, with a warning.
 */
import { describe, expect, it } from 'vitest';
import { STATUS_NO_ROUTE, STATUS_OK } from '../../src/model/request.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';
import { World } from '../../src/model/world.js';
import { podResourceSamples } from '../../src/model/metrics-server.js';
import type { Revision } from '../../src/model/revision.js';
import type { PodStat } from '../../src/core/autoscaler/index.js';
import { DEFAULT_HPA_CONTROLLER_CONFIG, groupPods, resourceUtilizationReplicas, toHpaInputs } from '../../src/core/autoscaler/index.js';

const HPA = 'hpa.autoscaling.knative.dev';

interface Opts {
  annotations?: Record<string, string>;
  app?: Record<string, unknown>;
  resources?: Record<string, unknown>;
  initialPods?: number;
  rate?: Record<string, unknown>;
  duration?: string;
}

function scenario(o: Opts = {}) {
  return {
    name: 't',
    duration: o.duration ?? '12m',
    services: [
      {
        manifest: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'crunch' },
          spec: {
            template: {
              metadata: { annotations: { 'autoscaling.knative.dev/class': HPA, 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/target': '50', ...o.annotations } },
              spec: { containers: [{ image: 'app', resources: o.resources ?? { requests: { cpu: '1' }, limits: { cpu: '1' } } }] },
            },
          },
        },
        ...(o.initialPods !== undefined ? { initialPods: o.initialPods } : {}),
        app: o.app ?? { cpu: { work: '100ms' } },
      },
    ],
    // 40 rps of 100 ms CPU: 4 cores, about 8 pods at 50 % of a 1025m request; none after 5 m.
    clients: [{ name: 'load', service: 'crunch', open: { process: 'uniform', rate: o.rate ?? { shape: 'step', steps: [{ at: '0s', rps: 40 }, { at: '5m', rps: 0 }] } } }],
  };
}

function simulate(o: Opts = {}) {
  const loaded = scenarioFromValue(scenario(o), 's.yaml');
  const rec = new MemoryRecorder();
  const world = new World(loaded.world, rec);
  world.run();
  const decisions = rec.decisionsOf('crunch-00001');
  return { loaded, world, rec, decisions, rev: world.services.get('crunch')!.revisions[0]! };
}

describe('HPA class in a full simulation', () => {
  const { decisions, rec, rev } = simulate({ initialPods: 1 });
  // The Deployment's replicas after each sync (the PA's DesiredScale mirrors the HPA status).
  const steps = decisions.map((d) => ({ t: d.time, replicas: d.want }));

  it('syncs every 15 s from the revision creation', () => {
    expect(steps.slice(0, 4).map((s) => s.t)).toEqual([15, 30, 45, 60]);
    expect(steps.every((s, i) => s.t === 15 * (i + 1))).toBe(true);
  });

  const at = (t: number): number | undefined => steps.find((s) => s.t === t)?.replicas;

  it('scales 1 → 2 → 4 → 8 → 10 under 4 cores of load: a 1 CPU limit caps utilization at 97 % (ratio 1.94), and no step exceeds max(2 × current, 4)', () => {
    const distinct = steps.map((s) => s.replicas).filter((r, i, a) => i === 0 || r !== a[i - 1]);
    // The first sync already sees the busy pod (the 15 s scrape averages [0, 15]); each new
    // pod is unready (0 usage) at the sync after its creation, so the ratio is within tolerance then.
    expect(distinct.slice(0, 4)).toEqual([2, 4, 8, 10]);
    expect([at(15), at(30), at(45), at(60), at(75), at(90), at(105)]).toEqual([2, 2, 4, 4, 8, 8, 10]);
    for (let i = 1; i < steps.length; i++) {
      const prev = steps[i - 1]!.replicas;
      expect(steps[i]!.replicas).toBeLessThanOrEqual(Math.max(2 * prev, 4));
    }
    // The overloaded first pod still works off its backlog at 1000m while the others use 400m
    // (util 44, ratio 0.88: raw 9 from 150 s on), so 10 pods hold until the load stops.
    expect(at(300)).toBe(10);
    expect(Math.max(...steps.map((s) => s.replicas))).toBe(10);
  });

  it('never goes below 1 pod, and scales down only when every recommendation of the last 300 s allows it', () => {
    expect(Math.min(...steps.map((s) => s.replicas))).toBe(1);
    expect(Math.min(...rec.samples.filter((s) => s.rev === 'crunch-00001').map((s) => s.ready))).toBe(1);
    // The last recommendation of 10 (t = 135) leaves the window after 435 s, the last 9 (t = 225,
    // util 43) after 525 s, the 8 of t = 300 (util 39) after 600 s.
    expect([at(435), at(450), at(525), at(540), at(600), at(615)]).toEqual([10, 9, 9, 8, 8, 1]);
    expect(steps[steps.length - 1]!.replicas).toBe(1);
    expect(rev.replicas).toBe(1);
  });

  it('keeps the SKS in Serve with every activator (numActivators 0) and serves every request', () => {
    expect(new Set(decisions.map((d) => d.sksMode))).toEqual(new Set(['Serve']));
    expect(new Set(decisions.map((d) => d.activators))).toEqual(new Set([0]));
    expect(rec.requests.every((r) => r.status === STATUS_OK)).toBe(true);
    expect(rev.autoscaler.loop.scaleBounds()).toEqual({ min: 1, max: 0, scaleToZero: false });
  });
});

describe('HPA class: a new revision', () => {
  it('is proxied by all activators while no pod is ready, serves from the pods after, and is routable only after the first sync (15 s)', () => {
    const { rec, rev, world } = simulate({ duration: '1m', rate: { shape: 'constant', rps: 2 } });
    // Before 15 s the route has no ready revision: requests find no route.
    const early = rec.requests.filter((r) => r.arrival < 14.9);
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((r) => r.status !== STATUS_OK)).toBe(true);
    const served = rec.requests.filter((r) => r.status === STATUS_OK);
    expect(served.length).toBeGreaterThan(80);
    expect(served.every((r) => r.route === 'direct')).toBe(true);
    expect(rev.sksEffectiveMode).toBe('Serve');
    expect(rev.numActivators).toBe(0);
    expect(world.activators.length).toBe(1);
  });

  it('with initial-scale 0 it is never routable (no pod, so its SKS is never Ready and its PA never initialized): its Deployment stays at 0 and every request finds no route', () => {
    const raw = {
      ...scenario({ duration: '10s', rate: { shape: 'constant', rps: 2 }, annotations: { 'autoscaling.knative.dev/initial-scale': '0' } }),
      configMaps: { 'config-autoscaler': { 'allow-zero-initial-scale': 'true' } },
    };
    const rec = new MemoryRecorder();
    const loaded = scenarioFromValue(raw, 's.yaml');
    // knsim says why such a revision never gets a pod.
    expect(loaded.warnings).toEqual([
      's.yaml: services[0].manifest.spec.template.metadata.annotations: revision crunch-00001 (hpa.autoscaling.knative.dev): initial-scale 0 starts its Deployment with no replicas, and the HPA never scales a Deployment up from 0 (ScalingActive=False, ScalingDisabled): it never gets a pod, so its SKS never has a ready endpoint and the revision never becomes Ready: the route never sends it a request',
    ]);
    const world = new World(loaded.world, rec);
    world.run();
    const rev = world.services.get('crunch')!.revisions[0]!;
    expect(rev.autoscaler.pa.scaleTargetInitialized).toBe(false);
    // All 20 requests (2 rps for 10 s) find no route (404); none waits at the activators.
    expect(rec.requests).toHaveLength(20);
    expect(rec.requests.every((r) => r.status === STATUS_NO_ROUTE)).toBe(true);
    expect(rev.activatorWaiting).toBe(0);
    expect(rev.allPods).toHaveLength(0);
  });

  it('whose pod pulls its image for 30 s is routable only once that pod is Ready (its SKS then has a ready endpoint), not at the first sync (15 s)', () => {
    const raw = scenario({ duration: '40s', rate: { shape: 'constant', rps: 2 } });
    (raw.services[0] as Record<string, unknown>)['podStart'] = { imagePull: '30s' };
    const rec = new MemoryRecorder();
    const world = new World(scenarioFromValue(raw, 's.yaml').world, rec);
    world.run();
    const rev = world.services.get('crunch')!.revisions[0]!;
    const readyAt = rev.allPods[0]!.readyAt;
    // Scheduled, then 30 s of image pull, container start and readiness: Ready at 32.7 s, well after the 15 s sync.
    expect(readyAt).toBeGreaterThan(32);
    expect(readyAt).toBeLessThan(33);
    // Before the pod is Ready no request is routed (404: the 66 sent at 0 s … 32.5 s), none waits at the
    // activators; the 14 sent after it (33 s … 39.5 s) are all served by the pod.
    const before = rec.requests.filter((r) => r.arrival < readyAt);
    expect(before).toHaveLength(66);
    expect(before.every((r) => r.status === STATUS_NO_ROUTE)).toBe(true);
    const after = rec.requests.filter((r) => r.arrival >= readyAt);
    expect(after).toHaveLength(14);
    expect(after.every((r) => r.status === STATUS_OK && r.route === 'direct')).toBe(true);
  });

  it('with initial-scale 0 but pods running before the run, the HPA scales it: no warning', () => {
    const raw = {
      ...scenario({ initialPods: 1, duration: '10s', rate: { shape: 'constant', rps: 2 }, annotations: { 'autoscaling.knative.dev/initial-scale': '0' } }),
      configMaps: { 'config-autoscaler': { 'allow-zero-initial-scale': 'true' } },
    };
    expect(scenarioFromValue(raw, 's.yaml').warnings).toBeUndefined();
  });

  it('with 0 ready pods the SKS proxies through every activator (3 of 3)', () => {
    const raw = { ...scenario({ duration: '20s', rate: { shape: 'constant', rps: 1 }, app: { cpu: { work: '100ms' } } }), cluster: { activators: 3 } };
    // A crash loop keeps the only pod unready after the first sync.
    raw.services[0]!.app = { cpu: { work: '100ms' }, faults: [{ kind: 'readinessFailure', at: '0s' }] } as never;
    const loaded = scenarioFromValue(raw, 's.yaml');
    const world = new World(loaded.world, new MemoryRecorder());
    world.run();
    const rev = world.services.get('crunch')!.revisions[0]!;
    expect(rev.readyPods.length).toBe(0);
    expect(rev.sksEffectiveMode).toBe('Proxy');
    expect(rev.activatorSubset.map((a) => a.name)).toEqual(['activator-0', 'activator-1', 'activator-2']);
  });
});

describe('HPA class: revisions the HPA cannot scale behave as upstream (ScalingActive=False) and are warned about', () => {
  it.each([
    ['no CPU model (fixed service time)', { app: { serviceTime: '100ms' } }, 'no CPU usage for its pods (no CPU model'],
    ['no CPU request', { resources: {} }, 'has no CPU request'],
    ['a custom metric no adapter serves', { annotations: { 'autoscaling.knative.dev/metric': 'concurrency', 'autoscaling.knative.dev/target': '10' } }, 'no custom-metrics adapter serves the pods metric "concurrency"'],
    ['memory without a memory model', { annotations: { 'autoscaling.knative.dev/metric': 'memory', 'autoscaling.knative.dev/target': '100' } }, 'no memory usage for its pods'],
  ] as const)('%s: stays at 1 pod under 4 cores of load, with a warning', (_name, o, why) => {
    const { loaded, decisions, rev } = simulate({ initialPods: 1, duration: '3m', ...o });
    expect(loaded.warnings?.length).toBe(1);
    expect(loaded.warnings![0]).toContain(why);
    expect(loaded.warnings![0]).toContain('ScalingActive=False');
    expect(loaded.warnings![0]).toMatch(/^s\.yaml: services\[0\]\.manifest\.spec\.template\.metadata\.annotations: revision crunch-00001/);
    expect(decisions.length).toBe(12);
    // The HPA status keeps desiredReplicas 0 (never computed), as upstream's does; the Deployment keeps 1.
    expect(decisions.every((d) => d.readyPods === 1 && !d.valid)).toBe(true);
    expect(rev.replicas).toBe(1);
  });

  it('no CPU request: the HPA names the container and the pod, as upstream words it', () => {
    const raw = scenario({ initialPods: 1, duration: '30s', resources: {} });
    (raw.services[0]!.manifest.spec.template.spec.containers[0] as Record<string, unknown>)['name'] = 'crunch-app';
    const world = new World(scenarioFromValue(raw, 's.yaml').world, new MemoryRecorder());
    world.run();
    const rev = world.services.get('crunch')!.revisions[0]!;
    const inputs = toHpaInputs(podResourceSamples(rev, 30), 30);
    const pod = rev.allPods[0]!.name;
    const p = resourceUtilizationReplicas({ nowSeconds: 30, currentReplicas: 1, pods: inputs.pods, metrics: inputs.cpu, config: DEFAULT_HPA_CONTROLLER_CONFIG, resource: 'cpu', targetUtilization: 50 });
    expect(p).toEqual({ ok: false, reason: 'MissingRequest', message: `missing request for cpu in container crunch-app of Pod ${pod}` });
  });

  it('an HPA revision with the CPU model and requests has no warning', () => {
    expect(simulate({ initialPods: 1, duration: '15s' }).loaded.warnings).toBeUndefined();
  });
});

describe('HPA class: what the HPA reads of a pod (status.startTime, the Ready condition)', () => {
  // groupPods (kubernetes/kubernetes replica_calculator.go): past the 300 s CPU initialization
  // period a not-Ready pod is left out only if it never became Ready, i.e. its Ready condition
  // last changed within 30 s of status.startTime; one that was Ready and lost it still counts.
  const run = (faults: unknown[], duration: string, podStart?: Record<string, unknown>, minScale = '2', readinessProbe?: Record<string, unknown>) => {
    // min-scale 2 keeps the failing pod (a ReplicaSet scaling down deletes not-Ready pods first).
    const raw = scenario({ initialPods: 2, duration, rate: { shape: 'constant', rps: 4 }, annotations: { 'autoscaling.knative.dev/min-scale': minScale } }) as Record<string, unknown> & { services: Array<Record<string, unknown>> };
    raw.services[0]!['app'] = { cpu: { work: '100ms' }, faults };
    if (readinessProbe !== undefined) {
      const manifest = raw.services[0]!['manifest'] as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
      manifest.spec.template.spec.containers[0]!['readinessProbe'] = readinessProbe;
    }
    if (podStart !== undefined) raw.services[0]!['podStart'] = podStart;
    const loaded = scenarioFromValue(raw, 's.yaml');
    const world = new World(loaded.world, new MemoryRecorder());
    world.run();
    const rev = world.services.get('crunch')!.revisions[0]!;
    const now = world.sim.now;
    const samples = podResourceSamples(rev, now);
    const inputs = toHpaInputs(samples, now);
    return { rev, now, samples, groups: groupPods(inputs.pods, inputs.cpu, 'cpu', now, DEFAULT_HPA_CONTROLLER_CONFIG) };
  };

  it('a pod that was Ready and fails its readiness probe at 400 s: Ready went False then (not at its start), so at 420 s it still counts', () => {
    // A probe every second that gives up at the first failure (the default one would need 21 s or more).
    const { samples, groups } = run([{ kind: 'readinessFailure', at: '400s', pods: 1 }], '420s', undefined, '2', { periodSeconds: 1, failureThreshold: 1 });
    const failed = samples.find((s) => s.ready === false)!;
    expect(failed.startTimeSeconds).toBe(-3600);
    // The kubelet's first probe at or after 400 s, on the pod's own 1 s ticker.
    expect(failed.readyLastTransitionSeconds).toBeGreaterThanOrEqual(400);
    expect(failed.readyLastTransitionSeconds).toBeLessThanOrEqual(401);
    expect([groups.readyCount, groups.unready.length]).toEqual([2, 0]);
  });

  it('a pod running before the run is long past its CPU initialization period: Ready False at 60 s, at 120 s it still counts', () => {
    // As the activator HPA takes its activators: up long before t = 0 (LONG_AGO_SECONDS), not started at 0.
    const { samples, groups } = run([{ kind: 'readinessFailure', at: '60s', pods: 1 }], '120s', undefined, '2', { periodSeconds: 1, failureThreshold: 1 });
    const failed = samples.find((s) => s.ready === false)!;
    expect(failed.startTimeSeconds).toBe(-3600);
    expect(failed.readyLastTransitionSeconds).toBeGreaterThanOrEqual(60);
    expect(failed.readyLastTransitionSeconds).toBeLessThanOrEqual(61);
    // Started at 0 it would be within the 300 s period, left out as unready: [1, 1].
    expect([groups.readyCount, groups.unready.length]).toEqual([2, 0]);
  });

  it("status.startTime is when the kubelet took the pod on, before its 20 s image pull, not its containers' start", () => {
    // min-scale 3 over 2 running pods: the first sync (15 s) adds one.
    const { rev, samples } = run([], '90s', { imagePull: '20s' }, '3');
    const young = rev.allPods.find((p) => !p.runningBeforeRun)!;
    expect(young.res!.startedAt - young.startTime).toBeGreaterThanOrEqual(20);
    // In whole seconds, as the API server keeps metav1.Time.
    expect(young.startTime % 1).not.toBe(0);
    expect(samples.find((s) => s.name === young.name)!.startTimeSeconds).toBe(Math.floor(young.startTime));
  });

  it('reads start, Ready and metric times in whole seconds (metav1.Time), as the pod lister and the metrics API hand them over', () => {
    const { rev, samples } = run([], '90s', { imagePull: '20s' }, '3');
    const young = rev.allPods.find((p) => !p.runningBeforeRun)!;
    expect(young.readyAt % 1).not.toBe(0);
    const s = samples.find((x) => x.name === young.name)!;
    expect([s.startTimeSeconds, s.readyLastTransitionSeconds]).toEqual([Math.floor(young.startTime), Math.floor(young.readyAt)]);
    for (const x of samples) {
      for (const t of [x.startTimeSeconds, x.readyLastTransitionSeconds, x.metricTimestampSeconds]) if (t !== undefined) expect(Number.isInteger(t), x.name).toBe(true);
    }
  });

  it.each([
    // (kubernetes/kubernetes replica_calculator.go groupPods, within the 300 s CPU initialization period)
    // a pod Ready at 435.4 s, its metric of 15 s stamped 450 s: upstream sees Ready at 435, so 450 < 435 + 15
    // is false and the metric counts; compared with the fraction it would be left out as unready.
    { ready: 435, unready: [] as string[] },
    { ready: 435.4, unready: ['p2'] },
  ])('a metric stamped 450 s over 15 s, Ready at $ready s: unready $unready', ({ ready, unready }) => {
    const pods = [
      { name: 'p1', phase: 'Running' as const, ready: true, readyLastTransitionSeconds: 0, startTimeSeconds: 0, requestsMilli: { cpu: 1000 } },
      { name: 'p2', phase: 'Running' as const, ready: true, readyLastTransitionSeconds: ready, startTimeSeconds: 420, requestsMilli: { cpu: 1000 } },
    ];
    const metrics = new Map(pods.map((p) => [p.name, { valueMilli: 1000, timestampSeconds: 450, windowSeconds: 15 }]));
    expect(groupPods(pods, metrics, 'cpu', 450, DEFAULT_HPA_CONTROLLER_CONFIG).unready).toEqual(unready);
  });

  it('a pod whose container crashed at 410 s and restarted under 10 s before the 420 s sync has no metrics then (missing), not its old counter', () => {
    const { rev, samples, groups } = run([{ kind: 'crash', at: '410s', pods: 1 }], '420s');
    const crashed = rev.allPods.find((p) => p.fault.restarts === 1)!;
    // Its first exit: restarted at once, the container is up again at 410 s plus its start time.
    expect(crashed.res!.userStartedAt).toBeGreaterThan(410);
    expect(420 - crashed.res!.userStartedAt).toBeLessThan(10);
    expect(samples.find((s) => s.name === crashed.name)!.cpuMillicores).toBeUndefined();
    expect(groups.missing).toEqual([crashed.name]);
    expect(groups.readyCount).toBe(1);
  });

  it('a pod whose readiness fails from its start is left out (never Ready); pods Ready before the run that fail at 0 s still count', () => {
    // Every pod fails from 0 s: the 2 running before the run lose readiness then; min-scale 3 adds one at the first sync (15 s), never Ready.
    const { rev, samples, groups } = run([{ kind: 'readinessFailure', at: '0s' }], '420s', undefined, '3');
    const young = rev.allPods.find((p) => !p.runningBeforeRun)!;
    const s = samples.find((x) => x.name === young.name)!;
    expect(s.ready).toBe(false);
    // Its Ready condition never changed: its last transition is its start.
    expect(s.readyLastTransitionSeconds).toBe(s.startTimeSeconds);
    expect(groups.unready).toEqual([young.name]);
    expect(groups.readyCount).toBe(2);
  });
});

describe('HPA class: a sync at the instant of a scrape reads that scrape, whenever the revision was created', () => {
  it('revisions created at 0 s and at 30 s (a multiple of the 15 s resolution) both read the scrape of their sync instant', () => {
    const tmpl = (image: string) => ({
      metadata: { annotations: { 'autoscaling.knative.dev/class': HPA, 'autoscaling.knative.dev/target': '50' } },
      spec: { containers: [{ image, resources: { requests: { cpu: '1' } } }] },
    });
    const raw = {
      name: 't',
      duration: '2m',
      services: [
        {
          manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'crunch' }, spec: { template: tmpl('app:1') } },
          initialPods: 1,
          app: { cpu: { work: '100ms' } },
          updates: [{ at: '30s', template: tmpl('app:2') }],
        },
      ],
      clients: [{ name: 'c', service: 'crunch', open: { rps: 2 } }],
    };
    const seen: Array<[string, number, number | undefined]> = [];
    // What each HPA sync was fed: its pods' metric timestamps.
    const rec = Object.assign(new MemoryRecorder(), {
      stat: (rev: Revision, stat: PodStat) => {
        if (stat.pods !== undefined) for (const p of stat.pods) seen.push([rev.spec.name, stat.timeSeconds, p.metricTimestampSeconds]);
      },
    });
    new World(scenarioFromValue(raw, 's.yaml').world, rec).run();
    const stale = seen.filter(([, t, ts]) => ts !== undefined && ts !== t);
    expect(stale).toEqual([]);
    // Both revisions' pods have metrics at their syncs from 60 s on.
    expect(seen.filter(([r, t, ts]) => r === 'crunch-00002' && t >= 60 && ts === t).length).toBeGreaterThan(0);
    expect(seen.filter(([r, t, ts]) => r === 'crunch-00001' && t >= 15 && ts === t).length).toBeGreaterThan(0);
  });
});
