/**
 * The activators' probe rounds of a revision's pods (revision_backends.go run/checkDests/probePodIPs):
 * every not-yet-healthy address in one round, a round's finds handed on when its slowest probe is
 * back (up to the 300 ms timeout), an Endpoints change starting a round at once (or right after the
 * running one), and the ticker (anchored at 0 here, 200 ms) keeping one tick while a round runs.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.js';
import type { Pod } from '../../src/model/pod.js';
import { RevisionWatcher } from '../../src/model/revision-watcher.js';

interface PodPlan {
  /** Its address appears. */
  since: number;
  /** Its queue-proxy listens. */
  qp: number;
  /** Its user container passes readiness. */
  ready: number;
}

/** When each pod is handed on as healthy, and each Endpoints change (a pod Ready) at `changes`. */
function founds(plans: PodPlan[], o: { aggressive?: boolean; changes?: number[]; anchor?: number } = {}): number[] {
  const sim = new Simulation(1);
  const found: number[] = plans.map(() => Number.NaN);
  const w = new RevisionWatcher({ sim, endpointsUpdate: (fns) => fns.forEach((f) => f()) }, o.anchor ?? 0, 0.2, o.aggressive ?? true);
  plans.forEach((p, i) => {
    const pod = { isOk: true, queueProxyUpAt: Number.NaN } as unknown as Pod;
    w.watch(pod, p.since, p.ready, () => (found[i] = sim.now), p.qp);
  });
  for (const t of o.changes ?? []) sim.at(t, () => w.endpointsChanged(), undefined);
  sim.run(60);
  return found;
}

function expectTimes(got: number[], want: number[]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 9));
}

describe('RevisionWatcher: when the activators find a revision\'s starting pods', () => {
  it.each([
    {
      // Rounds at 0.5 (the address: refused), ticks 0.6 … 1.0 refused, 1.2 starts the check, which answers at
      // 1.75 (steps of 50 ms from 1.2): the round from 1.5 (the 1.4 tick, kept while the first timed out) gets it.
      name: 'one pod: the check\'s 50 ms step after readiness',
      plans: [{ since: 0.5, qp: 1.2, ready: 1.73 }],
      want: [1.75],
    },
    {
      // The same pod A with pod B, whose check starts in the round from 1.5 and waits until 3.0: the round
      // that gets A's answer at 1.75 ends at its 300 ms timeout, 1.8, so A is handed on at 1.8. B's check
      // (from 1.5) answers at 3.0, in the round from 2.7.
      name: 'two pods: a find waits for the round\'s slowest probe',
      plans: [
        { since: 0.5, qp: 1.2, ready: 1.73 },
        { since: 0.5, qp: 1.25, ready: 3.0 },
      ],
      want: [1.8, 3.0],
    },
    {
      // Pod B's address appears at 1.1, between ticks: that round reaches A's queue-proxy (up at 1.03), and
      // A's check from 1.1 answers at 1.15; a round only on the ticks would have started it at 1.2. B's check
      // starts with the tick at 5.0 and answers at 5.5, in the round from 5.3.
      name: 'another pod\'s address starts a round that reaches the first',
      plans: [
        { since: 0, qp: 1.03, ready: 1.12 },
        { since: 1.1, qp: 5, ready: 5.5 },
      ],
      want: [1.15, 5.5],
    },
    {
      // A's check holds rounds 1.2–1.5 and 1.5–1.8; C's address appears at 1.6, mid-round: its round waits for
      // 1.8 (not 1.6), where C's queue-proxy, up since 1.62, passes at once; but A's check answers in that
      // round only at 2.05, and C is handed on with A then.
      name: 'an Endpoints change during a round waits for it to end',
      plans: [
        { since: 0.5, qp: 1.2, ready: 2.03 },
        { since: 1.6, qp: 1.62, ready: 1.62 },
      ],
      want: [2.05, 2.05],
    },
    {
      // With a periodSeconds the queue-proxy checks once per probe: no waiting; rounds on the ticks.
      name: 'single checks: the first tick after readiness',
      plans: [
        { since: 0.5, qp: 1.2, ready: 1.73 },
        { since: 0.5, qp: 1.25, ready: 3.0 },
      ],
      aggressive: false,
      want: [1.8, 3.0],
    },
  ])('$name', ({ plans, want, aggressive }) => {
    expectTimes(founds(plans, { aggressive: aggressive ?? true }), want);
  });

  it('a pod Ready (an Endpoints change) brings a round at once: here at 1.33, so the check steps from there', () => {
    // Ticks alone: the check starts at 1.4 and answers at 1.85 (1.4 + k · 0.05 ≥ 1.83).
    expectTimes(founds([{ since: 0, qp: 1.31, ready: 1.83 }]), [1.85]);
    // A change at 1.33 starts it then: 1.33 + k · 0.05 ≥ 1.83 is 1.83.
    expectTimes(founds([{ since: 0, qp: 1.31, ready: 1.83 }], { changes: [1.33] }), [1.83]);
  });

  // One pod alone: its rounds are the Endpoints change that brings its address and the revision's ticks.
  it.each([
    // Ticks from 0.5: rounds 0.5 … 1.1 refused; 1.3 starts the check, which answers at 1.75 in the round from 1.6.
    { since: 0.5, anchor: 0.5, qp: 1.2, ready: 1.73, found: 1.75 },
    // Ready before the first round that reaches the queue-proxy: that round's check passes at once.
    { since: 0.5, anchor: 0.5, qp: 1.2, ready: 1.25, found: 1.3 },
    // Ticks from 0: none at 1.3; the one at 1.4 reaches the queue-proxy.
    { since: 0.5, anchor: 0, qp: 1.25, ready: 1.25, found: 1.4 },
    // Ticks from 0.05 put a round on the queue-proxy's start.
    { since: 0.5, anchor: 0.05, qp: 1.25, ready: 1.25, found: 1.25 },
    // The queue-proxy up before the address (re)appears: that Endpoints change's round starts the check.
    { since: 10, anchor: 0, qp: 2, ready: 12.01, found: 12.05 },
    // A readiness a hair after the check's step (3 × 0.05 is 0.15000000000000002): found at readiness, never before.
    { since: 0, anchor: 0, qp: 0, ready: 0.150000000001, found: 0.150000000001 },
  ])('address at $since, ticks from $anchor, queue-proxy $qp, ready $ready → $found', ({ since, anchor, qp, ready, found }) => {
    const [got] = founds([{ since, qp, ready }], { anchor });
    expect(got).toBeCloseTo(found, 9);
    expect(got).toBeGreaterThanOrEqual(ready);
  });
});

