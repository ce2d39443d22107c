import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCpuMillis, parseMemoryBytes, QuantityError } from '../../src/scenario/quantity.js';
import { scenarioFromValue, loadScenario } from '../../src/scenario/load.js';
import { runKnsim } from '../support/cli.js';
import { catchScenarioError, SCENARIOS } from './helpers.js';

describe('Kubernetes quantities', () => {
  it.each([
    ['500m', 500],
    ['1', 1000],
    [1, 1000],
    [0.5, 500],
    ['1.5', 1500],
    ['2k', 2_000_000],
    ['100u', 1], // rounded up to a whole millicore, as MilliValue does
    ['1e-3', 1],
    ['0', 0],
    ['.25', 250],
  ] as const)('cpu %j is %d m', (q, m) => expect(parseCpuMillis(q)).toBe(m));

  it.each([
    ['2Gi', 2 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['100M', 100_000_000],
    ['1.5Ki', 1536],
    ['128974848', 128974848],
    ['129e6', 129_000_000],
    ['1k', 1000],
  ] as const)('memory %j is %d bytes', (q, b) => expect(parseMemoryBytes(q)).toBe(b));

  it.each([['abc'], ['1.5 Gi'], [' 1'], ['1gi'], ['--1'], ['-1'], ['1Gb'], [''], [true], [null]])('rejects %j', (q) => {
    expect(() => parseCpuMillis(q)).toThrow(QuantityError);
  });
});

const manifest = (container: Record<string, unknown>, annotations: Record<string, string> = {}) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'hello' },
  spec: { template: { metadata: { annotations }, spec: { containers: [{ image: 'app', ...container }] } } },
});

const scenario = (over: Record<string, unknown> = {}, container: Record<string, unknown> = {}, app: Record<string, unknown> = { cpu: { work: '100ms' } }) => ({
  name: 't',
  duration: '1m',
  services: [{ manifest: manifest(container), app }],
  clients: [{ name: 'c', service: 'hello', open: { rps: 1 } }],
  ...over,
});

const rev = (raw: unknown) => scenarioFromValue(raw, 's.yaml').world.services[0]!.revisions[0]!;

