import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClientSpec, ServiceSpec } from '../../src/model/spec.js';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { DEFAULT_POD_START } from '../../src/scenario/manifest.js';
import { fixture, SCENARIOS } from './helpers.js';

function service(services: readonly ServiceSpec[], name: string): ServiceSpec {
  const s = services.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no service ${name}`);
  return s;
}

function client<K extends ClientSpec['kind']>(clients: readonly ClientSpec[], name: string, kind: K): Extract<ClientSpec, { kind: K }> {
  const c = clients.find((x) => x.name === name);
  if (c === undefined || c.kind !== kind) throw new Error(`no ${kind} client ${name}`);
  return c as Extract<ClientSpec, { kind: K }>;
}

describe('loadScenario: round trip of test/fixtures/roundtrip.yaml', () => {
  const file = fixture('roundtrip.yaml');
  const loaded = loadScenario(file);
  const w = loaded.world;

  it('reads the top-level fields', () => {
    expect(loaded.file).toBe(file);
    expect(loaded.name).toBe('roundtrip');
    expect(loaded.description).toBe('Test fixture exercising most of the scenario format.');
    expect(loaded.traceMode).toEqual({ mode: 'sample', rate: 0.25 });
    expect(w.name).toBe('roundtrip');
    expect(w.seed).toBe(7);
    expect(w.durationSeconds).toBe(600);
    expect(w.cluster).toEqual({ activatorReplicas: 2, ingressLatencySeconds: 0.002, activatorProbePeriodSeconds: 0.2, drainSeconds: 10 });
  });

  it('parses config-autoscaler (YAML numbers stringified, unknown keys ignored)', () => {
    expect(w.autoscalerConfig.stableWindowSeconds).toBe(30);
    expect(w.autoscalerConfig.scaleToZeroGracePeriodSeconds).toBe(45);
    expect(w.autoscalerConfig.containerConcurrencyTargetFraction).toBe(0.8);
    expect(w.autoscalerConfig.enableScaleToZero).toBe(true);
  });

  it('names revisions by generation, BYO names included, with createdAt and initialPods', () => {
    const web = service(w.services, 'web');
    expect(web.revisions.map((r) => [r.name, r.generation, r.createdAtSeconds, r.initialPods])).toEqual([
      ['web-00001', 1, 0, 0],
      ['web-00002', 2, 120, undefined],
      ['web-v3', 3, 300, undefined],
    ]);
    expect(web.revisions.every((r) => r.service === 'web')).toBe(true);
  });

  it('applies config-defaults and config-deployment to revisions', () => {
    const [r1, r2, r3] = service(w.services, 'web').revisions;
    // CC 0 (config-defaults container-concurrency), timeout from revision-timeout-seconds.
    expect([r1!.containerConcurrency, r1!.timeoutSeconds]).toEqual([0, 200]);
    expect([r2!.containerConcurrency, r2!.timeoutSeconds]).toEqual([10, 60]);
    expect([r3!.containerConcurrency, r3!.timeoutSeconds]).toEqual([0, 200]);
    expect(r1!.autoscaling.progressDeadlineSeconds).toBe(120);
  });

  it('resolves autoscaling targets (percentage 80 from the ConfigMap, target annotation on CC 10)', () => {
    const [r1, r2] = service(w.services, 'web').revisions;
    expect(r1!.autoscaling.deciderSpec.targetValue).toBeCloseTo(80, 10);
    expect(r1!.autoscaling.deciderSpec.totalValue).toBe(100);
    expect(r2!.autoscaling.deciderSpec.targetValue).toBeCloseTo(8, 10);
    expect(r2!.autoscaling.deciderSpec.totalValue).toBe(10);
    expect(r1!.autoscaling.deciderSpec.stableWindowSeconds).toBe(30);
  });

  it('picks app models: defaults, update app, revisionApps', () => {
    const [r1, r2, r3] = service(w.services, 'web').revisions;
    expect(r1!.serviceTime).toEqual({ dist: 'constant', value: 0.05 });
    expect(r2!.serviceTime).toEqual({ dist: 'lognormal', median: 0.1, p99: 1 });
    expect(r3!.serviceTime).toEqual({ dist: 'empirical', values: [0.01, 0.02, 0.03] });
  });

  it('merges pod start: service over defaults over built-ins', () => {
    const web = service(w.services, 'web');
    expect(web.revisions[0]!.podStart).toEqual({
      scheduling: { dist: 'constant', value: 1 },
      imagePull: { dist: 'exponential', mean: 2 },
      containerStart: DEFAULT_POD_START.containerStart,
      readiness: DEFAULT_POD_START.readiness,
      kubeletReadyLag: { dist: 'uniform', min: 0, max: 2 },
    });
    expect(service(w.services, 'hello').revisions[0]!.podStart.scheduling).toEqual({ dist: 'constant', value: 0.5 });
  });

  it('lists traffic blocks over time (traffic-only updates create no revision)', () => {
    const web = service(w.services, 'web');
    expect(web.traffic).toEqual([
      { atSeconds: 0, traffic: [{ latestRevision: true, percent: 100 }] },
      {
        atSeconds: 120,
        traffic: [
          { revisionName: 'web-00001', percent: 80, tag: 'stable' },
          { revisionName: 'web-00002', percent: 20, tag: 'candidate' },
        ],
      },
      {
        atSeconds: 240,
        traffic: [
          { latestRevision: true, percent: 100 },
          { revisionName: 'web-00001', percent: 0, tag: 'stable' },
        ],
      },
    ]);
    expect(web.rolloutDurationSeconds).toBe(30); // config-network rollout-duration
  });

  it('loads a Service from manifestFile (relative to the scenario file)', () => {
    const hello = service(w.services, 'hello');
    expect(hello.revisions).toHaveLength(1);
    const r = hello.revisions[0]!;
    expect(r.name).toBe('hello-00001');
    expect(r.containerConcurrency).toBe(50);
    expect(r.timeoutSeconds).toBe(120);
    expect(r.autoscaling.deciderSpec.targetValue).toBeCloseTo(16, 10); // target 20 × 80 %
    expect(r.autoscaling.deciderSpec.stableWindowSeconds).toBe(30); // window annotation
    expect(r.serviceTime).toEqual({ dist: 'constant', value: 1 });
    expect(r.initialPods).toBeUndefined();
    expect(hello.traffic).toEqual([{ atSeconds: 0, traffic: [] }]);
  });

  it('converts open-loop rates', () => {
    const ramp = client(w.clients, 'ramp', 'open');
    expect(ramp).toEqual({
      kind: 'open',
      name: 'ramp',
      service: 'web',
      timeoutSeconds: 30,
      startSeconds: 0,
      endSeconds: 600,
      process: 'uniform',
      rate: { shape: 'ramp', fromRps: 0, toRps: 100, startSeconds: 10, endSeconds: 60 },
    });
    const canary = client(w.clients, 'canary-check', 'open');
    expect(canary.tag).toBe('candidate');
    expect(canary.process).toBe('poisson');
    expect(canary.rate).toEqual({ shape: 'constant', rps: 2 });
    expect(client(w.clients, 'daily', 'open').rate).toEqual({
      shape: 'sine',
      meanRps: 10,
      amplitudeRps: 5,
      periodSeconds: 86_400,
      phaseSeconds: 18 * 3600 - 6 * 3600,
    });
    expect(client(w.clients, 'waves', 'open').rate).toEqual({ shape: 'sine', meanRps: 10, amplitudeRps: 5, periodSeconds: 120, phaseSeconds: 30 });
    expect(client(w.clients, 'spiky', 'open').rate).toEqual({ shape: 'spike', baseRps: 1, peakRps: 50, atSeconds: 90, durationSeconds: 15 });
  });

  it('converts closed-loop clients', () => {
    expect(client(w.clients, 'users', 'closed')).toEqual({
      kind: 'closed',
      name: 'users',
      service: 'hello',
      startSeconds: 60,
      endSeconds: 180,
      users: 5,
      think: { dist: 'exponential', mean: 0.5 },
    });
  });

  it('replays a simple trace: sorted, comments and blank lines skipped, durations kept', () => {
    const t = client(w.clients, 'replay', 'trace');
    expect(Array.from(t.arrivals)).toEqual([0.5, 1.0, 1.5, 2.0, 2.0, 2.1, 3.0, 4.25, 5.0, 6.0]);
    expect(Array.from(t.durations!)).toEqual([0.1, 0.2, 0.3, 0.05, 0.06, 0.07, 0.1, 0.125, 0.1, 1.0]);
  });

  it('replays an azure2021 trace: app filter, arrival = end − duration, shifted to offset, gaps scaled', () => {
    const t = client(w.clients, 'azure', 'trace');
    // appA arrivals: 100, 101, 101, 103.25, 104, 105.5, 106.25; first → 10 s, gaps × 2.
    expect(Array.from(t.arrivals)).toEqual([10, 12, 12, 16.5, 18, 21, 22.5]);
    expect(Array.from(t.durations!)).toEqual([0.5, 0.2, 1.0, 0.25, 1.0, 0.5, 0.75]);
  });
});

describe('loadScenario options and overrides', () => {
  const base = fixture('base.yaml');

  it('warns when no arrival of a trace falls in its client\'s sending window, and only then', () => {
    const at = (sets: string[]): string[] | undefined => loadScenario(base, { sets }).warnings;
    const trace = (extra: string): string[] => [`clients[0]={name: c, service: hello, trace: {file: traces/simple.csv${extra}}}`];
    // The fixture's 10 arrivals are at 0.5 s to 6 s.
    expect(at(trace(''))).toBeUndefined();
    expect(at([...trace(', offset: 290s'), 'clients[0].end=296s'])).toBeUndefined();
    expect(at(trace(', offset: 5m'))).toEqual([
      `${base}: clients[0].trace.file: none of its 10 arrivals (300.5 s to 306 s once shifted and scaled) falls in the client's sending window [0 s, 300 s): it sends no request`,
    ]);
    expect(at([...trace(''), 'clients[0].start=7s'])).toEqual([
      `${base}: clients[0].trace.file: none of its 10 arrivals (0.5 s to 6 s once shifted and scaled) falls in the client's sending window [7 s, 300 s): it sends no request`,
    ]);
  });

  it('defaults: seed 1, full trace, CC 0 → target 70 of total 100, traffic defaults to an empty block', () => {
    const { world, traceMode, series, description } = loadScenario(base);
    expect(world.seed).toBe(1);
    expect(traceMode).toEqual({ mode: 'full' });
    expect(series).toBe(true);
    expect(description).toBe('');
    const r = world.services[0]!.revisions[0]!;
    expect(r.name).toBe('hello-00001');
    expect(r.containerConcurrency).toBe(0);
    expect(r.timeoutSeconds).toBe(300);
    expect(r.autoscaling.deciderSpec.targetValue).toBeCloseTo(70, 10);
    expect(r.autoscaling.deciderSpec.totalValue).toBe(100);
    expect(r.serviceTime).toEqual({ dist: 'constant', value: 0.1 });
    expect(r.podStart).toEqual(DEFAULT_POD_START);
    expect(world.services[0]!.traffic).toEqual([{ atSeconds: 0, traffic: [] }]);
    expect(world.clients[0]!.endSeconds).toBe(300);
  });

  it.each([
    {
      what: 'an annotation inside an inline manifest',
      sets: ['services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]=10'],
      check: (l: ReturnType<typeof loadScenario>) => expect(l.world.services[0]!.revisions[0]!.autoscaling.deciderSpec.targetValue).toBeCloseTo(7, 10),
    },
    {
      what: 'an annotation with single quotes and a quoted string value',
      sets: [`services[0].manifest.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']="2"`],
      check: (l: ReturnType<typeof loadScenario>) => expect(l.world.services[0]!.revisions[0]!.autoscaling.minScale).toBe(2),
    },
    {
      what: 'a ConfigMap key (creating the missing ConfigMap)',
      sets: ['configMaps.config-autoscaler["stable-window"]=90s'],
      check: (l: ReturnType<typeof loadScenario>) => {
        expect(l.world.autoscalerConfig.stableWindowSeconds).toBe(90);
        // The revision's window annotation (60s) still wins over the ConfigMap.
        expect(l.world.services[0]!.revisions[0]!.autoscaling.deciderSpec.stableWindowSeconds).toBe(60);
      },
    },
    {
      what: 'progress deadline: the template annotation wins over config-deployment',
      sets: ['configMaps.config-deployment.progress-deadline=300s', `services[0].manifest.spec.template.metadata.annotations["serving.knative.dev/progress-deadline"]=90s`],
      check: (l: ReturnType<typeof loadScenario>) => {
        const a = l.world.services[0]!.revisions[0]!.autoscaling;
        expect(a.progressDeadlineSeconds).toBe(90);
        expect(a.activationTimeoutSeconds).toBe(120);
      },
    },
    {
      what: 'progress deadline from config-deployment',
      sets: ['configMaps.config-deployment.progress-deadline=5m'],
      check: (l: ReturnType<typeof loadScenario>) => expect(l.world.services[0]!.revisions[0]!.autoscaling.progressDeadlineSeconds).toBe(300),
    },
    {
      what: 'a client rps',
      sets: ['clients[0].open.rps=25'],
      check: (l: ReturnType<typeof loadScenario>) => expect((l.world.clients[0] as { rate: unknown }).rate).toEqual({ shape: 'constant', rps: 25 }),
    },
    {
      what: 'duration (Go string), the trace mode and the time series',
      sets: ['duration=1h30m', 'trace=none', 'series=false'],
      check: (l: ReturnType<typeof loadScenario>) => {
        expect(l.world.durationSeconds).toBe(5400);
        expect(l.traceMode).toEqual({ mode: 'none' });
        expect(l.series).toBe(false);
        expect(l.world.clients[0]!.endSeconds).toBe(5400);
      },
    },
    {
      what: 'containerConcurrency (later --set wins)',
      sets: ['services[0].manifest.spec.template.spec.containerConcurrency=5', 'services[0].manifest.spec.template.spec.containerConcurrency=1'],
      check: (l: ReturnType<typeof loadScenario>) => {
        const r = l.world.services[0]!.revisions[0]!;
        expect(r.containerConcurrency).toBe(1);
        expect(r.autoscaling.deciderSpec.targetValue).toBeCloseTo(0.7, 10);
      },
    },
  ])('--set overrides $what', ({ sets, check }) => {
    check(loadScenario(base, { sets }));
  });

  it('seed and durationSeconds options override the file (after --set)', () => {
    const l = loadScenario(base, { sets: ['seed=5', 'duration=1m'], seed: 99, durationSeconds: 42 });
    expect(l.world.seed).toBe(99);
    expect(l.world.durationSeconds).toBe(42);
  });

  it('picks one Service out of a multi-document manifest file with manifestName', () => {
    const l = loadScenario(base, {
      sets: ['services[0]={manifestFile: manifests/multi.yaml, manifestName: beta}', 'clients[0].service=beta'],
    });
    const r = l.world.services[0]!.revisions[0]!;
    expect(l.world.services[0]!.name).toBe('beta');
    expect(r.name).toBe('beta-00001');
    expect(r.containerConcurrency).toBe(7);
  });

  it('takes the rollout duration from config-network, then from the Service annotation from the update that sets it on', () => {
    const l = loadScenario(base, {
      sets: [
        'configMaps.config-network.rollout-duration=30',
        'services[0].updates=[{at: 1m, template: {spec: {containerConcurrency: 3, containers: [{image: "hello:1"}]}}, annotations: {"serving.knative.dev/rollout-duration": 2m}}]',
      ],
    });
    const s = l.world.services[0]!;
    expect(s.rolloutDurationSeconds).toBe(30);
    expect(s.rolloutDurationChanges).toEqual([{ atSeconds: 60, seconds: 120 }]);
    expect(s.revisions.map((r) => r.name)).toEqual(['hello-00001', 'hello-00002']);
    expect(s.traffic).toEqual([{ atSeconds: 0, traffic: [] }]);
  });

  it('keeps every change of the rollout duration, also one without a new revision (it was ignored, or refused between revisions)', () => {
    const l = loadScenario(base, {
      sets: [
        'services[0].manifest.metadata.annotations={"serving.knative.dev/rollout-duration": 2m}',
        'services[0].updates=[' +
          '{at: 1m, template: {spec: {containerConcurrency: 3, containers: [{image: "hello:1"}]}}},' +
          '{at: 90s, annotations: {}},' +
          '{at: 2m, annotations: {}},' +
          '{at: 3m, template: {spec: {containerConcurrency: 4, containers: [{image: "hello:1"}]}}, annotations: {"serving.knative.dev/rollout-duration": 5m}}]',
      ],
    });
    const s = l.world.services[0]!;
    expect(s.rolloutDurationSeconds).toBe(120);
    // Removing the annotation falls back to config-network's 0; an unchanged value is no change.
    expect(s.rolloutDurationChanges).toEqual([
      { atSeconds: 90, seconds: 0 },
      { atSeconds: 180, seconds: 300 },
    ]);
    expect(s.revisions.map((r) => r.name)).toEqual(['hello-00001', 'hello-00002', 'hello-00003']);
  });

  it('an unchanged template in an update creates no revision', () => {
    const l = loadScenario(base, {
      sets: [
        'services[0].updates=[{at: 1m, template: {metadata: {annotations: {"autoscaling.knative.dev/window": 60s}}, spec: {containers: [{image: "hello:1"}]}}}]',
      ],
    });
    expect(l.world.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001']);
  });

  it('scenarioFromValue resolves files against the given scenario path', () => {
    const l = scenarioFromValue(
      {
        name: 'inline',
        duration: 60,
        services: [{ manifestFile: 'manifests/hello.yaml' }],
        clients: [{ name: 'c', service: 'hello', trace: { file: 'traces/simple-arrivals.csv', offset: 1, timeScale: 0.5, useDurations: true } }],
      },
      fixture('virtual.yaml'),
    );
    const c = l.world.clients[0]!;
    expect(c.kind).toBe('trace');
    if (c.kind !== 'trace') return;
    expect(Array.from(c.arrivals)).toEqual([1.5, 2, 2.5, 3, 3.5]);
    expect(c.durations).toBeUndefined();
  });
});

