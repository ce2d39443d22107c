/** `knsim rollout`'s driver against the fake API server, with fake request-metrics endpoints. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { histogramQuantile, requestHistogram } from '../../src/adapter/request-metrics.js';
import { apportion, judge, planRollout, RolloutDriver, stepTraffic, type RolloutOptions, type ServiceObject } from '../../src/adapter/rollout.js';
import type { RevisionObject } from '../../src/adapter/revisions.js';
import type { TrafficTarget } from '../../src/core/traffic/index.js';
import { FakeClock } from './support/fake-clock.js';
import { FakeKube } from './support/fake-kube.js';
import { FakeQueueProxies, SCRAPE_TIMEOUT_SECONDS } from './support/fake-qp.js';
import { MemoryLogger, NS, T0 } from './support/cluster.js';

const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The queue-proxy's OpenTelemetry request histogram as Prometheus text, for `count` requests per status code, all at `seconds`. */
function otelHistogram(byCode: Record<string, number>, seconds: number): string {
  const name = 'kn_serving_invocation_duration_seconds';
  const lines = [`# HELP ${name} The duration of task execution`, `# TYPE ${name} histogram`];
  for (const [code, count] of Object.entries(byCode)) {
    const l = `http_response_status_code="${code}",otel_scope_name="knative.dev/serving/pkg/queue"`;
    for (const b of BOUNDS) lines.push(`${name}_bucket{${l},le="${b}"} ${seconds <= b ? count : 0}`);
    lines.push(`${name}_bucket{${l},le="+Inf"} ${count}`);
    lines.push(`${name}_sum{${l}} ${count * seconds}`);
    lines.push(`${name}_count{${l}} ${count}`);
  }
  lines.push('# TYPE go_goroutines gauge', 'go_goroutines 42');
  return lines.join('\n') + '\n';
}

describe('request metrics parsing', () => {
  it('reads the OpenTelemetry histogram (seconds, 5xx by status code) and quantiles it like histogram_quantile', () => {
    const h = requestHistogram(otelHistogram({ '200': 90, '503': 10 }, 0.07))!;
    expect(h.count).toBe(100);
    expect(h.errors).toBe(10);
    expect(h.sumSeconds).toBeCloseTo(7, 9);
    // All requests in the (0.05, 0.075] bucket: the median interpolates to its middle.
    expect(histogramQuantile(h, 0.5)).toBeCloseTo(0.0625, 9);
  });

  it('reads the older OpenCensus histogram in milliseconds', () => {
    const text = [
      'revision_app_request_latencies_bucket{response_code="200",response_code_class="2xx",le="100"} 8',
      'revision_app_request_latencies_bucket{response_code="200",response_code_class="2xx",le="+Inf"} 10',
      'revision_app_request_latencies_bucket{response_code="500",response_code_class="5xx",le="100"} 0',
      'revision_app_request_latencies_bucket{response_code="500",response_code_class="5xx",le="+Inf"} 2',
      'revision_app_request_latencies_count{response_code="200",response_code_class="2xx"} 10',
      'revision_app_request_latencies_count{response_code="500",response_code_class="5xx"} 2',
      'revision_app_request_latencies_sum{response_code="200",response_code_class="2xx"} 900',
    ].join('\n');
    const h = requestHistogram(text)!;
    expect(h.count).toBe(12);
    expect(h.errors).toBe(2);
    expect([...h.buckets]).toEqual([
      [0.1, 8],
      [Infinity, 12],
    ]);
    expect(h.sumSeconds).toBeCloseTo(0.9, 9);
    expect(requestHistogram('up 1\n')).toBeUndefined();
  });
});