describe('resources from the manifest and the ConfigMaps', () => {
  it('reads requests and limits; the queue-proxy requests 25m', () => {
    const r = rev(scenario({}, { resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: 1, memory: '512Mi' } } }));
    expect(r.resources).toEqual({
      user: { cpuRequestMillis: 500, cpuLimitMillis: 1000, memoryRequestBytes: 256 * 2 ** 20, memoryLimitBytes: 512 * 2 ** 20 },
      sidecars: [],
      queueProxy: { cpuRequestMillis: 25 },
      // The queue-proxy requests no memory unless config-deployment says so.
      withoutRequest: { memory: 'queue-proxy' },
    });
    expect(r.work).toEqual({ kind: 'cpu', waitSeconds: { dist: 'constant', value: 0 }, parallelism: 1, ceilingMillis: 1000 });
    expect(r.serviceTime).toEqual({ dist: 'constant', value: 0.1 });
  });

  it('a request left unset takes the limit (Kubernetes defaulting); config-defaults fills containers that set none', () => {
    expect(rev(scenario({}, { resources: { limits: { cpu: '2' } } })).resources!.user).toMatchObject({ cpuRequestMillis: 2000, cpuLimitMillis: 2000 });
    const withDefaults = scenario({
      configMaps: {
        'config-defaults': { 'revision-cpu-request': '400m', 'revision-memory-limit': '200M' },
        'config-deployment': { 'queue-sidecar-cpu-request': '50m', 'queue-sidecar-memory-request': '64Mi' },
      },
    });
    const r = rev(withDefaults);
    expect(r.resources!.user).toEqual({ cpuRequestMillis: 400, cpuLimitMillis: undefined, memoryRequestBytes: 200_000_000, memoryLimitBytes: 200_000_000 });
    expect(r.resources!.queueProxy).toEqual({ cpuRequestMillis: 50, memoryRequestBytes: 64 * 2 ** 20 });
  });

  it("the queue-proxy's limit fills its unset request, as Kubernetes defaults a container", () => {
    const cms = { configMaps: { 'config-deployment': { 'queue-sidecar-memory-limit': '300Mi', 'queue-sidecar-cpu-limit': '200m' } } };
    expect(rev(scenario(cms)).resources!.queueProxy).toEqual({ cpuRequestMillis: 25, cpuLimitMillis: 200, memoryRequestBytes: 300 * 2 ** 20, memoryLimitBytes: 300 * 2 ** 20 });
    const byAnnotation = scenario();
    (byAnnotation.services[0]!.manifest.spec.template.metadata.annotations as Record<string, string>)['queue.sidecar.serving.knative.dev/memory-resource-limit'] = '250Mi';
    expect(rev(byAnnotation).resources!.queueProxy).toEqual({ cpuRequestMillis: 25, memoryRequestBytes: 250 * 2 ** 20, memoryLimitBytes: 250 * 2 ** 20 });
  });

  it('config-features queueproxy.resource-defaults: enabled gives the queue-proxy Knative’s defaults where config-deployment sets none', () => {
    const on = (deployment: Record<string, string> = {}) => scenario({ configMaps: { 'config-features': { 'queueproxy.resource-defaults': 'Enabled' }, 'config-deployment': deployment } });
    expect(rev(on()).resources!.queueProxy).toEqual({ cpuRequestMillis: 25, cpuLimitMillis: 1000, memoryRequestBytes: 400 * 2 ** 20, memoryLimitBytes: 800 * 2 ** 20 });
    expect(rev(on({ 'queue-sidecar-memory-limit': '1Gi' })).resources!.queueProxy).toEqual({ cpuRequestMillis: 25, cpuLimitMillis: 1000, memoryRequestBytes: 400 * 2 ** 20, memoryLimitBytes: 2 ** 30 });
    // Disabled (the default) leaves only the CPU request.
    expect(rev(scenario({ configMaps: { 'config-features': { 'queueproxy.resource-defaults': 'disabled' } } })).resources!.queueProxy).toEqual({ cpuRequestMillis: 25 });
  });

  it("a queue-proxy request above its limit is refused as the API server refuses the revision's Deployment", () => {
    const fromConfig = catchScenarioError(() => rev(scenario({ configMaps: { 'config-deployment': { 'queue-sidecar-cpu-request': '2', 'queue-sidecar-cpu-limit': '1' } } })));
    expect(fromConfig.path).toBe('configMaps.config-deployment["queue-sidecar-cpu-request"]');
    expect(fromConfig.rule).toBe("must be less than or equal to cpu limit of 1000m, got 2000m: the API server refuses every revision's Deployment (its queue-proxy container)");
    const withDefaults = scenario({ configMaps: { 'config-features': { 'queueproxy.resource-defaults': 'enabled' } } });
    (withDefaults.services[0]!.manifest.spec.template.metadata.annotations as Record<string, string>)['queue.sidecar.serving.knative.dev/memory-resource-request'] = '1Gi';
    const fromAnnotation = catchScenarioError(() => rev(withDefaults));
    expect(fromAnnotation.path).toBe('services[0].manifest.spec.template.metadata.annotations["queue.sidecar.serving.knative.dev/memory-resource-request"]');
    expect(fromAnnotation.rule).toBe(`must be less than or equal to memory limit of ${800 * 2 ** 20} bytes, got ${2 ** 30} bytes: the API server refuses the revision's Deployment (its queue-proxy container)`);
  });

  it('without app.cpu/profile/memory a revision keeps the fixed service time and carries no resources', () => {
    const r = rev(scenario({}, { resources: { limits: { cpu: '2' } } }, { serviceTime: '50ms' }));
    expect(r.work).toBeUndefined();
    expect(r.resources).toBeUndefined();
    expect(r.serviceTime).toEqual({ dist: 'constant', value: 0.05 });
  });

  it('a profile by throughput becomes latencies (Little’s law); its first latency is the request’s time alone', () => {
    const r = rev(scenario({}, {}, { profile: [{ concurrency: 1, rps: 20 }, { concurrency: 4, latency: '80ms', cpu: '900m' }].map((p, i) => (i === 0 ? { ...p, cpu: '250m' } : p)) }));
    expect(r.work).toEqual({ kind: 'profile', concurrency: [1, 4], latencySeconds: [0.05, 0.08], cpuMillis: [250, 900] });
    expect(r.serviceTime).toEqual({ dist: 'constant', value: 0.05 });
  });

  it('cluster.podCpuCeiling sets the CPU of pods without a limit', () => {
    expect(rev(scenario({ cluster: { podCpuCeiling: '2500m' } })).work).toMatchObject({ ceilingMillis: 2500 });
  });

  // Only the CPU model reads the ceiling: without one anywhere it does nothing, and the loader says so.
  it.each([
    { what: 'a CPU model', app: { cpu: { work: '100ms' } }, updates: undefined, warned: undefined },
    { what: 'a fixed service time', app: { serviceTime: '100ms' }, updates: undefined, warned: ['s.yaml: cluster.podCpuCeiling: 2500m is read by the CPU model only, and no revision has one (app.cpu): it has no effect'] },
    { what: 'a profile', app: { profile: [{ concurrency: 1, latency: '50ms', cpu: '250m' }] }, updates: undefined, warned: ['s.yaml: cluster.podCpuCeiling: 2500m is read by the CPU model only, and no revision has one (app.cpu): it has no effect'] },
    { what: 'a CPU model from an update only', app: { serviceTime: '100ms' }, updates: [{ at: '30s', template: { spec: { containers: [{ image: 'app:2' }] } }, app: { cpu: { work: '100ms' } } }], warned: undefined },
  ])('cluster.podCpuCeiling with $what', ({ app, updates, warned }) => {
    const raw = scenario({ cluster: { podCpuCeiling: '2500m' } }, {}, app) as Record<string, unknown>;
    if (updates !== undefined) (raw['services'] as Array<Record<string, unknown>>)[0]!['updates'] = updates;
    expect(scenarioFromValue(raw, 's.yaml').warnings).toEqual(warned);
  });
});

