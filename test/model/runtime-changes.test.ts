/**
 * Changes during a run that Knative takes without a new revision: a Revision's annotations
 * patched in place, config-autoscaler changed, a Service deleted (scenario `updates`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWorld } from '../../src/run/run-world.js';
import { canFailWith502 } from '../../src/run/run-options.js';
import { STATUS_NO_ROUTE, STATUS_OK, STATUS_OVERLOADED } from '../../src/model/request.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { MemoryRecorder, run } from './world-fixture.js';
import { textSummary } from '../../src/output/text-summary.js';
import { buildHtml } from '../../src/output/report/html.js';
import { timeAxis } from '../../src/output/report/aggregate.js';

const FILE = 'changes.yaml';

/** A one-Service scenario: `hello`, pods start in 2 s + a 0.5 s kubelet lag, optional load and updates. */
function scenario(o: {
  annotations?: Record<string, string>;
  initialPods?: number;
  clients?: unknown[];
  updates?: unknown[];
  serviceUpdates?: unknown[];
  duration?: string;
  configMaps?: unknown;
  serviceTime?: string;
}): Record<string, unknown> {
  return {
    name: 'changes',
    duration: o.duration ?? '5m',
    ...(o.configMaps !== undefined ? { configMaps: o.configMaps } : {}),
    services: [
      {
        manifest: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'hello' },
          spec: { template: { metadata: { annotations: o.annotations ?? {} }, spec: { containerConcurrency: 1, containers: [{ image: 'app' }] } } },
        },
        initialPods: o.initialPods ?? 0,
        app: { serviceTime: o.serviceTime ?? '100ms' },
        podStart: { scheduling: '500ms', containerStart: '1s', readiness: '500ms', kubeletReadyLag: '500ms' },
        ...(o.serviceUpdates !== undefined ? { updates: o.serviceUpdates } : {}),
      },
    ],
    clients: o.clients ?? [{ name: 'probe', service: 'hello', start: '290s', end: '291s', open: { rps: 0 } }],
    ...(o.updates !== undefined ? { updates: o.updates } : {}),
  };
}

function simulate(raw: Record<string, unknown>): MemoryRecorder {
  return run(scenarioFromValue(raw, FILE).world).rec;
}

/** Ready pods of hello-00001 over time, from the pod transitions. */
function readyAt(rec: MemoryRecorder, t: number): number {
  let n = 0;
  for (const p of rec.pods) {
    if (p.time > t) break;
    if (p.event === 'Ready') n++;
    if (p.event === 'Terminating' && p.pod.readyAt <= p.time) n--;
  }
  return n;
}

/** The first time from `from` on at which `pred` holds for the ready count (checked at pod transitions). */
function firstTime(rec: MemoryRecorder, from: number, pred: (ready: number) => boolean): number {
  for (const p of rec.pods) if (p.time >= from && pred(readyAt(rec, p.time))) return p.time;
  return Number.NaN;
}

describe('patching a revision\'s min-scale in place', () => {
  // Idle at zero; min-scale 0 → 3 at 60 s, back to 0 at 120 s; no load at all.
  const rec = simulate(
    scenario({
      updates: [
        { at: '60s', patchRevision: { name: 'hello-00001', annotations: { 'autoscaling.knative.dev/min-scale': '3' } } },
        { at: '120s', patchRevision: { name: 'hello-00001', annotations: { 'autoscaling.knative.dev/min-scale': null } } },
      ],
    }),
  );

  it('creates no revision', () => {
    expect(new Set(rec.decisions.map((d) => d.revision))).toEqual(new Set(['hello-00001']));
  });

  it('has no pods before the patch', () => {
    expect(rec.pods.filter((p) => p.time < 60)).toHaveLength(0);
    expect(readyAt(rec, 59.9)).toBe(0);
  });

  it('asks for 3 pods at the patch and has 3 ready 2.5 s later (pod start 2 s + kubelet lag 0.5 s)', () => {
    const created = rec.pods.filter((p) => p.event === 'Pending');
    expect(created.slice(0, 3).map((p) => p.time)).toEqual([60, 60, 60]);
    expect(firstTime(rec, 60, (n) => n === 3)).toBeCloseTo(62.5, 9);
    expect(readyAt(rec, 119.9)).toBe(3);
  });

  it('when min-scale is removed at 120 s, drops to what the decider wants (1: max-scale-down-rate 2 from 3 pods) at once', () => {
    const down = rec.pods.filter((p) => p.event === 'Terminating');
    expect(down.slice(0, 2).map((p) => p.time)).toEqual([120, 120]);
    expect(readyAt(rec, 120)).toBe(1);
  });

  it('and to zero once the PA has been Active for a stable window: 60 s from its transition, stored as 62 s', () => {
    // The tick at 121.87 s wants none but the PA has been Active 59.87 s (from 62, the API's whole
    // second): keep 1 pod, requeue in 0.13 s. At 122 s it goes Inactive, and the reconcile that
    // status write enqueues finds the SKS in Proxy since the start: zero at once, not at the 3 s requeue.
    const gone = firstTime(rec, 120.1, (n) => n === 0);
    expect(gone).toBe(122);
    expect(readyAt(rec, 290)).toBe(0);
  });
});