describe('rollout planning with core/traffic', () => {
  const revs: RevisionObject[] = [1, 2, 3].map((g) => ({
    namespace: NS,
    name: `hello-0000${g}`,
    annotations: {},
    containerConcurrency: 0,
    autoscalerClass: '',
    createdSeconds: undefined,
    serviceName: 'hello',
    configurationName: 'hello',
    generation: g,
    ready: true,
  }));
  const svc = (traffic: TrafficTarget[]): ServiceObject => ({ name: 'hello', resourceVersion: '1', traffic, latestReadyRevisionName: 'hello-00003' });

  it('moves traffic from every revision that has some, in proportion, keeping tags', () => {
    const plan = planRollout(
      NS,
      svc([
        { revisionName: 'hello-00001', percent: 75 },
        { revisionName: 'hello-00002', percent: 25 },
        { tag: 'stable', revisionName: 'hello-00001', percent: 0 },
      ]),
      revs,
      { steps: [10, 50, 100] },
    );
    expect(plan.to).toBe('hello-00003');
    expect([...plan.from]).toEqual([
      ['hello-00001', 75],
      ['hello-00002', 25],
    ]);
    expect(stepTraffic(plan, 10)).toEqual([
      { tag: 'stable', revisionName: 'hello-00001', percent: 0 },
      { revisionName: 'hello-00001', percent: 68 },
      { revisionName: 'hello-00002', percent: 22 },
      { revisionName: 'hello-00003', percent: 10 },
    ]);
    expect(stepTraffic(plan, 100)).toEqual([
      { tag: 'stable', revisionName: 'hello-00001', percent: 0 },
      { revisionName: 'hello-00003', percent: 100 },
    ]);
    expect([...apportion(new Map([['a', 1], ['b', 1], ['c', 1]]), 100)]).toEqual([['a', 34], ['b', 33], ['c', 33]]);
  });

  it('keeps a tag that carries traffic, at 0%, so its URL keeps reaching its target', () => {
    const plan = planRollout(
      NS,
      svc([
        { tag: 'stable', revisionName: 'hello-00001', percent: 90 },
        { tag: 'current', latestRevision: true, percent: 10 },
      ]),
      revs,
      { steps: [50, 100] },
    );
    expect([...plan.from]).toEqual([['hello-00001', 90]]);
    expect(stepTraffic(plan, 50)).toEqual([
      { tag: 'stable', revisionName: 'hello-00001', percent: 0 },
      { tag: 'current', latestRevision: true, percent: 0 },
      { revisionName: 'hello-00001', percent: 50 },
      { revisionName: 'hello-00003', percent: 50 },
    ]);
    expect(stepTraffic(plan, 100)).toEqual([
      { tag: 'stable', revisionName: 'hello-00001', percent: 0 },
      { tag: 'current', latestRevision: true, percent: 0 },
      { revisionName: 'hello-00003', percent: 100 },
    ]);
  });

  it('resolves latest-revision targets as the route would, and refuses nonsense', () => {
    // The Service follows its latest ready revision, so 00003 already has it all.
    expect(() => planRollout(NS, svc([]), revs, { steps: [100] })).toThrow(/already has all/);
    expect(() => planRollout(NS, svc([{ revisionName: 'hello-00001', percent: 100 }]), revs, { to: 'nope', steps: [100] })).toThrow(/not found/);
    const notReady = revs.map((r) => (r.name === 'hello-00003' ? { ...r, ready: false } : r));
    expect(() => planRollout(NS, svc([{ revisionName: 'hello-00001', percent: 100 }]), notReady, { steps: [100] })).toThrow(/not ready/);
    // Steps at or below the current share are skipped.
    const plan = planRollout(NS, svc([{ revisionName: 'hello-00001', percent: 80 }, { revisionName: 'hello-00003', percent: 20 }]), revs, { steps: [10, 25, 50, 100] });
    expect(plan.steps).toEqual([25, 50, 100]);
  });
});

