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
  /** The target, for the table. */
  target: string;
}

function steadyService(
  name: string,
  rps: number,
  cc: number,
  serviceTime: string,
  initialPods: number,
  containers?: unknown[],
): { service: Record<string, unknown>; client: Record<string, unknown> } {
  return {
    service: {
      manifest: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name },
        spec: { template: { spec: { containerConcurrency: cc, ...(containers === undefined ? {} : { containers }) } } },
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
    const s = steadyService(name, mean, 2, '100ms', 1, [{ image: 'x', resources: { requests: { cpu: '400m', memory: '1Gi' } } }]);
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
    target: '≥ 1,000,000 req/s',
  },
  {
    name: 'steady-1h-requests-csv',
    description: 'the same with requests.csv written',
    scenario: steady(1),
    trace: 'full',
    target: '≥ 300,000 req/s',
  },
  {
    name: 'steady-24h',
    description: '1,000 RPS for 24 simulated hours (86.4 M requests), no request trace',
    scenario: steady(24),
    trace: 'none',
    target: 'peak RSS < 300 MB',
  },
  {
    name: '100-services',
    description: '100 services averaging 10 RPS each, 1 simulated hour',
    scenario: manyServices(),
    trace: 'none',
    target: '< 15 s wall',
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