describe('changing config-autoscaler mid-run', () => {
  // A warm pod at 10 concurrent (100 rps × 100 ms … CC 1, so ~10 pods), load stops at 100 s.
  const load = [{ name: 'load', service: 'hello', start: '0s', end: '100s', open: { process: 'uniform', rps: 100 } }];
  const base = simulate(scenario({ initialPods: 10, clients: load, duration: '200s' }));
  const changed = simulate(
    scenario({ initialPods: 10, clients: load, duration: '200s', updates: [{ at: '90s', configMaps: { 'config-autoscaler': { 'stable-window': '6s' } } }] }),
  );
  const stable = (rec: MemoryRecorder, t0: number, t1: number): number[] =>
    rec.decisionsOf('hello-00001').filter((d) => d.valid && !d.poke && d.time > t0 && d.time <= t1).map((d) => d.observedStable);

  it('runs the same until the change', () => {
    expect(stable(changed, 0, 90)).toEqual(stable(base, 0, 90));
  });

  it('the 6 s window forgets the load 6 s after it stops; the 60 s window still averages it', () => {
    // Load ends at 100 s: by 108 s the 6 s window reads 0; the 60 s one still reads about 10 × 52/60.
    const after = stable(changed, 107, 110);
    expect(after.length).toBeGreaterThan(0);
    for (const v of after) expect(v).toBe(0);
    for (const v of stable(base, 107, 110)) {
      expect(v).toBeGreaterThan(7);
      expect(v).toBeLessThan(10);
    }
  });

  it('keeps the data it had: right after the change the window reads the last 6 s of load (about 10)', () => {
    const first = stable(changed, 90, 93)[0]!;
    expect(first).toBeGreaterThan(9);
    expect(first).toBeLessThan(11);
  });

  it('scales down sooner with the shorter window', () => {
    const down = (rec: MemoryRecorder): number => firstTime(rec, 100, (n) => n <= 2);
    expect(down(changed)).toBeLessThan(down(base) - 30);
  });
});

describe('autoscaler.csv shows the settings in force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-changes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = [{ name: 'load', service: 'hello', start: '0s', end: '100s', open: { process: 'uniform', rps: 100 } }];
  const loaded = scenarioFromValue(
    scenario({
      initialPods: 10,
      clients: load,
      duration: '150s',
      updates: [
        { at: '90s', configMaps: { 'config-autoscaler': { 'stable-window': '6s' } } },
        { at: '95s', patchRevision: { name: 'hello-00001', annotations: { 'autoscaling.knative.dev/target-utilization-percentage': '50' } } },
      ],
    }),
    FILE,
  );
  const out = join(dir, 'run');
  runWorld(loaded.world, { outDir: out, trace: { mode: 'none' } });
  const [header, ...lines] = readFileSync(join(out, 'autoscaler.csv'), 'utf8').trim().split('\n');
  const cols = header!.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
  const ticks = rows.filter((r) => r['poke'] === '0' && r['valid'] === '1');

  it('target: 0.7 (CC 1 × 70 %) until the patch at 95 s, then 0.5', () => {
    for (const r of ticks) expect(Number(r['target'])).toBe(Number(r['time_s']) < 95 ? 0.7 : 0.5);
    expect(ticks.some((r) => Number(r['time_s']) > 95)).toBe(true);
  });

  it('observed_stable falls to 0 within 8 s of the load stopping (6 s window)', () => {
    const after = ticks.filter((r) => Number(r['time_s']) > 107 && Number(r['time_s']) < 120);
    expect(after.length).toBeGreaterThan(0);
    for (const r of after) expect(Number(r['observed_stable'])).toBe(0);
  });
});

