import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH_CASES } from '../../src/bench/cases.js';
import { UsageError } from '../../src/cli/errors.js';
import { parseWorkLimits, workLimitArgs } from '../../src/cli/flags.js';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { nullRecorder } from '../../src/model/recorder.js';
import { World } from '../../src/model/world.js';
import { checkWork, DEFAULT_WORK_LIMITS, estimateWork, expectedArrivals, fmtAmount, guardProgress, runRequestLimit, type WorkItem, type WorkLimits } from '../../src/scenario/work-estimate.js';
import { catchScenarioError, fixture, SCENARIOS } from './helpers.js';

const sum = (items: readonly WorkItem[]): number => items.reduce((a, it) => a + it.amount, 0);

/** A one-service scenario: 10 rps of 100 ms requests for an hour against one pod. */
function base(): Record<string, any> {
  return {
    name: 'limits',
    duration: '1h',
    services: [
      {
        manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: { metadata: { annotations: {} }, spec: { containers: [{ image: 'app' }] } } } },
        initialPods: 1,
        app: { serviceTime: '100ms' },
      },
    ],
    clients: [{ name: 'load', service: 'hello', open: { rps: 10 } }],
  };
}

const ANN = 'services[0].manifest.spec.template.metadata.annotations';

describe('estimateWork', () => {
  it.each([
    // [scanInterval, CA loops per second]: one Cluster Autoscaler loop per scan interval is a periodic event too
    ['10s', 0.1],
    ['1ms', 1000],
    ['1ns', 1e9],
  ])('counts the Cluster Autoscaler loop at scanInterval %s', (scanInterval, loops) => {
    const v = { ...base(), cluster: { nodePools: [{ name: 'std', cpu: '4', memory: '16Gi', pricePerHour: 0.2, initialNodes: 1 }], nodeAutoscaler: { kind: 'cluster-autoscaler', scanInterval } } };
    const e = estimateWork(scenarioFromValue(v, 's.yaml'));
    expect(e.eventsPerSecond / (4.5 + loops)).toBeCloseTo(1, 12);
    expect(e.events / ((4.5 + loops) * 3600)).toBeCloseTo(1, 12);
    if (loops > 1) {
      // Over --max-events: one line naming the scan interval, not a run that never ends.
      expect(catchScenarioError(() => checkWork(scenarioFromValue(v, 's.yaml'), { ...DEFAULT_WORK_LIMITS, events: 1e6 }))).toMatchObject({ path: 'cluster.nodeAutoscaler.scanInterval' });
    }
  });
  // Karpenter's expiries were not counted: 5,000 nodes expiring every second for 2 minutes ran
  // 115 s and took 860 MB, relaunching the pool's floor 600,000 times.
  describe('Karpenter node launches', () => {
    const karpenter = (nodeAutoscaler: Record<string, unknown>, minNodes: number, duration: string): Record<string, any> => ({
      ...base(),
      duration,
      cluster: {
        nodePools: [
          { name: 'small', cpu: '3', memory: '8Gi', pricePerHour: 0.1, minNodes, maxNodes: 4980 },
          { name: 'big', cpu: '8', memory: '32Gi', pricePerHour: 0.4, minNodes: 20, maxNodes: 20 },
        ],
        nodeAutoscaler: { kind: 'karpenter', ...nodeAutoscaler },
      },
    });
    it('refuses the floor relaunched at every expiry, naming expireAfter and the arithmetic', () => {
      const loaded = scenarioFromValue(karpenter({ expireAfter: '1s' }, 4980, '2m'), 's.yaml');
      expect(sum(estimateWork(loaded).nodeLaunches)).toBe(600_000);
      expect(catchScenarioError(() => checkWork(loaded)).message).toBe(
        's.yaml: cluster.nodeAutoscaler.expireAfter: 5000 nodes kept by minNodes (small 4980, big 20), each launched again when it expires every 1 s: 5000 × 120 expiries in 120 s = 600000 node launches exceeds the limit of 100000 node launches (raise with --max-node-launches)',
      );
      expect(checkWork(loaded, { ...DEFAULT_WORK_LIMITS, nodeLaunches: 600_000 }).nodeLaunches[0]!.amount).toBe(600_000);
    });
    it.each([
      // upstream's default expireAfter (720h): no node expires within a day
      { what: 'the default expireAfter', autoscaler: {}, minNodes: 4980, duration: '24h', launches: 0 },
      { what: 'expireAfter: Never', autoscaler: { expireAfter: 'Never' }, minNodes: 4980, duration: '24h', launches: 0 },
      // 5000 nodes relaunched each day of a week; 1000 every hour of a day, and above that floor nodes
      // for the one revision pod, each consolidated no sooner than its 180 s start and a command's 15 s validation: 1 × 444.
      { what: 'expireAfter 24h on 5000 nodes for a week', autoscaler: { expireAfter: '24h' }, minNodes: 4980, duration: '168h', launches: 35_000 },
      { what: 'expireAfter 1h on 1000 nodes for a day', autoscaler: { expireAfter: '1h' }, minNodes: 980, duration: '24h', launches: 24_000 + 444 },
      // The big pool's 20 are the floor (2400); above it, nodes for the one revision pod at most, each
      // living at least the 1 s expireAfter: 1 × 121 launches in 120 s.
      { what: 'no minNodes in the small pool', autoscaler: { expireAfter: '1s' }, minNodes: 0, duration: '2m', launches: 2521 },
    ])('lets $what run ($launches launches)', ({ autoscaler, minNodes, duration, launches }) => {
      const loaded = scenarioFromValue(karpenter(autoscaler, minNodes, duration), 's.yaml');
      expect(sum(checkWork(loaded).nodeLaunches)).toBe(launches);
    });
  });

  it('counts the requests, pods and periodic events of a plain scenario', () => {
    const e = estimateWork(scenarioFromValue(base(), 's.yaml'));
    expect(sum(e.requests)).toBe(36_000);
    expect(e.requests[0]).toMatchObject({ path: 'clients[0].open.rps', amount: 36_000, how: '10 requests/s × 3600 s = 36000 requests' });
    // 1 activator (the default install's activator HPA minReplicas) + 1 pod (1 in flight at 0.7 × 100 per pod needs 1).
    expect(sum(e.pods)).toBe(2);
    // 1 sample + 1 activator push + 1.5 autoscaler ticks + 1 pod report per second.
    expect(e.eventsPerSecond).toBe(4.5);
    expect(e.events).toBe(4.5 * 3600);
  });

  it('integrates every rate shape over the client’s active time', () => {
    expect(expectedArrivals({ shape: 'constant', rps: 4 }, 10, 70)).toBe(240);
    expect(expectedArrivals({ shape: 'step', steps: [{ atSeconds: 0, rps: 1 }, { atSeconds: 30, rps: 5 }] }, 0, 60)).toBe(30 + 150);
    expect(expectedArrivals({ shape: 'ramp', fromRps: 0, toRps: 10, startSeconds: 0, endSeconds: 10 }, 0, 20)).toBe(50 + 100);
    expect(expectedArrivals({ shape: 'spike', baseRps: 1, peakRps: 101, atSeconds: 10, durationSeconds: 5 }, 0, 60)).toBe(60 + 500);
    expect(expectedArrivals({ shape: 'sine', meanRps: 10, amplitudeRps: 5, periodSeconds: 60, phaseSeconds: 0 }, 0, 600)).toBe(6000);
    // Clipped at 0: the peak bounds it.
    expect(expectedArrivals({ shape: 'sine', meanRps: 10, amplitudeRps: 30, periodSeconds: 60, phaseSeconds: 0 }, 0, 600)).toBe(24_000);
  });

  it('a closed loop sends users × time / cycle, and at least one request per user', () => {
    const s = base();
    s.clients = [{ name: 'hey', service: 'hello', closed: { users: 20, think: '900ms' } }];
    const e = estimateWork(scenarioFromValue(s, 's.yaml'));
    // cycle = 0.9 s think + 0.001 s ingress + 0.1 s service = 1.001 s.
    expect(sum(e.requests)).toBeCloseTo((20 * 3600) / 1.001, 6);
    expect(sum(e.users)).toBe(20);
    s.clients = [{ name: 'hey', service: 'hello', closed: { users: 20, think: '10000h' } }];
    expect(sum(estimateWork(scenarioFromValue(s, 's.yaml')).requests)).toBe(20);
  });

  it('every shipped scenario and bench case is within the default limits', () => {
    for (const f of readdirSync(SCENARIOS).filter((n) => n.endsWith('.yaml'))) {
      expect(() => checkWork(loadScenario(join(SCENARIOS, f))), f).not.toThrow();
    }
    const bench = new Map(BENCH_CASES.map((b) => [b.name, estimateWork(scenarioFromValue(b.scenario, `${b.name}.yaml`))]));
    expect(sum(bench.get('steady-24h')!.requests)).toBe(86_400_000);
    // 100 services at 1 + (7i mod 19) rps for an hour.
    let rps = 0;
    for (let i = 0; i < 100; i++) rps += 1 + ((i * 7) % 19);
    expect(sum(bench.get('100-services')!.requests)).toBe(rps * 3600);
    for (const b of BENCH_CASES) expect(() => checkWork(scenarioFromValue(b.scenario, `${b.name}.yaml`)), b.name).not.toThrow();
  });
});