describe('RevisionWatcher: a round of many pods costs in proportion to them', () => {
  it('2,000 pods whose checks answer one by one in one round: the round\'s end is scheduled twice, not once per answer', () => {
    const sim = new Simulation(1);
    const n = 2000;
    const found: number[] = [];
    const w = new RevisionWatcher({ sim, endpointsUpdate: (fns) => fns.forEach((f) => f()) }, 0, 0.2, true);
    const pods = Array.from({ length: n }, () => ({ isOk: true, queueProxyUpAt: Number.NaN }) as unknown as Pod);
    // Every address and queue-proxy up at 0, readiness unknown: the round from 0 waits on every check.
    pods.forEach((pod) => w.watch(pod, 0, Number.NaN, undefined, 0));
    // The containers pass from 0.1 to 0.11999: each check answers on its 50 ms step, 0.15, inside the round.
    pods.forEach((pod, i) => sim.at(0.1 + i * 1e-5, () => w.passes(pod, sim.now, () => found.push(sim.now)), undefined));
    sim.run(1);
    expect(found).toHaveLength(n);
    for (const t of found) expect(t).toBeCloseTo(0.15, 12);
    // n address events, n answers, 2 round ends (one of them dropped): rescheduling at every answer made 3n + 1.
    expect(sim.events).toBe(2 * n + 2);
    // The round's start, then its end moving from the timeout (0.3) to 0.15 with the last answer.
    expect(w.scheduledEnds).toBe(2);
  });

  it('forgetting the round\'s latest pass brings its end back to the pass before', () => {
    const sim = new Simulation(1);
    const found: number[] = [Number.NaN, Number.NaN];
    const w = new RevisionWatcher({ sim, endpointsUpdate: (fns) => fns.forEach((f) => f()) }, 0, 0.2, true);
    const [a, b] = [0, 1].map(() => ({ isOk: true, queueProxyUpAt: Number.NaN }) as unknown as Pod);
    // A passes at 0.15 (ready 0.12), B at 0.25 (ready 0.22); B's address leaves at 0.13.
    w.watch(a!, 0, 0.12, () => (found[0] = sim.now), 0);
    w.watch(b!, 0, 0.22, () => (found[1] = sim.now), 0);
    sim.at(0.13, () => w.forget(b!), undefined);
    sim.run(1);
    expect(found[0]).toBeCloseTo(0.15, 12);
    expect(found[1]).toBeNaN();
  });

  it('addresses whose queue-proxy does not listen yet are not looked at in every round', () => {
    const sim = new Simulation(1);
    let looks = 0;
    const w = new RevisionWatcher({ sim, endpointsUpdate: (fns) => fns.forEach((f) => f()) }, 0, 0.2, true);
    const n = 1000;
    for (let i = 0; i < n; i++) {
      const pod = { queueProxyUpAt: Number.NaN, get isOk() { looks++; return true; } } as unknown as Pod;
      // Queue-proxies up at 100 s: every round to then fails on each of them.
      w.watch(pod, 0, 100.01, undefined, 100);
    }
    sim.run(10);
    // 50 ticks in 10 s: looking at every address in each round read isOk 50,000 times.
    expect(looks).toBeLessThan(200);
  });
});