describe('init containers\' requests (config-features kubernetes.podspec-init-containers: enabled)', () => {
  const withInit = (init: Record<string, unknown>, nodes = false) => {
    const raw = scenario({
      configMaps: { 'config-features': { 'kubernetes.podspec-init-containers': 'enabled' } },
      ...(nodes ? { cluster: { nodePools: [{ name: 'small', cpu: '2', memory: '8Gi', pricePerHour: 0.1, initialNodes: 1, maxNodes: 1 }] } } : {}),
    }, { resources: { requests: { cpu: '500m' } } });
    const m = raw.services[0]!.manifest as { spec: { template: { spec: Record<string, unknown> } } };
    m.spec.template.spec['initContainers'] = [{ name: 'init', image: 'busybox', ...init }];
    return rev(raw);
  };
  it('are read, a limit copied into a missing request; config-defaults does not fill them', () => {
    expect(withInit({ resources: { limits: { cpu: '3', memory: '64Mi' } } }).resources!.initContainers).toEqual([
      { cpuRequestMillis: 3000, cpuLimitMillis: 3000, memoryRequestBytes: 64 * 2 ** 20, memoryLimitBytes: 64 * 2 ** 20 },
    ]);
  });
  it('the scheduler counts the largest init container where it exceeds the containers: 3000m, not 525m', () => {
    expect(withInit({ resources: { requests: { cpu: '3' } } }, true).podRequests!.requests).toEqual({ cpuMillis: 3000, memoryBytes: 0 });
    expect(withInit({ resources: { requests: { cpu: '100m' } } }, true).podRequests!.requests).toEqual({ cpuMillis: 525, memoryBytes: 0 });
  });
  it('a request above its limit is refused as the API server refuses it', () => {
    const e = catchScenarioError(() => withInit({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }));
    expect(e.message).toContain('initContainers[0].resources.requests.cpu: must be less than or equal to cpu limit of 1000m, got 2000m');
  });
});

describe('the first container without a request (what the HPA names)', () => {
  const withContainers = (containers: Array<Record<string, unknown>>) => {
    const raw = scenario();
    const m = raw.services[0]!.manifest as { spec: { template: { spec: Record<string, unknown> } } };
    m.spec.template.spec['containers'] = containers;
    return rev(raw).resources!.withoutRequest;
  };
  const serving = { image: 'app', ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '500m', memory: '64Mi' } } };
  it('is named as the webhook names it, in the template\'s order, before the queue-proxy', () => {
    // Unnamed: user-container-0 (the sidecar, first) and user-container-1.
    expect(withContainers([{ image: 'envoy' }, serving])).toEqual({ cpu: 'user-container-0', memory: 'user-container-0' });
    expect(withContainers([{ ...serving, name: 'app' }, { image: 'envoy', name: 'envoy', resources: { requests: { memory: '32Mi' } } }])).toEqual({ cpu: 'envoy', memory: 'queue-proxy' });
  });
  it('a lone container without a CPU request is user-container', () => {
    expect(withContainers([{ image: 'app' }])).toEqual({ cpu: 'user-container', memory: 'user-container' });
  });
});

