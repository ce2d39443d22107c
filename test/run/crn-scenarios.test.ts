/**
 * Common random numbers on shipped scenarios: two runs that differ only in autoscaling or
 * capacity settings send the same requests, request by request. A request is keyed by its
 * origin and its place there (client and index; closed-loop user and index), recovered from
 * its originKey, and compared on what it was drawn: arrival (open loop and traces), route and
 * work uniforms, revision, service time or trace duration, and the CPU model's wait.
 */
import { describe, expect, it } from 'vitest';
import { RequestStream } from '../../src/engine/random.js';
import { nullRecorder } from '../../src/model/recorder.js';
import type { Request } from '../../src/model/request.js';
import { World } from '../../src/model/world.js';
import { loadScenario, type LoadOptions } from '../../src/scenario/index.js';

interface Drawn {
  arrival: number;
  routeU: number;
  workU: number;
  revision: string;
  /** The revision's service time at the work uniform, or the trace's duration. */
  work: number;
  /** The CPU model's wait at the work uniform (0 without one). */
  wait: number;
}

const TARGET = 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

/** Every request the run routes, keyed `client/index` or `client#user/index`, and the run's event count. */
function drawn(name: string, opts: LoadOptions): { reqs: Map<string, Drawn>; events: number; nodes: number } {
  const spec = loadScenario(`scenarios/${name}.yaml`, opts).world;
  const world = new World(spec, nullRecorder);
  const streamKeys = new Map<string, number>();
  const keyOf = (stream: string): number => {
    let k = streamKeys.get(stream);
    if (k === undefined) streamKeys.set(stream, (k = new RequestStream(spec.seed, stream).key));
    return k;
  };
  const reqs = new Map<string, Drawn>();
  const w = world as unknown as { route(req: Request): void };
  const route = w.route.bind(world);
  w.route = (req) => {
    route(req);
    const c = spec.clients.find((x) => x.name === req.clientName)!;
    const user = (req.owner as { index?: number }).index;
    const stream = user === undefined ? `work/${c.randomStream ?? c.name}` : `user/${user}/${c.randomStream ?? c.name}`;
    const index = (req.originKey ^ keyOf(stream)) >>> 0;
    const rev = req.revision;
    reqs.set(user === undefined ? `${c.name}/${index}` : `${c.name}#${user}/${index}`, {
      arrival: req.arrival,
      routeU: req.routeU,
      workU: req.workU,
      revision: rev?.spec.name ?? '',
      work: rev === undefined ? Number.NaN : (req.fixedServiceTime ?? rev.serviceTimeAt(req.workU)),
      wait: rev?.resources?.waitAt(req.workU) ?? 0,
    });
  };
  world.run();
  return { reqs, events: world.sim.events, nodes: world.cluster?.nodes.length ?? 0 };
}

/** Compares the requests both runs sent; `closed`: arrivals follow answers, so they are left out. */
function compare(a: Map<string, Drawn>, b: Map<string, Drawn>, closed = false): number {
  let common = 0;
  for (const [key, x] of a) {
    const y = b.get(key);
    if (y === undefined) continue;
    common++;
    expect(closed ? { ...y, arrival: 0 } : y, key).toEqual(closed ? { ...x, arrival: 0 } : x);
  }
  return common;
}

describe('two configurations of a shipped scenario send the same requests', () => {
  it('quickstart, target 1 vs 50: every open-loop request, arrival and service time', () => {
    const a = drawn('quickstart', { durationSeconds: 300, sets: [`${TARGET}=1`] });
    const b = drawn('quickstart', { durationSeconds: 300, sets: [`${TARGET}=50`] });
    expect(a.events).not.toBe(b.events); // the systems differ
    expect(a.reqs.size).toBeGreaterThan(2500);
    expect([...b.reqs.keys()].sort()).toEqual([...a.reqs.keys()].sort());
    expect(compare(a.reqs, b.reqs)).toBe(a.reqs.size);
  });

  it('hello-world, containerConcurrency 1 vs 10 (closed loop): each user’s k-th request draws the same', () => {
    const a = drawn('hello-world', { durationSeconds: 120, sets: [`${CC}=1`] });
    const b = drawn('hello-world', { durationSeconds: 120, sets: [`${CC}=10`] });
    // Users send as their answers come, so the counts differ; the k-th request of each is the same.
    expect(b.reqs.size).not.toBe(a.reqs.size);
    const users = new Set([...a.reqs.keys()].map((k) => k.split('/')[0]));
    expect(users.size).toBeGreaterThan(10);
    expect(compare(a.reqs, b.reqs, true)).toBeGreaterThan(0.9 * Math.min(a.reqs.size, b.reqs.size));
  });

  it('azure-trace, target 1 vs 50: every replayed arrival and recorded duration', () => {
    const a = drawn('azure-trace', { durationSeconds: 300, sets: [`${TARGET}=1`] });
    const b = drawn('azure-trace', { durationSeconds: 300, sets: [`${TARGET}=50`] });
    expect(a.reqs.size).toBeGreaterThan(200);
    expect(b.reqs.size).toBe(a.reqs.size);
    expect(compare(a.reqs, b.reqs)).toBe(a.reqs.size);
  });

  it('cpu-bound with a drawn wait, KPA vs the HPA class: the same CPU work and downstream wait per request', () => {
    const wait = 'services[0].app.cpu.wait={ dist: exponential, mean: 20ms }';
    const a = drawn('cpu-bound', { durationSeconds: 300, sets: [wait] });
    const b = drawn('cpu-bound', { durationSeconds: 300, sets: [wait], classOverride: 'hpa.autoscaling.knative.dev' });
    expect(a.events).not.toBe(b.events);
    const waits = new Set([...a.reqs.values()].map((r) => r.wait));
    expect(waits.size).toBeGreaterThan(1000); // the wait is drawn per request
    expect(b.reqs.size).toBe(a.reqs.size);
    expect(compare(a.reqs, b.reqs)).toBe(a.reqs.size);
  });

  it('capacity-planning at its peak, 4- vs 8-CPU nodes with 3 warm: the same requests', () => {
    // The daily peak moved to 15 min in, so pods wait for nodes in one run and not the other.
    const peak = 'clients[0].open.rate.peakAt=15m';
    const a = drawn('capacity-planning', { durationSeconds: 1800, sets: [peak] });
    const b = drawn('capacity-planning', { durationSeconds: 1800, sets: [peak, 'cluster.nodePools[0].cpu=8', 'cluster.nodePools[0].minNodes=3', 'cluster.nodePools[0].initialNodes=3'] });
    expect(a.nodes).toBeGreaterThan(1);
    expect(b.nodes).toBe(3);
    expect(a.events).not.toBe(b.events);
    expect(a.reqs.size).toBeGreaterThan(30000);
    expect(b.reqs.size).toBe(a.reqs.size);
    expect(compare(a.reqs, b.reqs)).toBe(a.reqs.size);
  });
});
