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

function steadyService(name: string, rps: number, cc: number, serviceTime: string, initialPods: number): { service: Record<string, unknown>; client: Record<string, unknown> } {
  return {
    service: {
      manifest: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name },
        spec: { template: { spec: { containerConcurrency: cc } } },
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
];
