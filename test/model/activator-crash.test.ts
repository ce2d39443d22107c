import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildHtml } from '../../src/output/report/html.js';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import type { RunSummary } from '../../src/output/summary.js';
import { textSummary } from '../../src/output/text-summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { run } from './world-fixture.js';

const ksvc = (cc: number, annotations: Record<string, string> = {}) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'api' },
  spec: { template: { metadata: { annotations }, spec: { containerConcurrency: cc, containers: [{ image: 'app' }] } } },
});

/**
 * `api` (CC 10, 0.5 s requests) at zero with a 5 s image pull; 50 rps from 60 s, so requests
 * wait in the activators during the cold start; activator 0 crashes at 63 s for 10 s.
 */
function scenario(o: { activators?: number; updates?: unknown[]; initialPods?: number; cluster?: Record<string, unknown>; annotations?: Record<string, string> } = {}) {
  return scenarioFromValue(
    {
      name: 'crash',
      seed: 3,
      duration: '120s',
      cluster: { activators: o.activators ?? 2, ...o.cluster },
      services: [{ manifest: ksvc(10, o.annotations), initialPods: o.initialPods ?? 0, podStart: { imagePull: '5s' }, app: { serviceTime: '500ms' } }],
      clients: [{ name: 'load', service: 'api', open: { process: 'poisson', rate: { shape: 'step', steps: [{ at: '0s', rps: 0 }, { at: '60s', rps: 50 }] } } }],
      updates: o.updates ?? [{ at: '63s', crashActivator: { activator: 0, downtime: '10s' } }],
    },
    'crash.yaml',
  ).world;
}