interface Refusal {
  what: string;
  edit: (s: Record<string, any>) => void;
  path: string;
  rule: string;
  /** Limits that let it through (none for values no limit can take). */
  raised?: Partial<WorkLimits>;
}

const refusals: Refusal[] = [
  {
    what: 'rps: 1e12',
    edit: (s) => (s.clients[0].open.rps = 1e12),
    path: 'clients[0].open.rps',
    rule: '1e12 requests/s × 3600 s = 3.6e15 requests exceeds the limit of 1e9 requests (raise with --max-requests)',
    raised: { requests: 1e16, pods: 1e12, events: 1e16 },
  },
  {
    what: 'two clients over the limit together',
    edit: (s) => {
      s.clients[0].open.rps = 100_000;
      s.clients.push({ name: 'more', service: 'hello', open: { rps: 200_000 } });
    },
    path: 'clients[1].open.rps',
    rule: '200000 requests/s × 3600 s = 7.2e8 requests (1.08e9 requests in all) exceeds the limit of 1e9 requests (raise with --max-requests)',
    raised: { requests: 2e9 },
  },
  {
    what: 'a spike rate',
    edit: (s) => (s.clients[0].open = { rate: { shape: 'spike', base: 1, peak: 1e9, at: '10s', duration: '10s' } }),
    path: 'clients[0].open.rate',
    rule: 'a spike rate of up to 1e9 requests/s over 3600 s = 1e10 requests exceeds the limit of 1e9 requests (raise with --max-requests)',
    raised: { requests: 1e11, pods: 1e8 },
  },
  {
    what: '1e9 closed-loop users thinking for 1000 h',
    edit: (s) => (s.clients[0] = { name: 'hey', service: 'hello', closed: { users: 1e9, think: '1000h' } }),
    path: 'clients[0].closed.users',
    rule: '1e9 closed-loop users exceeds the limit of 100000 users (raise with --max-users)',
    raised: { users: 1e9, pods: 1e8, events: 1e11 },
  },
  {
    what: 'initialPods: 1e6',
    edit: (s) => (s.services[0].initialPods = 1e6),
    path: 'services[0].initialPods',
    rule: '1000000 pods of hello-00001 exceeds the limit of 100000 pods (raise with --max-pods)',
    raised: { pods: 2e6 },
  },
  {
    what: 'initialPods: 1e308',
    edit: (s) => (s.services[0].initialPods = 1e308),
    path: 'services[0].initialPods',
    rule: '1e308 pods of hello-00001 exceeds the limit of 100000 pods (raise with --max-pods)',
  },
  {
    what: 'min-scale 1e6 on the revision',
    edit: (s) => (s.services[0].manifest.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale'] = '1000000'),
    path: `${ANN}["autoscaling.knative.dev/min-scale"]`,
    rule: 'min-scale keeps 1000000 pods of hello-00001 exceeds the limit of 100000 pods (raise with --max-pods)',
    raised: { pods: 2e6 },
  },
  {
    what: 'min-scale 1e6 in config-autoscaler',
    edit: (s) => (s.configMaps = { 'config-autoscaler': { 'min-scale': '1000000' } }),
    path: 'configMaps.config-autoscaler["min-scale"]',
    rule: 'min-scale keeps 1000000 pods of hello-00001 exceeds the limit of 100000 pods (raise with --max-pods)',
    raised: { pods: 2e6 },
  },
  {
    what: 'initial-scale 500000 on a revision created by an update',
    edit: (s) => {
      s.services[0].updates = [{ at: '60s', template: { metadata: { annotations: { 'autoscaling.knative.dev/initial-scale': '500000' } }, spec: { containers: [{ image: 'app' }] } } }];
    },
    path: 'services[0].updates[0].template.metadata.annotations["autoscaling.knative.dev/initial-scale"]',
    rule: 'initial-scale starts 500000 pods of hello-00002 exceeds the limit of 100000 pods (raise with --max-pods)',
    raised: { pods: 1e6 },
  },
  {
    what: 'load that needs more pods than the limit',
    edit: (s) => {
      s.clients[0].open.rps = 100_000;
      s.duration = '5s';
      s.services[0].app.serviceTime = '100s';
    },
    path: 'clients[0].open.rps',
    rule: '100000 requests/s × 100 s service time = 1e7 requests in flight for hello-00001 at 70 per pod = 142858 pods exceeds the limit of 100000 pods (raise with --max-pods)',
    raised: { pods: 2e5 },
  },
  {
    what: 'cluster.activators: 1e9',
    edit: (s) => (s.cluster = { activators: 1e9 }),
    path: 'cluster.activators',
    rule: '1e9 activator pods exceeds the limit of 100000 pods (raise with --max-pods)',
    raised: { pods: 2e9, events: 1e13 },
  },
  {
    what: 'a 100-year duration',
    edit: (s) => {
      s.duration = '876000h';
      s.clients[0].open.rps = 0.01;
    },
    path: 'duration',
    rule: '3.15e9 s × 4.5 periodic events/s = 1.42e10 events exceeds the limit of 1e10 events (raise with --max-events)',
    raised: { events: 3e10 },
  },
];

describe('checkWork', () => {
  it.each(refusals)('$what: refused with the field, the arithmetic and the flag; accepted with the limit raised', ({ edit, path, rule, raised }) => {
    const s = base();
    edit(s);
    const loaded = scenarioFromValue(s, 's.yaml');
    const err = catchScenarioError(() => checkWork(loaded));
    expect(err.file).toBe('s.yaml');
    expect(err.path).toBe(path);
    expect(err.rule).toBe(rule);
    expect(err.message).toBe(`s.yaml: ${path}: ${rule}`);
    if (raised !== undefined) expect(() => checkWork(loaded, { ...DEFAULT_WORK_LIMITS, ...raised })).not.toThrow();
  });

  it('max-scale caps the pods the load asks for', () => {
    const s = base();
    s.clients[0].open.rps = 100_000;
    s.duration = '5s';
    s.services[0].app.serviceTime = '100s';
    s.services[0].manifest.spec.template.metadata.annotations['autoscaling.knative.dev/max-scale'] = '50';
    const e = checkWork(scenarioFromValue(s, 's.yaml'));
    expect(sum(e.pods)).toBe(1 + 50); // 1 activator + max-scale
  });

  it('names the revision in its manifest file', () => {
    const err = catchScenarioError(() =>
      checkWork(loadScenario(join(SCENARIOS, 'quickstart.yaml'), { sets: ['services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"]="200000"'] })),
    );
    expect(err.message).toBe(
      `${join(SCENARIOS, 'quickstart.yaml')}: ${ANN}["autoscaling.knative.dev/min-scale"]: min-scale keeps 200000 pods of hello-00001 exceeds the limit of 100000 pods (raise with --max-pods)`,
    );
  });

  // A manifest file's min-scale written by --set was blamed on the file, which does not hold it.
  it('names the --set flag that wrote the annotation into a manifest file', () => {
    const base = fixture('base.yaml');
    const set = `${ANN}["autoscaling.knative.dev/min-scale"]="200000"`;
    const err = catchScenarioError(() => checkWork(loadScenario(base, { sets: ['services[0]={manifestFile: manifests/hello.yaml}', set] })));
    expect(err.message).toBe(`${base}: --set ${set}: min-scale keeps 200000 pods of hello-00001 exceeds the limit of 100000 pods (raise with --max-pods)`);
    // Written in the file, the file is named.
    const file = join(mkdtempSync(join(tmpdir(), 'knsim-estimate-')), 'hello.yaml');
    writeFileSync(file, readFileSync(fixture('manifests/hello.yaml'), 'utf8').replace('autoscaling.knative.dev/window: 30s', 'autoscaling.knative.dev/min-scale: "200000"'));
    const own = catchScenarioError(() => checkWork(loadScenario(base, { sets: [`services[0]={manifestFile: ${file}}`, `${ANN}["autoscaling.knative.dev/target"]="5"`] })));
    expect(own.message).toBe(`${file}: spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"]: min-scale keeps 200000 pods of hello-00001 exceeds the limit of 100000 pods (raise with --max-pods)`);
  });
});

describe('fmtAmount', () => {
  it.each([
    [36_000, '36000'],
    [6.5, '6.5'],
    [0.1204, '0.1204'],
    [1e7, '1e7'],
    [3.6e15, '3.6e15'],
    [2.0498e10, '2.05e10'],
    [1e308, '1e308'],
    // Rounded as text: through a Number, 1.80e308 would overflow to Infinity.
    [Number.MAX_VALUE, '1.8e308'],
    // 1e308 requests/s × 10 s overflows: the message said "= Infinity requests".
    [Number.POSITIVE_INFINITY, 'more than 1.8e308'],
    [-2.5e9, '-2.5e9'],
    [1.05e7, '1.05e7'],
  ])('%s → %s', (n, s) => expect(fmtAmount(n)).toBe(s));
});

describe('work-limit flags', () => {
  it('default, read numbers such as 5e9, and write back only what differs', () => {
    expect(parseWorkLimits({})).toEqual(DEFAULT_WORK_LIMITS);
    const l = parseWorkLimits({ maxRequests: '5e9', maxPods: '200000', maxUsers: '1e6', maxEvents: '2.5e10', maxInFlight: '4e6', maxNodeLaunches: '1e6' });
    expect(l).toEqual({ requests: 5e9, pods: 200_000, users: 1e6, events: 2.5e10, inFlight: 4e6, nodeLaunches: 1e6 });
    expect(workLimitArgs(l)).toEqual([
      '--max-requests', '5000000000', '--max-pods', '200000', '--max-users', '1000000', '--max-events', '25000000000', '--max-in-flight', '4000000', '--max-node-launches', '1000000',
    ]);
    expect(parseWorkLimits({}).inFlight).toBe(2_000_000);
    expect(parseWorkLimits({ maxInFlight: '1' }).inFlight).toBe(1);
    expect(workLimitArgs(DEFAULT_WORK_LIMITS)).toEqual([]);
    // --max-requests 1e9 given: the default's value, but a run without the flag caps by its own estimate instead.
    expect(workLimitArgs(DEFAULT_WORK_LIMITS, true)).toEqual(['--max-requests', '1000000000']);
  });

  it.each([
    [{ maxRequests: 'lots' }, '--max-requests: must be a whole number > 0 such as 5e9 (got "lots")'],
    // A count of requests or events is whole: 0.5 used to pass and fail later as "exceeds the limit of 0.5 requests".
    [{ maxRequests: '0.5' }, '--max-requests: must be a whole number > 0 such as 5e9 (got "0.5")'],
    [{ maxRequests: '1.5e0' }, '--max-requests: must be a whole number > 0 such as 5e9 (got "1.5e0")'],
    [{ maxEvents: '2.25' }, '--max-events: must be a whole number > 0 such as 5e9 (got "2.25")'],
    [{ maxPods: '0' }, '--max-pods: must be a whole number > 0 such as 4e6 (got "0")'],
    [{ maxPods: '1.5' }, '--max-pods: must be a whole number > 0 such as 4e6 (got "1.5")'],
    [{ maxUsers: '-5' }, '--max-users: must be a whole number > 0 such as 4e6 (got "-5")'],
    [{ maxUsers: '2.5' }, '--max-users: must be a whole number > 0 such as 4e6 (got "2.5")'],
    [{ maxEvents: '1e999' }, '--max-events: must be a whole number > 0 such as 5e9 (got "1e999")'],
    [{ maxInFlight: '1.5' }, '--max-in-flight: must be a whole number > 0 such as 4e6 (got "1.5")'],
    [{ maxInFlight: '0' }, '--max-in-flight: must be a whole number > 0 such as 4e6 (got "0")'],
    [{ maxInFlight: '-3' }, '--max-in-flight: must be a whole number > 0 such as 4e6 (got "-3")'],
    // Spaces around it are refused, as around --seed and --duration.
    [{ maxInFlight: ' 1000 ' }, '--max-in-flight: must be a whole number > 0 such as 4e6 (got " 1000 ")'],
    [{ maxInFlight: 'lots' }, '--max-in-flight: must be a whole number > 0 such as 4e6 (got "lots")'],
    [{ maxInFlight: '1e17' }, '--max-in-flight: must be a whole number > 0 such as 4e6 (got "1e17")'],
    [{ maxNodeLaunches: '2.5' }, '--max-node-launches: must be a whole number > 0 such as 4e6 (got "2.5")'],
  ])('%o → %s', (args, message) => {
    expect(() => parseWorkLimits(args)).toThrow(UsageError);
    expect(() => parseWorkLimits(args)).toThrow(message);
  });
});

describe('runRequestLimit (the request cap while a run goes)', () => {
  const work = (amounts: number[]) => ({ requests: amounts.map((amount) => ({ file: 's.yaml', path: 'clients', amount, how: '' })) });
  it.each([
    { name: 'ten times the requests foreseen', amounts: [2e6, 1e6], limits: DEFAULT_WORK_LIMITS, given: false, cap: 3e7 },
    { name: 'at least 1e7, however few are foreseen', amounts: [150], limits: DEFAULT_WORK_LIMITS, given: false, cap: 1e7 },
    { name: 'never past the default --max-requests', amounts: [5e8], limits: DEFAULT_WORK_LIMITS, given: false, cap: 1e9 },
    { name: '--max-requests when given, above ten times', amounts: [1e6], limits: { ...DEFAULT_WORK_LIMITS, requests: 5e9 }, given: true, cap: 5e9 },
    { name: '--max-requests when given, below ten times', amounts: [1e6], limits: { ...DEFAULT_WORK_LIMITS, requests: 2e6 }, given: true, cap: 2e6 },
  ])('$name', ({ amounts, limits, given, cap }) => expect(runRequestLimit(work(amounts), limits, given)).toBe(cap));
});

describe('the request cap stops a run whose users loop on 404s', () => {
  // 100 users with no think time on a revision that never becomes Ready: each request is a 404
  // after the 1 ms ingress hop, where the estimate counts a 100 ms service time.
  const yaml = (duration: string) =>
    `name: never\nduration: ${duration}\nservices:\n  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { spec: { containers: [{ image: app }] } } } }\n    app: { serviceTime: 100ms, faults: [{ kind: readinessFailure }] }\nclients:\n  - { name: c, service: hello, closed: { users: 100, think: 0s } }\n`;
  it.each([
    // 100 × 20 s / 0.101 s ≈ 19,802 foreseen: the cap is the least one, 1e7 (reached at about 100 s of 404s; not within 20 s).
    { duration: '20s', limit: undefined, message: undefined },
    // 100 × 3600 / 0.101 ≈ 3.56e6 foreseen: ten times that is reached after 356 s.
    { duration: '1h', limit: 'runaway', message: 'clients[0].closed.think: 3.56e7 requests sent by 356.4 s (10× the 3564000 foreseen): users answered at once' },
    { duration: '1h', limit: 5e4, message: 'clients[0].closed.think: 50000 requests sent by 0.501 s (--max-requests): users' },
  ])('$duration, cap $limit', ({ duration, limit, message }) => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-cap-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, yaml(duration));
    const loaded = loadScenario(file);
    // Without --max-requests (undefined, 'runaway'): the cap `knsim run` sets.
    const cap = typeof limit === 'number' ? limit : runRequestLimit(estimateWork(loaded), DEFAULT_WORK_LIMITS, false);
    const go = () => guardProgress(loaded, () => new World({ ...loaded.world, requestLimit: cap }, nullRecorder).run());
    if (message === undefined) expect(go).not.toThrow();
    else expect(go).toThrow(`${file}: ${message}`);
  });
});

