/**
 * WebSocket sessions (app.webSocket) and a pod's shutdown: the app gets SIGTERM once the
 * queue-proxy's drain is over (the kubelet's preStop hook calls its /wait-for-drain) and closes
 * the sessions still open; a request still waiting in the queue-proxy gets 502.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATUS_OK } from '../../src/model/request.js';
import { buildReport } from '../../src/output/report/index.js';
import type { RunSummary } from '../../src/output/summary.js';
import { textSummary } from '../../src/output/text-summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { run } from './world-fixture.js';
import { evaluateExpectation } from '../../src/expect/evaluate.js';
import { parseExpectation } from '../../src/expect/parse.js';
import { metricsOf } from '../../src/output/metrics.js';
import { summarizeWorld } from '../../src/run/run-world.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { checkMeasured } from '../../src/sweep/tune.js';
import { simulate } from '../../src/notebook/simulate.js';

/**
 * A chat service: sessions of 2 to 9 minutes, one pod per 2 sessions, 0.5 sessions a second for
 * 3 minutes and then none: as sessions end the KPA scales down, and the ReplicaSet picks pods
 * that still hold sessions (it ranks by readiness and age, not by what a pod serves).
 */
function scenario(app: Record<string, unknown> = {}, annotations: Record<string, string> = {}): Record<string, unknown> {
  return {
    name: 'chat',
    seed: 3,
    duration: '20m',
    services: [
      {
        manifest: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'chat' },
          spec: { template: { metadata: { annotations }, spec: { containerConcurrency: 2, timeoutSeconds: 600, responseStartTimeoutSeconds: 600, containers: [{ image: 'chat' }] } } },
        },
        initialPods: 1,
        app: { serviceTime: { dist: 'uniform', min: '2m', max: '9m' }, ...app },
      },
    ],
    clients: [{ name: 'users', service: 'chat', start: '0s', end: '3m', open: { process: 'poisson', rps: 0.5 } }],
  };
}

const world = (app: Record<string, unknown> = {}, annotations: Record<string, string> = {}) => scenarioFromValue(scenario(app, annotations), 'chat.yaml').world;