describe('an activator crash', () => {
  const { rec } = run(scenario());
  const byActivator = (i: number) => rec.requests.filter((r) => r.activator?.index === i);

  it('fails every request the crashed activator held with 503 at the crash, and only those', () => {
    const failed = rec.requests.filter((r) => r.status === 503);
    expect(failed.length).toBeGreaterThan(30);
    for (const r of failed) {
      expect(r.activator?.index).toBe(0);
      expect(r.end).toBe(63);
      expect(r.arrival).toBeLessThan(63);
    }
    // Every request activator 0 held at 63 s failed: none of those it took before ended after the crash.
    expect(byActivator(0).filter((r) => r.arrival < 63 && r.status === 200 && r.end > 63)).toEqual([]);
    // Activator 1 lost nothing.
    expect(byActivator(1).every((r) => r.status === 200 || r.end > 120)).toBe(true);
  });

  it('leaves the endpoints: from the crash until it is back every proxied request goes to activator 1, then both serve again', () => {
    const via = (from: number, to: number) => new Set(rec.requests.filter((r) => r.route === 'activator' && r.activatorIn >= from && r.activatorIn < to).map((r) => r.activator!.index));
    expect(via(60, 63)).toEqual(new Set([0, 1]));
    expect(via(63, 73)).toEqual(new Set([1]));
    expect(via(73, 120)).toEqual(new Set([0, 1]));
  });

  it('with its only activator down and no pod ready, answers 503 at once (no healthy upstream); a ready pod is then reached directly', () => {
    const { rec: one } = run(scenario({ activators: 1 }));
    const firstReady = one.pods.find((p) => p.event === 'Ready')!.time;
    expect(firstReady).toBeGreaterThan(63);
    expect(firstReady).toBeLessThan(73);
    const meanwhile = one.requests.filter((r) => r.arrival >= 63 && r.arrival < firstReady - 0.01);
    expect(meanwhile.length).toBeGreaterThan(100);
    // The ingress hop (1 ms), then no endpoint.
    for (const r of meanwhile) {
      expect(r.status).toBe(503);
      expect(r.end - r.arrival).toBeCloseTo(0.001, 9);
    }
    const direct = one.requests.filter((r) => r.arrival > firstReady + 0.01 && r.arrival < 73);
    expect(direct.length).toBeGreaterThan(100);
    expect(direct.every((r) => r.route === 'direct')).toBe(true);
  });

  it('frees the pod slots of the requests it had sent on: the pods serve others at once', () => {
    // target-burst-capacity −1 keeps the activators in the path: at 90 s requests execute on pods via both.
    const { rec: warm, world } = run(scenario({ annotations: { 'autoscaling.knative.dev/target-burst-capacity': '-1' }, updates: [{ at: '90s', crashActivator: { activator: 0, downtime: '10s' } }] }));
    const failed = warm.requests.filter((r) => r.status === 503);
    const executing = failed.filter((r) => r.serviceStart < 90);
    expect(executing.length).toBeGreaterThan(5);
    for (const r of failed) {
      expect(r.end).toBe(90);
      expect(r.activator?.index).toBe(0);
    }
    // The pods hold exactly the requests still in flight on them: the failed ones left no slot behind.
    const rev = world.services.get('api')!.revisions[0]!;
    const inFlightAtEnd = warm.requests.length < world.requestsSent ? world.requestsSent - warm.requests.length : 0;
    const onPods = rev.readyPods.toArray().reduce((n, p) => n + p.inFlight, 0);
    expect(onPods).toBeLessThanOrEqual(inFlightAtEnd);
    // After the crash the pods answer every request (no 503 from a leaked slot).
    expect(warm.requests.filter((r) => r.arrival > 90 && r.status !== 200)).toEqual([]);
  });

  it('lists the outage in summary.json', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-crash-')), 'run');
    runWorld(scenario(), { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(s.activatorDown).toEqual([{ activator: 'activator-0', fromSeconds: 63, untilSeconds: 73 }]);
    expect(s.overall.requests.status503).toBe(rec.requests.filter((r) => r.status === 503).length);
    // Said in the run's text summary and under the report's summary table.
    expect(textSummary(s, out, [])).toContain('crashed activators: activator-0 down 63s–73s (the requests each held got 503)');
    const data = loadRunData(out);
    const html = buildHtml({ summary: data.summary, settings: data.settings, axis: reportCharts(data).ctx.axis, charts: [], missing: [] });
    expect(html).toContain('<p class="note">Activators down after a crash (the requests each held got 503): activator-0 63–73 s.</p>');
    // The waiting chart shades the outage.
    const waiting = reportCharts(data).charts.find((c) => c.id === 'waiting')!;
    const layers = (waiting.spec as unknown as { vconcat: Array<{ layer: Array<{ mark: { type: string }; encoding?: { fill?: { datum: string } }; data?: { values: unknown[] } }> }> }).vconcat[0]!.layer;
    const band = layers.find((l) => l.encoding?.fill?.datum === 'an activator down (crashed)')!;
    expect(band.data!.values).toEqual([{ s: 63, e: 73 }]);
    expect(waiting.explanation).toContain('Brown shading marks when an activator was down after a crash');
  });

  it.each([
    [[{ at: '10s', crashActivator: { activator: 2, downtime: '5s' } }], {}, 'crash.yaml: updates[0].crashActivator.activator: the cluster has 2 activators (cluster.activators), numbered from 0: no activator 2'],
    [[{ at: '10s', crashActivator: { downtime: '30s' } }, { at: '20s', crashActivator: { downtime: '5s' } }], {}, 'crash.yaml: updates[1].crashActivator: activator 0 is still down from its crash at 10s until 40s'],
    [[{ at: '10s', crashActivator: { activator: 0 } }], {}, 'crash.yaml: updates[0].crashActivator.downtime: required field is missing'],
    [
      [{ at: '10s', crashActivator: { downtime: '5s' } }],
      { activatorCpu: { perRequest: '1ms' } },
      'crash.yaml: updates[0].crashActivator: an activator crash is not simulated with cluster.activatorCpu',
    ],
  ])('refuses %j', (updates, cluster, message) => {
    let m = '';
    try {
      scenario({ updates, cluster });
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      m = (e as Error).message;
    }
    expect(m.startsWith(message), m).toBe(true);
  });

  it('takes crashes of two activators, and a second crash of one once it is back', () => {
    const spec = scenario({ updates: [{ at: '61s', crashActivator: { activator: 1, downtime: '2s' } }, { at: '63s', crashActivator: { downtime: '10s' } }, { at: '80s', crashActivator: { downtime: '1s' } }] });
    expect(spec.activatorCrashes).toEqual([
      { atSeconds: 61, activator: 1, downtimeSeconds: 2 },
      { atSeconds: 63, activator: 0, downtimeSeconds: 10 },
      { atSeconds: 80, activator: 0, downtimeSeconds: 1 },
    ]);
    const { rec: r } = run(spec);
    expect(new Set(r.requests.filter((q) => q.status === 503).map((q) => q.end))).toEqual(new Set([61, 63, 80]));
  });
});