describe('deleting the Service', () => {
  const load = [{ name: 'load', service: 'hello', start: '0s', end: '200s', open: { process: 'uniform', rps: 20 } }];
  const rec = simulate(
    scenario({
      initialPods: 4,
      annotations: { 'autoscaling.knative.dev/min-scale': '4' },
      clients: load,
      duration: '200s',
      updates: [{ at: '60s', deleteService: 'hello' }],
    }),
  );

  it('serves before the deletion and answers 404 from then on', () => {
    const before = rec.requests.filter((r) => r.arrival < 59.9);
    const after = rec.requests.filter((r) => r.arrival > 60);
    expect(before.length).toBeGreaterThan(1000);
    expect(before.every((r) => r.status === STATUS_OK)).toBe(true);
    expect(after.length).toBeGreaterThan(2500);
    expect(after.every((r) => r.status === STATUS_NO_ROUTE)).toBe(true);
  });

  it('records an empty traffic split at the deletion', () => {
    const last = rec.traffics[rec.traffics.length - 1]!;
    expect(last.time).toBe(60);
    expect(last.percents.size).toBe(0);
  });

  it('deletes its revision at once: all 4 pods go Terminating at 60 s, despite min-scale 4, and none replaces them', () => {
    expect(readyAt(rec, 59.9)).toBe(4);
    const terminating = rec.pods.filter((p) => p.event === 'Terminating');
    expect(terminating.map((p) => p.time)).toEqual([60, 60, 60, 60]);
    expect(readyAt(rec, 60)).toBe(0);
    expect(rec.pods.filter((p) => p.event === 'Pending' && p.time > 0)).toHaveLength(0);
  });

  it('its pods drain for the queue-proxy\'s 30 s and are gone at 90 s; the requests they held finish with 200', () => {
    expect(rec.pods.filter((p) => p.event === 'Gone').map((p) => p.time)).toEqual([90, 90, 90, 90]);
    // The two routed in the last 100 ms before the delete (20 rps of 100 ms each): still executing at 60 s, and served.
    const held = rec.requests.filter((r) => r.arrival > 59.86 && r.arrival < 59.96);
    expect(held.map((r) => r.status)).toEqual([STATUS_OK, STATUS_OK]);
    expect(held.every((r) => r.end > 60)).toBe(true);
  });

  it('its autoscaler stops: no decision after the delete (it ticked every 2 s before)', () => {
    const times = rec.decisionsOf('hello-00001').map((d) => d.time);
    expect(times.filter((t) => t > 50 && t < 60).length).toBeGreaterThanOrEqual(4);
    expect(times.filter((t) => t >= 60)).toEqual([]);
  });

  it('its samples go on while its pods drain and end once they are gone', () => {
    const times = rec.samples.filter((x) => x.rev === 'hello-00001').map((x) => x.time);
    expect(times[times.length - 1]).toBe(89);
    expect(rec.samples.find((x) => x.time === 60)?.ready).toBe(0);
  });
});