describe('WebSocket sessions on a pod that shuts down', () => {
  const ws = run(world({ webSocket: true }));
  const plain = run(world());
  const byId = new Map(plain.rec.requests.map((r) => [r.id, r]));

  it('closes the sessions still open when the app gets SIGTERM, 30 s after the pod started terminating', () => {
    const closed = ws.rec.requests.filter((r) => r.closedAtShutdown);
    // 28 of the 73 sessions; the same 73 are all 200s without app.webSocket.
    expect(closed.length).toBe(28);
    expect(ws.rec.requests).toHaveLength(73);
    for (const r of closed) {
      expect(r.status).toBe(STATUS_OK);
      // The drain's quiet period (30 s) from the pod's Terminating.
      expect(r.end).toBeCloseTo(r.pod!.terminatingAt + 30, 9);
      // Before the session's own end: the same request (same id, same draws) ran its full length without app.webSocket.
      const full = byId.get(r.id)!;
      expect(full.status).toBe(STATUS_OK);
      expect(r.end - r.serviceStart).toBeLessThan(full.end - full.serviceStart - 1e-9);
      expect(r.end - r.serviceStart).toBeLessThan(r.serviceTime);
    }
    // Every other 200 ran its whole session.
    for (const r of ws.rec.requests.filter((x) => x.status === STATUS_OK && !x.closedAtShutdown)) expect(r.end - r.serviceStart).toBeCloseTo(r.serviceTime, 9);
    // Without app.webSocket the drain waits for every request: none is closed, and the pods go later.
    expect(plain.rec.requests.some((r) => r.closedAtShutdown)).toBe(false);
    for (const r of plain.rec.requests) if (r.status === STATUS_OK) expect(r.end - r.serviceStart).toBeCloseTo(r.serviceTime, 9);
  });

  it('a pod with sessions goes when its drain ends, not when its last session would have', () => {
    const gone = (rec: typeof ws.rec) => rec.pods.filter((p) => p.event === 'Gone');
    for (const g of gone(ws.rec)) expect(g.time).toBeLessThanOrEqual(g.pod.terminatingAt + 30 + 1e-9);
    // Without it, some pod is held past its drain by a session.
    expect(gone(plain.rec).some((g) => g.time > g.pod.terminatingAt + 30 + 1)).toBe(true);
  });

  it("onSigterm: drain lets open sessions run 60 s more (the queue-proxy's drain of upgraded connections), then cuts them; the pod goes at a 1 s poll", () => {
    const drain = run(world({ webSocket: { onSigterm: 'drain' } }));
    const closed = drain.rec.requests.filter((r) => r.closedAtShutdown);
    expect(closed.length).toBeGreaterThan(0);
    // Cut at the end of the hijack drain: 30 s of quiet period, then 60 s (the grace period, 600 s, is later).
    for (const r of closed) expect(r.end).toBeCloseTo(r.pod!.terminatingAt + 90, 9);
    // Fewer than when the app closes them at SIGTERM: some end on their own within the 60 s.
    expect(closed.length).toBeLessThan(ws.rec.requests.filter((r) => r.closedAtShutdown).length);
    const endedInDrain = drain.rec.requests.filter((r) => r.status === STATUS_OK && !r.closedAtShutdown && r.pod!.terminatingAt + 30 < r.end && r.end < r.pod!.terminatingAt + 90);
    expect(endedInDrain.length).toBeGreaterThan(0);
    for (const r of endedInDrain) expect(r.end - r.serviceStart).toBeCloseTo(r.serviceTime, 9);
    // Each pod goes at its drain's end if idle, else at the first whole second after its last session (or with the cut).
    for (const g of drain.rec.pods.filter((p) => p.event === 'Gone')) {
      const from = g.pod.terminatingAt + 30;
      const k = g.time - from;
      expect(k).toBeGreaterThanOrEqual(-1e-9);
      expect(k).toBeLessThanOrEqual(60 + 1e-9);
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
      const last = Math.max(from, ...drain.rec.requests.filter((r) => r.pod === g.pod).map((r) => r.end));
      expect(g.time - last).toBeLessThan(1);
      expect(g.time - last).toBeGreaterThanOrEqual(-1e-9);
    }
  });

  it('says onSigterm: drain in settings.json and the report', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-ws-')), 'run');
    runWorld(world({ webSocket: { onSigterm: 'drain' } }), { outDir: dir, trace: { mode: 'none' } });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).revisions[0].webSocket).toEqual({ onSigterm: 'drain' });
    await buildReport(dir, { images: false });
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(
      '<td>requests are WebSocket sessions (app.webSocket)</td><td>yes: at SIGTERM the app takes no new one and lets open sessions run, for up to 60 s more once no request waits in the queue-proxy (its drain of upgraded connections)</td>',
    );
  });

  it('a session still waiting in the queue-proxy when the app gets SIGTERM gets 502', () => {
    // Two pods at most, the ingress sending straight to them (target-burst-capacity 0): sessions queue
    // in their queue-proxies. `kubectl drain` of their node at 2m evicts both with sessions open and waiting.
    const value = scenario({ webSocket: true }, { 'autoscaling.knative.dev/target-burst-capacity': '0', 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2' });
    const svc = (value['services'] as Array<Record<string, unknown>>)[0]!;
    svc['initialPods'] = 2;
    const spec = ((svc['manifest'] as Record<string, unknown>)['spec'] as { template: { spec: Record<string, unknown> } }).template.spec;
    spec['containers'] = [{ image: 'chat', resources: { requests: { cpu: '500m', memory: '256Mi' } } }];
    value['cluster'] = { nodePools: [{ name: 'std', cpu: '4', memory: '16Gi', pricePerHour: 0.2, minNodes: 1, maxNodes: 1, initialNodes: 1 }] };
    value['updates'] = [{ at: '2m', drainNode: { node: 'std-001' } }];
    const { rec } = run(scenarioFromValue(value, 'chat.yaml').world);
    const evicted = new Set(rec.pods.filter((p) => p.event === 'Terminating' && Math.abs(p.time - 120) < 1e-9).map((p) => p.pod));
    expect(evicted.size).toBe(2);
    const on = rec.requests.filter((r) => r.pod !== undefined && evicted.has(r.pod));
    const bad = on.filter((r) => r.status === 502);
    const closed = on.filter((r) => r.closedAtShutdown);
    expect(bad.length).toBeGreaterThan(0);
    expect(closed).toHaveLength(4);
    for (const r of bad) {
      // Never started: it waited in the queue-proxy until the app stopped taking connections.
      expect(Number.isNaN(r.serviceStart)).toBe(true);
      expect(r.end).toBeCloseTo(150, 9);
    }
    for (const r of closed) expect(r.end).toBeCloseTo(150, 9);
  });

  it("onSigterm: drain: a request waiting in the queue-proxy holds its Shutdown, gets 502 only when a session frees a slot, and the 60 s drain of sessions starts after it", () => {
    // As above (both pods evicted at 2m, 2 sessions open and 20 waiting on each), but the app drains.
    const value = scenario({ webSocket: { onSigterm: 'drain' } }, { 'autoscaling.knative.dev/target-burst-capacity': '0', 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2' });
    const svc = (value['services'] as Array<Record<string, unknown>>)[0]!;
    svc['initialPods'] = 2;
    const spec = ((svc['manifest'] as Record<string, unknown>)['spec'] as { template: { spec: Record<string, unknown> } }).template.spec;
    spec['containers'] = [{ image: 'chat', resources: { requests: { cpu: '500m', memory: '256Mi' } } }];
    value['cluster'] = { nodePools: [{ name: 'std', cpu: '4', memory: '16Gi', pricePerHour: 0.2, minNodes: 1, maxNodes: 1, initialNodes: 1 }] };
    value['updates'] = [{ at: '2m', drainNode: { node: 'std-001' } }];
    const { rec } = run(scenarioFromValue(value, 'chat.yaml').world);
    const gone = new Map(rec.pods.filter((p) => p.event === 'Gone').map((p) => [p.pod.name, p.time]));
    const on = (name: string) => rec.requests.filter((r) => r.pod?.name === name);
    const sessions = (name: string) => on(name).filter((r) => !Number.isNaN(r.serviceStart));
    const refused = (name: string) => on(name).filter((r) => r.status === 502);
    // Pod 2: its first session ends on its own at 165.573 s, 15.6 s after SIGTERM (150 s); the 20 requests
    // waiting since before 2m get its slot in turn and are refused then, not at SIGTERM; the drain of the
    // other session starts then and cuts it 60 s later, at 225.573 s (it would have run to 233.210 s).
    const [first2, second2] = sessions('chat-00001-deployment-0002').sort((a, b) => a.end - b.end);
    expect(first2!.end).toBeCloseTo(165.573, 3);
    expect(first2!.closedAtShutdown).toBe(false);
    expect(refused('chat-00001-deployment-0002')).toHaveLength(20);
    for (const r of refused('chat-00001-deployment-0002')) expect(r.end).toBe(first2!.end);
    expect(second2!.closedAtShutdown).toBe(true);
    expect(second2!.end).toBeCloseTo(first2!.end + 60, 9);
    expect(gone.get('chat-00001-deployment-0002')).toBeCloseTo(first2!.end + 60, 9);
    // Pod 1: its sessions run to 420.592 s and 468.624 s; its 20 waiting requests wait until the first
    // ends, the second ends within the 60 s, and the pod goes at the drain's next 1 s poll, 469.592 s.
    const [first1, second1] = sessions('chat-00001-deployment-0001').sort((a, b) => a.end - b.end);
    expect(first1!.end).toBeCloseTo(420.592, 3);
    expect(refused('chat-00001-deployment-0001')).toHaveLength(20);
    for (const r of refused('chat-00001-deployment-0001')) expect(r.end).toBe(first1!.end);
    expect(second1!.closedAtShutdown).toBe(false);
    expect(second1!.end).toBeCloseTo(468.624, 3);
    expect(gone.get('chat-00001-deployment-0001')).toBeCloseTo(first1!.end + 49, 9);
  });

  it('a deleted activator exits 45 s later with the sessions it proxies open: its server does not wait for upgraded connections', () => {
    // The activators always in the path (target-burst-capacity -1); two of them; activator-0 deleted at 2m.
    const value = scenario({ webSocket: true }, { 'autoscaling.knative.dev/target-burst-capacity': '-1', 'autoscaling.knative.dev/min-scale': '40' });
    value['cluster'] = { activators: 2 };
    value['updates'] = [{ at: '2m', deleteActivator: { activator: 0 } }];
    const { rec } = run(scenarioFromValue(value, 'chat.yaml').world);
    const closed = rec.requests.filter((r) => r.closedAtShutdown);
    // Every session activator-0 had proxied and was still open at 2m45s, and only those.
    const through0 = rec.requests.filter((r) => r.activator?.name === 'activator-0' && r.serviceStart < 165);
    const open0 = through0.filter((r) => r.serviceStart + r.serviceTime > 165);
    expect(open0.length).toBeGreaterThan(5);
    expect(closed.map((r) => r.id).sort((a, b) => a - b)).toEqual(open0.map((r) => r.id).sort((a, b) => a - b));
    for (const r of closed) expect(r.end).toBeCloseTo(165, 9);
    // The sessions through activator-1 ran their whole length (min-scale 40: no pod shut down).
    for (const r of rec.requests.filter((x) => x.activator?.name === 'activator-1')) expect(r.end - r.serviceStart).toBeCloseTo(r.serviceTime, 9);
  });

  it('scale-down-delay keeps pods, and their sessions, through a lull', () => {
    const delayed = run(world({ webSocket: true }, { 'autoscaling.knative.dev/scale-down-delay': '15m' }));
    const n = (rec: typeof ws.rec) => rec.requests.filter((r) => r.closedAtShutdown).length;
    expect(n(delayed.rec)).toBeLessThan(n(ws.rec));
  });

  it('writes closed_at_shutdown in requests.csv and sessionsClosedAtShutdown in summary.json, and says so in the summary and the report', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-ws-')), 'run');
    runWorld(world({ webSocket: true }), { outDir: dir, trace: { mode: 'full' } });
    const [head, ...rows] = readFileSync(join(dir, 'requests.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    expect(head!.at(-1)).toBe('closed_at_shutdown');
    const closedRows = rows.filter((c) => c.at(-1) === '1');
    expect(closedRows.every((c) => c[head!.indexOf('status')] === '200')).toBe(true);
    expect(rows.every((c) => c.at(-1) === '0' || c.at(-1) === '1')).toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.revisions[0]!.sessionsClosedAtShutdown).toBe(closedRows.length);
    expect(summary.overall.sessionsClosedAtShutdown).toBe(closedRows.length);
    expect(closedRows.length).toBe(ws.rec.requests.filter((r) => r.closedAtShutdown).length);
    expect(textSummary(summary, dir, [])).toContain(`WebSocket sessions closed by a shutdown: ${closedRows.length} of ${summary.overall.requests.ok} 200s`);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).revisions[0].webSocket).toEqual({ onSigterm: 'close' });
    await buildReport(dir, { images: false });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<td>requests are WebSocket sessions (app.webSocket)</td><td>yes: the app closes open sessions at SIGTERM, when its pod’s drain ends</td>');
    // 28 of 73: 38.36 %.
    const pctOf = `${closedRows.length} (${((100 * closedRows.length) / summary.overall.requests.ok).toFixed(2)}%)`;
    expect(html).toContain(`<td>WebSocket sessions closed by a pod or activator shutdown (count, % of 200s)</td><td>${pctOf}</td><td>${pctOf}</td>`);
    // A run without WebSocket sessions writes none of it.
    const other = join(mkdtempSync(join(tmpdir(), 'knsim-ws-')), 'run');
    runWorld(world(), { outDir: other, trace: { mode: 'full' } });
    expect(readFileSync(join(other, 'requests.csv'), 'utf8')).not.toContain('closed_at_shutdown');
    expect(readFileSync(join(other, 'summary.json'), 'utf8')).not.toContain('sessionsClosedAtShutdown');
    expect(readFileSync(join(other, 'settings.json'), 'utf8')).not.toContain('webSocket');
    await buildReport(other, { images: false });
    expect(readFileSync(join(other, 'report.html'), 'utf8')).not.toContain('WebSocket');
  });

  it('sessions_closed_rate: the sweep metric and expectation; none without sessions; the tuner refuses it where no run could have it', () => {
    const withWs = summarizeWorld(world({ webSocket: true }));
    const plainSummary = summarizeWorld(world());
    // 28 of 73 requests.
    expect(metricsOf(withWs).sessions_closed_rate).toBeCloseTo(28 / 73, 12);
    expect(metricsOf(plainSummary).sessions_closed_rate).toBeNaN();
    const check = (text: string, s: RunSummary) => evaluateExpectation(parseExpectation(text, 'chat.yaml', 0), s, 'chat.yaml');
    expect(check('sessionsClosed < 40%', withWs)).toMatchObject({ pass: true });
    expect(check('sessions_closed_rate < 38%', withWs)).toMatchObject({ pass: false });
    expect(check('sessionsClosed < 40%', plainSummary)).toMatchObject({ pass: false, actual: 'none (no revision serves WebSocket sessions: app.webSocket)' });
    expect(() => checkMeasured(false, [], [], 'sessions_closed_rate', 'sessionsClosed', true, false)).toThrow(
      '--objective sessionsClosed: no revision of the scenario serves WebSocket sessions (app.webSocket), so its runs have no WebSocket sessions closed by a shutdown (%); choose another metric or set app.webSocket',
    );
    expect(() => checkMeasured(false, [], [], 'sessions_closed_rate', 'sessionsClosed', true, true)).not.toThrow();
    expect(() => checkMeasured(false, parseAxes(['services[0].app.webSocket=true,false'], '--space'), [], 'sessions_closed_rate', 'sessionsClosed', true, false)).not.toThrow();
  });

  it('the notebook helpers: simulate() counts them in its summary and flags them in its request rows', () => {
    const sim = simulate(world({ webSocket: true }), { requests: true });
    expect(sim.summary.overall.sessionsClosedAtShutdown).toBe(28);
    expect(sim.requests.filter((r) => r.closedAtShutdown)).toHaveLength(28);
    expect(sim.requests.filter((r) => r.closedAtShutdown).every((r) => r.status === 200)).toBe(true);
    expect(simulate(world()).summary.overall.sessionsClosedAtShutdown).toBeUndefined();
  });

  it.each([
    [{ webSocket: true, stream: { firstByte: '1s' } }, 'services[0].app.webSocket', 'does not stream an HTTP response'],
    [{ webSocket: true, serviceTime: undefined, cpu: { work: '100ms' } }, 'services[0].app.webSocket', 'not with the CPU model (cpu)'],
    [{ webSocket: true, faults: [{ kind: 'hang', at: '1m' }] }, 'services[0].app.faults[0]', 'serves WebSocket sessions (app.webSocket)'],
    [{ webSocket: { onSigterm: 'exit' } }, 'services[0].app.webSocket', 'must be true, false or { onSigterm: close | drain }'],
    [{ webSocket: 'yes' }, 'services[0].app.webSocket', 'must be true, false or { onSigterm: close | drain }'],
  ])('refuses %j at %s', (app, path, rule) => {
    let err: unknown;
    try {
      world(app);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toContain(rule);
  });
});