describe('shipped scenarios', () => {
  const files = readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

  it('there are shipped scenarios, quickstart among them', () => {
    expect(files).toContain('quickstart.yaml');
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(files)('%s loads, is named after its file, and says what to look at', (f) => {
    const l = loadScenario(join(SCENARIOS, f));
    expect(`${l.name}.yaml`).toBe(f);
    expect(l.description.length).toBeGreaterThan(40);
    expect(l.world.durationSeconds).toBeGreaterThan(0);
    // capacity-planning plans a whole day (its traffic is a daily cycle); the others stay short.
    expect(l.world.durationSeconds).toBeLessThanOrEqual(f === 'capacity-planning.yaml' ? 86_400 : 30 * 60);
    expect(l.world.services.length).toBeGreaterThanOrEqual(1);
    expect(l.world.clients.length).toBeGreaterThanOrEqual(1);
  });

  it('the tbc-* scenarios differ only in target burst capacity', () => {
    const tbc = (name: string) => loadScenario(join(SCENARIOS, `${name}.yaml`)).world.services[0]!.revisions[0]!.autoscaling.deciderSpec.targetBurstCapacity;
    expect([tbc('tbc-unlimited'), tbc('tbc-zero'), tbc('tbc-default')]).toEqual([-1, 0, 211]);
    const strip = (name: string) => {
      const w = loadScenario(join(SCENARIOS, `${name}.yaml`)).world;
      return { clients: w.clients, cc: w.services[0]!.revisions[0]!.containerConcurrency, initialPods: w.services[0]!.revisions[0]!.initialPods };
    };
    expect(strip('tbc-zero')).toEqual(strip('tbc-default'));
    expect(strip('tbc-unlimited')).toEqual(strip('tbc-default'));
  });

  it('azure-trace replays both trace formats', () => {
    const w = loadScenario(join(SCENARIOS, 'azure-trace.yaml')).world;
    const [azure, simple] = w.clients;
    expect(azure?.kind).toBe('trace');
    expect(simple?.kind).toBe('trace');
    if (azure?.kind !== 'trace' || simple?.kind !== 'trace') return;
    expect(azure.arrivals.length).toBe(200);
    expect(azure.arrivals[0]).toBe(5);
    expect(azure.durations?.length).toBe(200);
    expect(simple.durations).toBeUndefined();
    expect(simple.arrivals.length).toBeGreaterThan(100);
  });
});