describe('RolloutDriver', () => {
  let kube: FakeKube;
  let qps: FakeQueueProxies;
  let clock: FakeClock;
  let logger: MemoryLogger;
  const SVC = `/apis/serving.knative.dev/v1/namespaces/${NS}/services/hello`;
  const ORIGINAL: TrafficTarget[] = [
    { revisionName: 'hello-00001', percent: 100 },
    { tag: 'previous', revisionName: 'hello-00001', percent: 0 },
  ];

  beforeEach(async () => {
    kube = await new FakeKube().start();
    qps = new FakeQueueProxies();
    clock = new FakeClock(T0, true);
    kube.clock = clock;
    logger = new MemoryLogger();
    kube.put(FakeKube.SERVING, NS, 'services', {
      metadata: { name: 'hello' },
      spec: { template: {}, traffic: ORIGINAL },
      status: { latestReadyRevisionName: 'hello-00002' },
    });
    kube.addRevision(NS, 'hello-00001', { service: 'hello', generation: 1 });
    kube.addRevision(NS, 'hello-00002', { service: 'hello', generation: 2 });
    for (const p of ['a', 'b']) {
      kube.addPod(NS, `hello-00002-${p}`, 'hello-00002');
      await qps.add(`hello-00002-${p}`, {});
    }
  });
  afterEach(async () => {
    await Promise.all([kube.stop(), qps.stopAll()]);
  });

  /** Each new-revision pod serves 5 requests/s since T0: `errorShare` of them 503s, all taking `seconds`. */
  function serve(errorShare: number, seconds: number, from = T0): void {
    for (const qp of qps.byPod.values()) {
      qp.promText = () => {
        const n = Math.max(0, Math.round((clock.now() - from) * 5));
        const errors = Math.round(n * errorShare);
        return otelHistogram({ '200': n - errors, '503': errors }, seconds);
      };
    }
  }

  function driver(o: Partial<RolloutOptions> = {}): RolloutDriver {
    return new RolloutDriver({
      kube: kube.clients('rollout'),
      clock,
      logger,
      namespace: NS,
      service: 'hello',
      steps: [10, 50, 100],
      pauseSeconds: 30,
      analysisIntervalSeconds: 10,
      dryRun: false,
      maxErrorRate: 0.05,
      maxLatencySeconds: 0.5,
      metricsUrl: qps.url,
      metricsTimeoutSeconds: SCRAPE_TIMEOUT_SECONDS,
      backoff: { initialSeconds: 1, maxSeconds: 4, jitter: 0 },
      ...o,
    });
  }

  const traffic = (): unknown => (kube.get(FakeKube.SERVING, NS, 'services', 'hello')!['spec'] as { traffic: unknown }).traffic;
  const patches = () => kube.requests.filter((q) => q.method === 'PATCH');

  it('steps the traffic with merge patches, pausing and judging after each step', async () => {
    serve(0.01, 0.05);
    const r = await driver().run();
    expect(r.outcome).toBe('completed');
    const p = patches();
    expect(p.map((q) => `${q.path} ${q.contentType} ${q.status}`)).toEqual(new Array(3).fill(`${SVC} application/merge-patch+json 200`));
    const tag = { tag: 'previous', revisionName: 'hello-00001', percent: 0 };
    expect(p.map((q) => (q.body as { spec: { traffic: unknown } }).spec.traffic)).toEqual([
      [tag, { revisionName: 'hello-00001', percent: 90 }, { revisionName: 'hello-00002', percent: 10 }],
      [tag, { revisionName: 'hello-00001', percent: 50 }, { revisionName: 'hello-00002', percent: 50 }],
      [tag, { revisionName: 'hello-00002', percent: 100 }],
    ]);
    expect(p.every((q) => typeof (q.body as { metadata: { resourceVersion?: string } }).metadata.resourceVersion === 'string')).toBe(true);
    // Pauses of 30 s after the first two steps.
    expect(p[1]!.time - p[0]!.time).toBeGreaterThanOrEqual(30);
    expect(p[2]!.time - p[1]!.time).toBeGreaterThanOrEqual(30);
    expect(traffic()).toEqual([tag, { revisionName: 'hello-00002', percent: 100 }]);
    expect(r.steps[0]).toMatchObject({ percent: 10, requests: 300 }); // 2 pods × 5/s × 30 s
    expect(r.steps[0]!.errorRate).toBeCloseTo(0.01, 2);
    expect(qps.requests.every((q) => q.path === '/metrics')).toBe(true);
  });

  it('rolls back to the original block when the error rate crosses the threshold', async () => {
    serve(0.2, 0.05);
    const r = await driver().run();
    expect(r.outcome).toBe('rolled-back');
    if (r.outcome !== 'rolled-back') return;
    expect(r.reason).toMatch(/error rate 20% \(20 of 100 requests\) exceeds 5%/);
    const p = patches();
    expect(p.length).toBe(2);
    expect((p[1]!.body as { spec: { traffic: unknown } }).spec.traffic).toEqual(ORIGINAL);
    expect(traffic()).toEqual(ORIGINAL);
    expect(p[1]!.time - p[0]!.time).toBe(10); // caught at the first check
  });

  it('rolls back when the latency quantile crosses the threshold, but not on too few requests', async () => {
    serve(0, 0.9);
    const slow = await driver().run();
    expect(slow.outcome).toBe('rolled-back');
    if (slow.outcome === 'rolled-back') expect(slow.reason).toMatch(/p95 latency 987\.5 ms exceeds 500\.0 ms/);
    expect(traffic()).toEqual(ORIGINAL);

    serve(0.5, 0.9, clock.now() + 1e9); // no requests at all
    const quiet = await driver({ minRequests: 20 }).run();
    expect(quiet.outcome).toBe('completed');
  });

  it('a 409 re-reads the Service and retries; a write whose answer was lost is not repeated', async () => {
    serve(0, 0.05);
    kube.fault({ method: 'PATCH', path: SVC }, { kind: 'status', status: 409 }, 1);
    kube.fault({ method: 'PATCH', path: SVC }, { kind: 'drop-after' }, 1);
    const r = await driver({ steps: [50, 100], pauseSeconds: 10 }).run();
    expect(r.outcome).toBe('completed');
    const svcCalls = kube.requests.filter((q) => q.path === SVC).map((q) => `${q.method} ${q.status}`);
    expect(svcCalls).toEqual([
      'GET 200', // plan
      'PATCH 409', // 50%: conflict
      'GET 200', // re-read
      'PATCH 0', // 50% again: applied, answer lost
      'GET 200', // re-read: already 50%, nothing to re-send
      'GET 200', // 100%
      'PATCH 200',
    ]);
    // The lost write (50%) had landed: after re-reading, the driver went on to 100% without re-sending it.
    const bodies = patches().map((q) => JSON.stringify((q.body as { spec: unknown }).spec));
    expect(new Set(bodies).size).toBe(2);
    expect(traffic()).toEqual([{ tag: 'previous', revisionName: 'hello-00001', percent: 0 }, { revisionName: 'hello-00002', percent: 100 }]);
  });

  it('stops without fighting when someone else changes the traffic', async () => {
    serve(0, 0.05);
    // During the first pause, an operator pins everything back to 00001.
    kube.onRequest = (q) => {
      if (q.path.endsWith('/pods') && kube.onRequest) {
        kube.onRequest = undefined;
        const cur = kube.get(FakeKube.SERVING, NS, 'services', 'hello')!;
        kube.put(FakeKube.SERVING, NS, 'services', { ...cur, spec: { ...(cur['spec'] as object), traffic: [{ revisionName: 'hello-00001', percent: 100 }] } });
      }
    };
    const r = await driver().run();
    expect(r.outcome).toBe('aborted');
    if (r.outcome === 'aborted') expect(r.reason).toMatch(/changed by someone else/);
    expect(patches().length).toBe(1);
    expect(traffic()).toEqual([{ revisionName: 'hello-00001', percent: 100 }]);
  });

  it('--dry-run writes nothing', async () => {
    const r = await driver({ dryRun: true }).run();
    expect(r.outcome).toBe('dry-run');
    expect(kube.writes()).toEqual([]);
    expect(logger.lines.filter((l) => l.msg === 'dry-run: would PATCH service traffic').length).toBe(3);
  });
});

describe('a breach names its error rate apart from the threshold', () => {
  it('0.104 % against 0.1 % reads so (two decimals printed "0.10% exceeds 0.10%")', () => {
    const h = { buckets: new Map<number, number>([[Number.POSITIVE_INFINITY, 2881]]), count: 2881, errors: 3, sumSeconds: 100 };
    expect(judge(h, { maxErrorRate: 0.001 }).breach).toBe('error rate 0.104% (3 of 2881 requests) exceeds 0.1%');
  });
});
