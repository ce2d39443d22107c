import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/engine/random.js';
import { Simulation } from '../../src/engine/simulation.js';
import { ConcurrencyMeter, emptyReport } from '../../src/model/concurrency-meter.js';
import { QueueProxyStats } from '../../src/model/queue-proxy-stats.js';
import { constant, revision, run, service, world } from './world-fixture.js';

type Op = 'in' | 'out' | 'read';

/**
 * Drives QueueProxyStats and, in the same simulation, what it replaces: a meter cut by a
 * 1 s ticker event. Every op happens on the ticker's half-second grid, many exactly at a
 * tick, scheduled from various instants and priorities; before each op both must report
 * the same numbers, bit for bit.
 */
function compareWithTicker(seed: number, startAt: number, ops: number, idleGaps: boolean): number {
  const sim = new Simulation(seed);
  const rnd = new RandomStream(seed, 'ops');
  let stats: QueueProxyStats | undefined;
  const meter = new ConcurrencyMeter(startAt);
  const ticked = emptyReport();
  let inside = 0;
  let proxiedInside = 0;
  let compared = 0;
  const apply = (op: Op): void => {
    const now = sim.now;
    // `latest` is what a scrape reads: it must match the ticker's last cut at this point of the instant.
    expect(stats!.latest(now)).toEqual(ticked);
    compared++;
    if (op === 'in' || (op === 'out' && inside === 0)) {
      const proxied = rnd.next() < 0.5;
      inside++;
      if (proxied) proxiedInside++;
      stats!.in(now, proxied);
      meter.in(now, proxied);
    } else if (op === 'out') {
      const proxied = proxiedInside > 0 && rnd.next() < 0.5;
      inside--;
      if (proxied) proxiedInside--;
      stats!.out(now, proxied);
      meter.out(now, proxied);
    }
  };
  // The queue-proxy starts in an event, as in the model; the ticker is armed there too.
  sim.at(startAt, () => {
    stats = new QueueProxyStats(sim, startAt);
    sim.every(startAt + 1, 1, () => void meter.cut(sim.now, 1, ticked), undefined);
  }, undefined);
  const ops3: Op[] = ['in', 'out', 'read'];
  let t = startAt;
  for (let i = 0; i < ops; i++) {
    t += idleGaps && rnd.next() < 0.1 ? 5 + rnd.int(60) : rnd.int(3) * 0.5;
    const at = t;
    const op = ops3[rnd.int(3)]!;
    const how = rnd.int(4);
    if (how === 0) {
      // Scheduled long before, at setup (sometimes after everything else at its instant).
      sim.at(at, apply, op, rnd.int(2));
    } else {
      // Scheduled by an event on the grid 0.5, 1 or 2 s before it: a tick may have been scheduled at that very instant.
      const delay = [0.5, 1, 2][how - 1]!;
      const from = Math.max(startAt, at - delay);
      sim.at(from, () => sim.at(from + delay, apply, op), undefined);
    }
  }
  sim.run(t + 3);
  return compared;
}

describe('QueueProxyStats', () => {
  it.each([
    { seed: 1, startAt: 2, idleGaps: false },
    { seed: 2, startAt: 2.5, idleGaps: false },
    { seed: 3, startAt: 2, idleGaps: true },
    { seed: 4, startAt: 7.5, idleGaps: true },
    // Report instants that are not round: skipping idle reports must still leave the same bits.
    { seed: 5, startAt: 0.1 * 3 + 1e-7, idleGaps: true },
    { seed: 6, startAt: 1 / 3, idleGaps: true },
  ])('reports what a 1 s ticker event would have cut, ties at its instants included (seed $seed, start $startAt s, idle gaps $idleGaps)', ({ seed, startAt, idleGaps }) => {
    expect(compareWithTicker(seed, startAt, 3000, idleGaps)).toBe(3000);
  });

  it('reports zeros before its first report and after a whole idle second, and cuts only on the grid', () => {
    const sim = new Simulation(1);
    let stats: QueueProxyStats | undefined;
    const seen: Array<{ at: number; c: number; n: number }> = [];
    const read = (): void => {
      const r = stats!.latest(sim.now);
      seen.push({ at: sim.now, c: r.averageConcurrency, n: r.requestCount });
    };
    sim.at(0.25, () => (stats = new QueueProxyStats(sim, 0.25)), undefined);
    sim.at(0.75, () => stats!.in(0.75, false), undefined); // one request from 0.75 s…
    sim.at(1.0, read, undefined); // before the first report (due at 1.25 s)
    sim.at(1.5, read, undefined); // report [0.25, 1.25]: 0.5 s busy, 1 arrival
    sim.at(2.0, () => stats!.out(2.0, false), undefined); // …to 2 s
    sim.at(2.5, read, undefined); // report [1.25, 2.25]: 0.75 s busy
    sim.at(3.5, read, undefined); // report [2.25, 3.25]: idle
    sim.at(1000.5, read, undefined);
    sim.run(2000);
    expect(seen).toEqual([
      { at: 1, c: 0, n: 0 },
      { at: 1.5, c: 0.5, n: 1 },
      { at: 2.5, c: 0.75, n: 0 },
      { at: 3.5, c: 0, n: 0 },
      { at: 1000.5, c: 0, n: 0 },
    ]);
  });
});

describe('queue-proxy reports cost nothing while pods idle', () => {
  // Pods kept by min-scale with no traffic: what runs is the per-revision and per-second work
  // (scrapes, decider ticks every 2 s, the timeseries sampler, 3 activators' pushes), the same
  // for 1 pod as for 40.
  const idleRun = (pods: number): number => {
    const rev = revision({ cc: 1, initialPods: pods, serviceTime: constant(1), annotations: { 'autoscaling.knative.dev/min-scale': String(pods) } });
    return run(world([service('hello', [rev], [{ revisionName: rev.name, percent: 100 }])], [], { duration: 3600 })).world.sim.events;
  };

  it('runs as many events for 40 idle pods as for 1 over an hour', () => {
    const one = idleRun(1);
    expect(one).toBeLessThan(3600 * 6);
    expect(idleRun(40)).toBe(one);
  });
});
