/**
 * The benchmark cases of `npm run bench`, as scenarios (so they go through the same
 * loader and model as user scenarios).
 */

export interface BenchCase {
  name: string;
  description: string;
  /** The scenario as parsed YAML. */
  scenario: Record<string, unknown>;
  /** Write requests.csv (full trace) or not. */
  trace: 'none' | 'full';
  /** false: skip the time series, as `knsim run --no-series` does (default true). */
  series?: boolean;
  /** The target, for the table (issue 19). */
  target: string;
  /** Also time a bare fastpriorityqueue loop with this run's event count and mean queue size. */
  bareLoop?: boolean;
}

function steadyService(
  name: string,
  rps: number,
  cc: number,
  serviceTime: string | Record<string, unknown>,
  initialPods: number,
  extra: { annotations?: Record<string, string>; containers?: unknown[] } = {},
): { service: Record<string, unknown>; client: Record<string, unknown> } {
  const metadata = extra.annotations === undefined ? {} : { metadata: { annotations: extra.annotations } };
  // Knative requires a container; one without resources leaves the pod as config-defaults makes it.
  const containers = extra.containers ?? [{ image: 'app' }];
  return {
    service: {
      manifest: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name },
        spec: { template: { ...metadata, spec: { containerConcurrency: cc, containers } } },
      },
      initialPods,
      app: { serviceTime },
    },
    client: { name: `${name}-load`, service: name, open: { process: 'poisson', rps } },
  };
}

function steady(hours: number): Record<string, unknown> {
  const s = steadyService('steady', 1000, 10, '100ms', 15);
  return { name: 'bench-steady', seed: 1, duration: `${hours}h`, services: [s.service], clients: [s.client] };
}

/** `count` services at `rps` each, containerConcurrency 10, 100 ms (steady-1h's app, its load spread over services). */
function servicesAt(count: number, rps: number): Record<string, unknown> {
  const services = [];
  const clients = [];
  for (let i = 0; i < count; i++) {
    const s = steadyService(`svc-${String(i).padStart(4, '0')}`, rps, 10, '100ms', 1);
    services.push(s.service);
    clients.push(s.client);
  }
  return { name: `bench-${count}-services`, seed: 1, duration: '1h', services, clients };
}

/**
 * SimFaaS's README workload: Poisson arrivals at 0.9 req/s, exponential 1.991 s service,
 * one request per instance, instances kept warm 10 minutes after their last request
 * (here: scale-to-zero-pod-retention-period), for 10^6 s.
 */
function lowRate(): Record<string, unknown> {
  const s = steadyService('low', 0.9, 1, { dist: 'exponential', mean: '1.991s' }, 1, {
    annotations: { 'autoscaling.knative.dev/scale-to-zero-pod-retention-period': '10m' },
  });
  return { name: 'bench-low-rate', seed: 1, duration: '1000000s', services: [s.service], clients: [s.client] };
}

/** From zero pods, containerConcurrency 1, 2 s requests at `rps` for 20 s: the autoscaler scales up to thousands of pods. */
function scaleUp(rps: number): Record<string, unknown> {
  const s = steadyService('burst', rps, 1, '2s', 0);
  return { name: `bench-scale-up-${rps}`, seed: 1, duration: '20s', services: [s.service], clients: [s.client] };
}

function manyServices(): Record<string, unknown> {
  const services = [];
  const clients = [];
  for (let i = 0; i < 100; i++) {
    // 1 to 19 rps, averaging 10.
    const s = steadyService(`svc-${String(i).padStart(3, '0')}`, 1 + ((i * 7) % 19), 0, '50ms', 1);
    services.push(s.service);
    clients.push(s.client);
  }
  return { name: 'bench-many', seed: 1, duration: '1h', services, clients };
}

/**
 * 100 services on a pool of 50 nodes (2 CPU each) that the Cluster Autoscaler may shrink to 10 or
 * grow to 60: each pod requests 400m (425m with the queue-proxy), so a node holds four. Each
 * service's load swings between 0 and twice its mean (1 to 19 rps, averaging 10) every 30 min,
 * so services scale between 1 and about 3 pods, pods go Pending at the peaks and nodes come and go.
 */