describe('RevisionWatcher: rounds that probe nothing cost no event of their own', () => {
  /** One pod (address 0.5, queue-proxy 1.2, ready 1.73), plus `extra`'s events: its find, the run's events, the ends scheduled. */
  function onePod(extra: (sim: Simulation, w: RevisionWatcher) => void = () => {}): { found: number; events: number; ends: number } {
    const sim = new Simulation(1);
    let found = Number.NaN;
    const w = new RevisionWatcher({ sim, endpointsUpdate: (fns) => fns.forEach((f) => f()) }, 0, 0.2, true);
    w.watch({ isOk: true, queueProxyUpAt: Number.NaN } as unknown as Pod, 0.5, 1.73, () => (found = sim.now), 1.2);
    extra(sim, w);
    sim.run(60);
    return { found, events: sim.events, ends: w.scheduledEnds };
  }

  it('a lone pod: the rounds before its queue-proxy listens end within their own event, the kept tick at 0.5 is read there too', () => {
    const got = onePod();
    expect(got.found).toBeCloseTo(1.75, 9);
    // The address (0.5), the ticks 0.6, 0.8, 1.0, 1.2 (its check starts), the end at the timeout 1.5 with the
    // tick kept meanwhile, and the end at 1.75: 8 events, where an event per round end (and for the kept tick at
    // 0.5) made 14. Only the rounds that kept a probe scheduled an end.
    expect(got.events).toBe(8);
    expect(got.ends).toBe(2);
  });

  it('with another event due at the same instant the empty round\'s end stays an event, and an Endpoints change from that event waits for it', () => {
    const got = onePod((sim, w) => sim.at(0.5, () => w.endpointsChanged(), undefined));
    expect(got.found).toBeCloseTo(1.75, 9);
    // The address's round ends at 0.5 in an event of its own; the change that came meanwhile starts the next
    // round from there (ending at once: nothing else is due), which reads the kept tick: 10 events, 3 ends.
    expect(got.events).toBe(10);
    expect(got.ends).toBe(3);
  });

  it('other events on the ticks (here every 0.1 s) keep each round\'s end an event and change no find', () => {
    const got = onePod((sim) => {
      for (let k = 0; k < 60; k++) sim.at(k * 0.1, () => {}, undefined);
    });
    expect(got.found).toBeCloseTo(1.75, 9);
    // The 60 other events and 9 of the watcher's (14 without the event-free ends).
    expect(got.events).toBe(69);
  });
});

describe('RevisionWatcher: an activator started later has its own watcher over the same pods', () => {
  /** One pod (address 0.5, queue-proxy 1.2, ready 1.73) watched by a watcher per anchor; `stopAt` stops the second. */
  function twoWatchers(anchors: number[], stopAt?: number): { found: number[]; eventsAfter: number } {
    const sim = new Simulation(1);
    const pod = { isOk: true, queueProxyUpAt: Number.NaN } as unknown as Pod;
    const found = anchors.map(() => Number.NaN);
    const ws = anchors.map((a, i) => {
      const w = new RevisionWatcher({ sim, endpointsUpdate: (fns) => fns.forEach((f) => f()) }, a, 0.2, true);
      w.watch(pod, 0.5, 1.73, () => (found[i] = sim.now), 1.2);
      return w;
    });
    if (stopAt !== undefined) sim.at(stopAt, () => ws[1]!.stop(), undefined);
    sim.run(1.01);
    const before = sim.events;
    sim.run(60);
    return { found, eventsAfter: sim.events - before };
  }

  it.each([
    // Alone, ticking from 0.12: its probe at 1.32 starts the queue-proxy's check, which steps 50 ms from there.
    { anchors: [0.12], found: [1.77] },
    // With the revision's watcher (ticks from 0): its probe at 1.2 started the check, so the later watcher's
    // probe waits on that one check and both find the pod at its step 1.75.
    { anchors: [0, 0.12], found: [1.75, 1.75] },
    // Ticking from 0.05: its probe at 1.25 comes after the other's at 1.2 too.
    { anchors: [0, 0.05], found: [1.75, 1.75] },
  ])('anchored at $anchors: found at $found', ({ anchors, found }) => {
    expectTimes(twoWatchers(anchors).found, found);
  });

  it('a stopped watcher (its activator gone) runs no round, tick or find after its stop; the other goes on alone', () => {
    const stopped = twoWatchers([0, 0.12], 1.0);
    expectTimes([stopped.found[0]!], [1.75]);
    expect(stopped.found[1]).toBeNaN();
    // After 1.01 s only the revision's watcher's events run, and the tick the stopped one had
    // scheduled at 1.12 s, which finds itself dropped.
    expect(stopped.eventsAfter).toBe(twoWatchers([0]).eventsAfter + 1);
  });
});