describe('a memory limit of 0', () => {
  it('is no limit (the kubelet sets none): a memory baseline above 0 is accepted', () => {
    const r = rev(scenario({}, { resources: { limits: { memory: '0' } } }, { memory: { baseline: '200Mi' } }));
    expect(r.resources!.user).toMatchObject({ memoryRequestBytes: 0, memoryLimitBytes: 0 });
    expect(r.memory).toEqual({ baselineBytes: 200 * 2 ** 20, perRequestBytes: 0 });
  });
});

describe('bad input: one line with the file, the field path and the rule', () => {
  const base = 'services[0].manifest.spec.template.spec.containers[0].resources';
  it.each([
    [scenario({}, { resources: { limits: { cpu: '1 core' } } }), `s.yaml: ${base}.limits.cpu: "1 core": quantities must match`],
    [scenario({}, { resources: { requests: { memory: '-1Gi' } } }), `s.yaml: ${base}.requests.memory: "-1Gi": must be greater than or equal to 0`],
    [scenario({}, { resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }), `s.yaml: ${base}.requests.cpu: must be less than or equal to cpu limit of 1000m, got 2000m`],
    [scenario({ configMaps: { 'config-defaults': { 'revision-cpu-limit': 'lots' } } }), 's.yaml: configMaps.config-defaults["revision-cpu-limit"]: failed to parse quantity: "lots": quantities must match'],
    [scenario({}, {}, { serviceTime: '1s', cpu: { work: '1s' } }), 's.yaml: services[0].app.serviceTime: set either serviceTime or cpu'],
    [scenario({}, {}, { profile: [{ concurrency: 2, latency: '1s' }, { concurrency: 2, latency: '2s' }] }), 's.yaml: services[0].app.profile[1].concurrency: must be greater than the previous point'],
    [scenario({}, {}, { profile: [{ concurrency: 1, latency: '1s', rps: 3 }] }), 's.yaml: services[0].app.profile[0]: exactly one of latency, rps is required'],
    [scenario({}, { resources: { limits: { memory: '100Mi' } } }, { memory: { baseline: '200Mi' } }), 's.yaml: services[0].app.memory.baseline: 209715200 bytes is above the container'],
    [scenario({}, {}, { memory: { baseline: '1 GB' } }), 's.yaml: services[0].app.memory.baseline: "1 GB": quantities must match'],
    [scenario({ cluster: { metricsResolution: '5s' } }), "s.yaml: cluster.metricsResolution: must be at least 10s (metrics-server's minimum), got 5s"],
    [scenario({ cluster: { podCpuCeiling: 0 } }), 's.yaml: cluster.podCpuCeiling: must be greater than 0'],
  ])('%#: %s', (raw, want) => {
    const e = catchScenarioError(() => scenarioFromValue(raw, 's.yaml'));
    expect(e.message.startsWith(want), e.message).toBe(true);
    expect(e.message).not.toContain('\n');
  });

  it('the CLI exits 2 with that one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-q-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, JSON.stringify(scenario({}, { resources: { limits: { cpu: '1.2.3' } } })));
    const r = runKnsim(['run', file, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`knsim: ${file}: ${base}.limits.cpu: "1.2.3": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (e.g. 500m, 1.5, 2Gi)`]);
  });
});

describe('scenarios/cpu-bound.yaml loads as described', () => {
  it('has 1-CPU requests and limits, the CPU model with a 20 ms wait and memory 128Mi + 8Mi per request', () => {
    const r = loadScenario(join(SCENARIOS, 'cpu-bound.yaml')).world.services[0]!.revisions[0]!;
    expect(r.resources!.user).toEqual({ cpuRequestMillis: 1000, cpuLimitMillis: 1000, memoryRequestBytes: 256 * 2 ** 20, memoryLimitBytes: 512 * 2 ** 20 });
    expect(r.work).toMatchObject({ kind: 'cpu', waitSeconds: { dist: 'constant', value: 0.02 } });
    expect(r.memory).toEqual({ baselineBytes: 128 * 2 ** 20, perRequestBytes: 8 * 2 ** 20 });
    expect(readFileSync(join(SCENARIOS, 'cpu-bound.yaml'), 'utf8')).toContain('autoscaling.knative.dev/target: "10"');
  });
});