function manyServicesOnNodes(hours: number): Record<string, unknown> {
  const services = [];
  const clients = [];
  for (let i = 0; i < 100; i++) {
    const name = `svc-${String(i).padStart(3, '0')}`;
    const mean = 1 + ((i * 7) % 19);
    const s = steadyService(name, mean, 2, '100ms', 1, { containers: [{ image: 'app', resources: { requests: { cpu: '400m', memory: '1Gi' } } }] });
    services.push(s.service);
    clients.push({ name: `${name}-load`, service: name, open: { process: 'poisson', rate: { shape: 'sine', mean, amplitude: mean, period: '30m' } } });
  }
  return {
    name: 'bench-many-nodes',
    seed: 1,
    duration: `${hours}h`,
    configMaps: { 'config-deployment': { 'pod-is-always-schedulable': 'true' } },
    cluster: {
      nodePools: [{ name: 'std-2', cpu: '2', memory: '8Gi', pricePerHour: 0.1, minNodes: 10, initialNodes: 50, maxNodes: 60 }],
      nodeAutoscaler: { kind: 'cluster-autoscaler' },
    },
    services,
    clients,
  };
}

export const BENCH_CASES: BenchCase[] = [
  {
    name: 'steady-1h',
    description: '1,000 RPS, containerConcurrency 10, 100 ms, 1 simulated hour, no request trace',
    scenario: steady(1),
    trace: 'none',
    target: '≥ 3,000,000 req/s; ≥ 0.5 of a bare queue loop',
    bareLoop: true,
  },
  {
    name: 'steady-1h-requests-csv',
    description: 'the same with requests.csv written',
    scenario: steady(1),
    trace: 'full',
    target: '≥ 1,000,000 req/s',
  },
  {
    name: 'steady-24h',
    description: '1,000 RPS for 24 simulated hours (86.4 M requests), no request trace',
    scenario: steady(24),
    trace: 'none',
    target: 'peak RSS < 200 MB',
  },
  {
    name: 'low-rate',
    description: '0.9 req/s for 10^6 simulated seconds, containerConcurrency 1, exponential 1.991 s, pods kept 10 min',
    scenario: lowRate(),
    trace: 'none',
    target: '≤ 2 s wall',
  },
  {
    name: 'low-rate-no-series',
    description: 'the same with --no-series (no timeseries.csv, autoscaler.csv, requests-per-second.csv)',
    scenario: lowRate(),
    trace: 'none',
    series: false,
    target: 'reference: what the time series cost low-rate',
  },
  {
    name: '100-services',
    description: '100 services averaging 10 RPS each, 1 simulated hour',
    scenario: manyServices(),
    trace: 'none',
    target: '< 15 s wall',
  },
  {
    name: '1000-services',
    description: '1,000 services at 1 RPS each (steady-1h\'s total rate and app), 1 simulated hour',
    scenario: servicesAt(1000, 1),
    trace: 'none',
    target: '≤ 3× steady-1h\'s wall; peak RSS < 300 MB',
  },
  {
    name: '1000-services-no-series',
    description: 'the same with --no-series (no timeseries.csv, autoscaler.csv, requests-per-second.csv)',
    scenario: servicesAt(1000, 1),
    trace: 'none',
    series: false,
    target: 'reference: what the time series cost 1000-services',
  },
  {
    name: 'scale-up-500',
    description: 'from zero pods, containerConcurrency 1, 500 RPS of 2 s requests for 20 simulated seconds',
    scenario: scaleUp(500),
    trace: 'none',
    target: 'reference for scale-up-2000',
  },
  {
    name: 'scale-up-2000',
    description: 'the same at 2,000 RPS: a scale-up to about 17,000 pods',
    scenario: scaleUp(2000),
    trace: 'none',
    target: '≤ 1.2× scale-up-500\'s wall per event',
  },
  {
    name: '100-services-50-nodes',
    description: 'the 100 services on a 50-node pool with the Cluster Autoscaler, 1 simulated hour',
    scenario: manyServicesOnNodes(1),
    trace: 'none',
    target: '< 30 s wall',
  },
  {
    name: '100-services-50-nodes-4h',
    description: 'the same for 4 simulated hours (memory flat in run length)',
    scenario: manyServicesOnNodes(4),
    trace: 'none',
    target: 'peak RSS within 15 % of the 1 h case',
  },
];