describe('deleting the Service: outputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-delete-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = [{ name: 'load', service: 'hello', start: '0s', end: '200s', open: { process: 'uniform', rps: 20 } }];
  const loaded = scenarioFromValue(
    scenario({ initialPods: 4, annotations: { 'autoscaling.knative.dev/min-scale': '4' }, clients: load, duration: '200s', updates: [{ at: '60s', deleteService: 'hello' }] }),
    FILE,
  );
  const out = join(dir, 'out');
  runWorld(loaded.world, { outDir: out, trace: { mode: 'none' } });
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));

  it('summary.json: 4 pods for 90 s each (360 pod-seconds), to zero at the delete, and serviceDeletions says so', () => {
    expect(summary.revisions[0].podSeconds).toBe(360);
    expect(summary.revisions[0].scaleToZeroAtSeconds).toEqual([60]);
    expect(summary.serviceDeletions).toEqual([{ service: 'hello', atSeconds: 60, revisions: ['hello-00001'], terminatedPods: 4, podsGoneSeconds: 90 }]);
  });

  it('pods.csv: four Terminating rows at 60 s and four Gone rows at 90 s, nothing after', () => {
    const rows = readFileSync(join(out, 'pods.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const after = rows.filter((r) => Number(r[0]) >= 60).map((r) => `${Number(r[0])} ${r[4]}`);
    expect(after).toEqual([...Array(4).fill('60 Terminating'), ...Array(4).fill('90 Gone')]);
  });

  it('the run\'s summary and the report say the 404s came after the delete, not only before anything was Ready', () => {
    const text = textSummary(summary, out, ['summary.json']).split('\n');
    expect(text[1]).toContain('no route 2800 (404: sent before any revision they could go to was Ready, or after their Service was deleted (its Route went with it))');
    expect(text).toContain('Service hello deleted at 60s with hello-00001: 4 pods terminated, all gone by 90s');
    const html = buildHtml({ summary, settings: undefined, axis: timeAxis(200), charts: [], missing: [] });
    expect(html).toContain('(answered “no route”; none of its revisions was Ready yet, or the Service had been deleted): hello 2,800 (Service deleted).');
  });

  it('timeseries.csv: the revision\'s rows end at 89 s, its last second with pods', () => {
    const rows = readFileSync(join(out, 'timeseries.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows).toHaveLength(90);
    expect(Number(rows[rows.length - 1]!.split(',')[0])).toBe(89);
  });
});

describe('deleting the Service during a cold start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-delete-cold-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // At zero; load from 55 s wakes it (2 pods Pending at 55.001 s, Starting at 55.501 s); deleted at 56 s.
  const load = [{ name: 'load', service: 'hello', start: '55s', end: '200s', open: { process: 'uniform', rps: 20 } }];
  const loaded = scenarioFromValue(scenario({ clients: load, duration: '200s', updates: [{ at: '56s', deleteService: 'hello' }] }), FILE);
  const out = join(dir, 'out');
  runWorld(loaded.world, { outDir: out, trace: { mode: 'none' } });
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));

  it('its starting pods (no queue-proxy to drain yet) are gone at the delete, and nothing scales it up again', () => {
    const rows = readFileSync(join(out, 'pods.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.filter((r) => Number(r[0]) >= 56).map((r) => `${Number(r[0])} ${r[4]}`)).toEqual(['56 Terminating', '56 Gone', '56 Terminating', '56 Gone']);
    expect(summary.serviceDeletions).toEqual([{ service: 'hello', atSeconds: 56, revisions: ['hello-00001'], terminatedPods: 2, podsGoneSeconds: 56 }]);
  });

  it('its panic ends with its decider at the delete (0.999 s from the poke at 55.001 s), not at the run end', () => {
    expect(summary.revisions[0].panicSeconds).toBe(0.999);
    expect(summary.overall.panicSeconds).toBe(0.999);
  });

  it('the 20 requests the activators held wait out their 300 s timeout: still in flight at the run end', () => {
    expect(summary.requestsInFlightAtEnd).toBe(20);
    expect(summary.overall.requests.noRoute).toBe(2880);
  });
});

describe('deleting the Service while the activators hold requests for its busy pods', () => {
  // 2 pods pinned, containerConcurrency 1, a request every 2 s from 0 to 60 s: each pod takes one at a
  // time, the rest wait at the activators. Deleted at 55 s, with requests sent up to 54 s still held.
  const raw = (serviceTime: string, deleted = true, configMaps?: unknown): Record<string, unknown> =>
    scenario({
      configMaps,
      initialPods: 2,
      annotations: { 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2' },
      serviceTime,
      clients: [{ name: 'load', service: 'hello', start: '0s', end: '60s', open: { process: 'uniform', rps: 0.5 } }],
      duration: '400s',
      ...(deleted ? { updates: [{ at: '55s', deleteService: 'hello' }] } : {}),
    });
  const held = (serviceTime: string): MemoryRecorder => simulate(raw(serviceTime));
  const outcome = (rec: MemoryRecorder): string[] =>
    rec.requests.filter((r) => r.arrival < 55).sort((a, b) => a.arrival - b.arrival).map((r) => `${r.arrival} ${r.status} ${r.end.toFixed(3)} ${r.pod?.name.slice(-4) ?? '-'}`);
  const gone = (rec: MemoryRecorder): string[] => rec.pods.filter((p) => p.event === 'Gone').map((p) => `${p.time.toFixed(3)} ${p.pod.name.slice(-4)}`);

  it('10 s requests: the throttler keeps the pods it knew, so every held request is sent on to them as they drain, and served', () => {
    const rec = held('10s');
    const rows = outcome(rec);
    expect(rows).toHaveLength(28);
    // Not 504 at 300 s after sending, as if the activators had dropped the pods with the endpoints.
    expect(rows.every((r) => r.split(' ')[1] === '200')).toBe(true);
    expect(rows.slice(-2)).toEqual(['52 200 140.001 0001', '54 200 142.001 0002']);
    // Each request that came in restarted the queue-proxy's 30 s quiet period: gone 30 s after the last one came in (at 130.001 s and 132.001 s), not 30 s after the delete.
    expect(gone(rec)).toEqual(['160.001 0001', '162.001 0002']);
    expect(rec.requests.filter((r) => r.arrival > 55).every((r) => r.status === STATUS_NO_ROUTE)).toBe(true);
  });

  it('40 s requests: a pod whose quiet period ended before a slot freed has shut its server: the held requests sent to it get 502 at once', () => {
    const rec = held('40s');
    const rows = outcome(rec);
    // Sent on before the delete, and (8 s, 10 s) at 80 s and 82 s to the draining pods, restarting their quiet period to 110 s and 112 s.
    expect(rows.slice(0, 6)).toEqual(['0 200 40.001 0001', '2 200 42.001 0002', '4 200 80.001 0001', '6 200 82.001 0002', '8 200 120.001 0001', '10 200 122.001 0002']);
    // At 120.001 s pod 0001's slot frees, but its queue-proxy stopped listening at 110.001 s: the 22 still held all go there, refused.
    expect(rows.slice(6)).toHaveLength(22);
    expect(rows.slice(6).every((r) => r.endsWith(' 502 120.001 0001'))).toBe(true);
    expect(gone(rec)).toEqual(['120.001 0001', '122.001 0002']);
  });

  it('through the ClusterIP (mesh-compatibility-mode enabled) the breaker keeps its 2 tokens but the sidecar has no endpoint left: the 24 held get 503 as the first token frees', () => {
    const mesh = { 'config-network': { 'mesh-compatibility-mode': 'enabled' } };
    const rec = simulate(raw('40s', true, mesh));
    const rows = outcome(rec);
    // Sent on before the delete, two at a time, and served by the draining pods.
    expect(rows.slice(0, 4)).toEqual(['0 200 40.001 0002', '2 200 42.001 0001', '4 200 80.001 0002', '6 200 82.001 0001']);
    // Held from 8 s on. Not sent when the pods leave the endpoints at 55 s (no token), nor left to time out
    // at 308–354 s (504): at 80.001 s request 4's answer returns a token, the sidecar refuses the head at
    // once (503, no pod reached), which returns the token to the next, and so on.
    expect(rows.slice(4)).toEqual(Array.from({ length: 24 }, (_, i) => `${8 + 2 * i} 503 80.001 -`));
    expect(rec.requests.filter((r) => r.arrival < 55 && r.status === STATUS_OVERLOADED).every((r) => r.route === 'activator' && r.activatorOut === r.end)).toBe(true);
    // None of the held reaches a pod: each goes when its 30 s quiet period ends (85 s), its last answer given by then.
    expect(gone(rec)).toEqual(['85.000 0001', '85.000 0002']);
    expect(canFailWith502(scenarioFromValue(raw('40s', true, mesh), FILE).world)).toBe(false);
  });

  it('through the ClusterIP, a deleted revision\'s breaker keeps no token when it had no ready pod (a cold start): the held wait out their timeout', () => {
    const mesh = { 'config-network': { 'mesh-compatibility-mode': 'enabled' } };
    const load = [{ name: 'load', service: 'hello', start: '55s', end: '200s', open: { process: 'uniform', rps: 20 } }];
    const rec = simulate(scenario({ configMaps: mesh, clients: load, duration: '400s', updates: [{ at: '56s', deleteService: 'hello' }] }));
    // Sent 55.00–55.95 s (the 56th second's first, at 55.99999… s, comes after the delete: 404).
    const held = rec.requests.filter((r) => r.status !== STATUS_NO_ROUTE);
    expect(held).toHaveLength(20);
    expect(held.every((r) => r.arrival < 56 && r.status === 504 && Math.abs(r.end - r.arrival - 300.001) < 1e-6)).toBe(true);
  });

  it('40 s requests, outputs: the 22 refused count as 502 in summary.json and in requests-per-second.csv\'s status502 column, which such a run has', () => {
    const loaded = scenarioFromValue(raw('40s'), FILE);
    expect(canFailWith502(loaded.world)).toBe(true);
    expect(canFailWith502(scenarioFromValue(raw('40s', false), FILE).world)).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'knsim-delete-held-'));
    try {
      runWorld(loaded.world, { outDir: join(dir, 'out'), trace: { mode: 'none' } });
      const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
      expect(summary.overall.requests).toMatchObject({ ok: 6, status502: 22, status504: 0, noRoute: 2 });
      const [head, ...rows] = readFileSync(join(dir, 'out', 'requests-per-second.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
      const col = head!.indexOf('status502');
      expect(col).toBeGreaterThan(0);
      expect(rows.filter((r) => Number(r[col]) > 0).map((r) => `${Number(r[0])} ${r[col]}`)).toEqual(['121 22']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loading config-autoscaler changes', () => {
  const w = scenarioFromValue(
    scenario({
      configMaps: { 'config-autoscaler': { 'stable-window': '30s' } },
      serviceUpdates: [{ at: '100s', template: { spec: { containerConcurrency: 2, containers: [{ image: 'app' }] } } }],
      updates: [{ at: '50s', configMaps: { 'config-autoscaler': { 'stable-window': '6s' } } }],
    }),
    FILE,
  ).world;
  const svc = w.services[0]!;

  it('the revision that exists gets the new window at the change', () => {
    expect(svc.revisions[0]!.autoscaling.deciderSpec.stableWindowSeconds).toBe(30);
    expect(svc.autoscalingChanges?.map((c) => [c.atSeconds, c.revision, c.autoscaling.deciderSpec.stableWindowSeconds])).toEqual([[50, 'hello-00001', 6]]);
  });

  it('a revision created after it is resolved under it', () => {
    expect(svc.revisions[1]!.name).toBe('hello-00002');
    expect(svc.revisions[1]!.autoscaling.deciderSpec.stableWindowSeconds).toBe(6);
  });

  it('a ConfigMap that no longer admits a revision\'s annotations is an error at the change', () => {
    const raw = scenario({
      annotations: { 'autoscaling.knative.dev/max-scale': '20' },
      updates: [{ at: '50s', configMaps: { 'config-autoscaler': { 'max-scale-limit': '10', 'max-scale': '5' } } }],
    });
    expect(() => scenarioFromValue(raw, FILE)).toThrow(/^changes\.yaml: updates\[0\]\.configMaps: revision hello-00001: .*max-scale/);
  });
});

describe('update validation', () => {
  const fail = (updates: unknown[]): string => {
    try {
      scenarioFromValue(scenario({ updates }), FILE);
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      return (e as Error).message;
    }
    throw new Error('accepted');
  };
  it.each([
    [[{ at: '10s', patchRevision: { name: 'hello-00009', annotations: {} } }], 'changes.yaml: updates[0].patchRevision.name: no revision named "hello-00009" (revisions: hello-00001)'],
    [
      [{ at: '10s', patchRevision: { name: 'hello-00001', annotations: { 'autoscaling.knative.dev/min-scale': 'x' } } }],
      'changes.yaml: updates[0].patchRevision.annotations["autoscaling.knative.dev/min-scale"]:',
    ],
    [[{ at: '10s', configMaps: { 'config-network': {} } }], 'changes.yaml: updates[0].configMaps.config-network: only config-autoscaler can change during a run'],
    [[{ at: '10s', configMaps: { 'config-autoscaler': { 'stable-window': 'soon' } } }], 'changes.yaml: updates[0].configMaps'],
    [[{ at: '10s', deleteService: 'nope' }], 'changes.yaml: updates[0].deleteService: no Service named "nope" (services: hello)'],
    [[{ at: '10s' }], 'changes.yaml: updates[0]: an update needs at least one of configMaps, patchRevision, deleteService, restartAutoscaler, crashActivator'],
    [[{ at: '10s', restartAutoscaler: {} }], 'changes.yaml: updates[0].restartAutoscaler.downtime:'],
    [[{ at: '10s', restartAutoscaler: { downtime: '0s' } }], 'changes.yaml: updates[0].restartAutoscaler.downtime:'],
    [[{ at: '10s', restartAutoscaler: { downtime: '5s', grace: '1s' } }], 'changes.yaml: updates[0].restartAutoscaler.grace: unknown field'],
    [
      [{ at: '10s', restartAutoscaler: { downtime: '30s' } }, { at: '20s', restartAutoscaler: { downtime: '5s' } }],
      'changes.yaml: updates[1].restartAutoscaler: the autoscaler is still down from the restart at 10s until 40s',
    ],
    [[{ at: '20s', deleteService: 'hello' }, { at: '10s', deleteService: 'hello' }], 'changes.yaml: updates[1].at: updates must be in strictly increasing order of at (previous at 20s)'],
    [
      [{ at: '10s', deleteService: 'hello' }, { at: '20s', patchRevision: { name: 'hello-00001', annotations: {} } }],
      'changes.yaml: updates[1].patchRevision.name: revision "hello-00001" was deleted with its Service at 10s',
    ],
    [[{ at: '10s', restart: true }], 'changes.yaml: updates[0].restart: unknown field'],
  ])('%j → %s', (updates, message) => {
    const m = fail(updates as unknown[]);
    expect(m.startsWith(message)).toBe(true);
    expect(m).not.toContain('\n');
  });
});

describe('patching a revision annotation Knative copies onto its pods', () => {
  // The revision reconciler puts every Revision annotation outside autoscaling.knative.dev (and a few
  // of its own) on the Deployment's pod template, so changing one rolls every pod. knsim took the
  // patch and changed nothing: a queue-proxy resize, for one, never happened.
  const QP = 'queue.sidecar.serving.knative.dev/cpu-resource-request';
  const rolls = (key: string) =>
    `changes.yaml: updates[0].patchRevision.annotations["${key}"]: Knative copies it onto the pods of "hello-00001", so changing it rolls them all, which knsim does not model: patch only autoscaling.knative.dev keys`;
  const patch = (annotations: Record<string, string | null>, created: Record<string, string> = {}) =>
    scenarioFromValue(scenario({ annotations: created, updates: [{ at: '10s', patchRevision: { name: 'hello-00001', annotations } }] }), FILE);
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      return (e as Error).message;
    }
    throw new Error('accepted');
  };

  it.each([
    { what: 'a queue-proxy resource annotation set', annotations: { [QP]: '200m' }, created: {}, key: QP },
    { what: 'a queue-proxy resource annotation changed', annotations: { [QP]: '200m' }, created: { [QP]: '100m' }, key: QP },
    { what: 'a queue-proxy resource annotation removed', annotations: { [QP]: null }, created: { [QP]: '100m' }, key: QP },
    { what: 'the progress deadline', annotations: { 'serving.knative.dev/progress-deadline': '60s' }, created: {}, key: 'serving.knative.dev/progress-deadline' },
    { what: 'any other annotation', annotations: { 'example.com/owner': 'me' }, created: {}, key: 'example.com/owner' },
  ])('$what is refused', ({ annotations, created, key }) => {
    expect(message(() => patch(annotations, created))).toBe(rolls(key));
  });

  it.each([
    { what: 'an autoscaling annotation', annotations: { 'autoscaling.knative.dev/min-scale': '2' }, created: {} },
    { what: 'an annotation set to the value it has', annotations: { [QP]: '100m' }, created: { [QP]: '100m' } },
    { what: 'an absent annotation removed', annotations: { [QP]: null }, created: {} },
    { what: "a routing annotation Knative keeps off the pods", annotations: { 'serving.knative.dev/no-gc': 'true' }, created: {} },
  ])('$what is taken (no pod changes)', ({ annotations, created }) => {
    expect(patch(annotations, created).world.services[0]!.autoscalingChanges).toHaveLength(1);
  });
});