describe('the cap on requests in flight at once stops a run before its requests fill the heap', () => {
  // One Service scaled to zero: its first pod needs seconds, so every request of the first
  // second waits at the activator (in flight) and none is answered yet.
  const yaml = (client: string) =>
    `name: burst\nduration: 10s\nservices:\n  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { spec: { containers: [{ image: app }] } } } }\n    initialPods: 0\nclients:\n  - { name: quiet, service: hello, open: { rps: 0 } }\n  - ${client}\n`;
  it.each([
    // 1001 arrivals at 0 s reach the ingress at 0.001 s, the 1001st past the cap of 1000.
    { what: 'a trace of 1001 arrivals at one instant', client: '{ name: t, service: hello, trace: { file: burst.csv } }', arrivals: 1001, message: 'clients[1].trace.file: 1001 requests in flight (sent, not yet answered) at 0.001 s: more than the limit of 1000; send fewer at once, give the revisions more pods, or raise --max-in-flight' },
    { what: 'exactly the cap', client: '{ name: t, service: hello, trace: { file: burst.csv } }', arrivals: 1000, message: undefined },
    // Evenly spaced at 2000/s from 0: the n-th is sent at (n − 1) / 2000 s and arrives 1 ms later.
    { what: 'an open loop at 2000 requests/s', client: '{ name: o, service: hello, open: { process: uniform, rps: 2000 } }', arrivals: 0, message: 'clients[1].open.rps: 1001 requests in flight (sent, not yet answered) at 0.501 s' },
    { what: 'a rate shape', client: '{ name: o, service: hello, open: { process: uniform, rate: { shape: step, steps: [{ at: 0s, rps: 2000 }] } } }', arrivals: 0, message: 'clients[1].open.rate: 1001 requests in flight (sent, not yet answered) at 0.501 s' },
    { what: 'closed-loop users', client: '{ name: u, service: hello, closed: { users: 1001 } }', arrivals: 0, message: 'clients[1].closed.users: 1001 requests in flight (sent, not yet answered) at 0.001 s' },
  ])('$what', ({ client, arrivals, message }) => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-in-flight-'));
    writeFileSync(join(dir, 'burst.csv'), '0\n'.repeat(Math.max(1, arrivals)));
    const file = join(dir, 's.yaml');
    writeFileSync(file, yaml(client));
    const loaded = loadScenario(file);
    const go = () => guardProgress(loaded, () => new World({ ...loaded.world, inFlightLimit: 1000 }, nullRecorder).run());
    if (message === undefined) expect(go).not.toThrow();
    else expect(go).toThrow(`${file}: ${message}`);
  });

  it('the default cap is 2,000,000 requests', () => {
    const loaded = scenarioFromValue(base(), 's.yaml');
    expect(new World(loaded.world, nullRecorder).inFlightLimit).toBe(2_000_000);
  });
});
