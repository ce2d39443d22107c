import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/engine/event-queue.js';
import { RandomStream } from '../../src/engine/random.js';
import { Simulation } from '../../src/engine/simulation.js';

describe('EventQueue', () => {
  it('pops in (time, scheduling order) order across growth, for 10 000 random events', () => {
    const q = new EventQueue();
    const rng = new RandomStream(1, 'q');
    const pushed: Array<[number, number]> = [];
    for (let i = 0; i < 10_000; i++) {
      const t = Math.floor(rng.next() * 500) / 10; // many ties
      pushed.push([t, i]);
      q.push(t, () => {}, i);
    }
    const popped: number[] = [];
    while (q.size > 0) {
      popped.push(q.topPayload() as number);
      q.removeTop();
    }
    const want = pushed.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
    expect(popped).toEqual(want);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });

  it('pops in (time, priority, scheduling order) order, for 10 000 random events with priorities −2…2', () => {
    const q = new EventQueue();
    const rng = new RandomStream(2, 'q');
    const pushed: Array<[number, number, number]> = [];
    for (let i = 0; i < 10_000; i++) {
      const t = Math.floor(rng.next() * 50) / 10; // many ties
      const p = rng.int(5) - 2;
      pushed.push([t, p, i]);
      q.push(t, () => {}, i, p);
    }
    const popped: number[] = [];
    while (q.size > 0) {
      popped.push(q.topPayload() as number);
      q.removeTop();
    }
    const want = pushed.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]).map(([, , i]) => i);
    expect(popped).toEqual(want);
  });

  it('merges two FIFO lanes with the heap in (time, priority, scheduling order), in-order or not, for 10 000 events', () => {
    const q = new EventQueue();
    const lanes = [q.addLane(), q.addLane()];
    const rng = new RandomStream(3, 'q');
    const pushed: Array<[number, number, number]> = [];
    const popped: number[] = [];
    const want: number[] = [];
    let clock = 0;
    // Interleave pushes and pops as a run does: each lane's stream is mostly in order, with
    // some events out of order (they go to the heap) and ties with heap events of other priorities.
    for (let i = 0; i < 10_000; i++) {
      const kind = rng.int(4);
      if (kind < 2) {
        const t = clock + (rng.next() < 0.9 ? 1 + kind : rng.int(3) / 2);
        pushed.push([t, 0, i]);
        q.pushInOrder(lanes[kind]!, t, () => {}, i);
      } else {
        const t = clock + rng.int(6) / 2;
        const p = rng.int(3) - 1;
        pushed.push([t, p, i]);
        q.push(t, () => {}, i, p);
      }
      if (rng.next() < 0.5) {
        clock = q.peekTime();
        popped.push(q.topPayload() as number);
        q.removeTop();
        pushed.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
        want.push(pushed.shift()![2]);
      }
    }
    while (q.size > 0) {
      popped.push(q.topPayload() as number);
      q.removeTop();
    }
    want.push(...pushed.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]).map(([, , i]) => i));
    expect(popped).toEqual(want);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });

  it('gives back each lane event its callback, payload and scheduling stamps, across the ring wrapping and growing', () => {
    const q = new EventQueue();
    const lane = q.addLane();
    const fns = [(): void => {}, (): void => {}, (): void => {}];
    // What each push saw: the clock, and when the event taken last (the one scheduling it) was scheduled.
    const want: Array<{ payload: number; fn: unknown; scheduledAt: number; parent: number }> = [];
    const got: typeof want = [];
    const take = (): void => {
      const fn = q.takeDue(Number.POSITIVE_INFINITY);
      got.push({ payload: q.takenPayload as number, fn, scheduledAt: q.takenScheduledAt, parent: q.takenParentScheduledAt });
    };
    // 100 events, two pushed per one taken: the ring wraps at 16 and grows to 32, 64 and 128 with its head mid-ring.
    for (let i = 0; i < 100; i++) {
      want.push({ payload: i, fn: fns[i % 3], scheduledAt: q.now, parent: q.takenScheduledAt });
      q.pushInOrder(lane, 0.25 * i, fns[i % 3]!, i);
      if (i % 2 === 1) take();
    }
    while (q.size > 0) take();
    expect(got).toEqual(want);
    expect(got.map((g) => g.scheduledAt).slice(0, 6)).toEqual([0, 0, 0, 0, 0.25, 0.25]);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });

  it('breaks same-time ties between lanes and the heap by priority, then scheduling order', () => {
    const q = new EventQueue();
    const a = q.addLane();
    const b = q.addLane();
    q.pushInOrder(b, 1, () => {}, 'b first');
    q.push(1, () => {}, 'heap +1', 1);
    q.pushInOrder(a, 1, () => {}, 'a second');
    q.push(1, () => {}, 'heap 0');
    q.push(1, () => {}, 'heap -1', -1);
    q.pushInOrder(b, 1, () => {}, 'b fourth');
    const order: unknown[] = [];
    while (q.size > 0) {
      order.push(q.topPayload());
      q.removeTop();
    }
    expect(order).toEqual(['heap -1', 'b first', 'a second', 'heap 0', 'b fourth', 'heap +1']);
  });

  it('still orders and drains events at +∞ (an empty lane or heap is no event at ∞)', () => {
    const q = new EventQueue();
    const a = q.addLane();
    q.addLane(); // stays empty
    q.pushInOrder(a, Number.POSITIVE_INFINITY, () => {}, 'lane ∞');
    q.push(Number.POSITIVE_INFINITY, () => {}, 'heap ∞ at priority -1', -1);
    q.push(5, () => {}, 'heap 5');
    expect(q.peekTime()).toBe(5);
    const order: unknown[] = [];
    while (q.size > 0) {
      order.push(q.topPayload());
      q.removeTop();
    }
    expect(order).toEqual(['heap 5', 'heap ∞ at priority -1', 'lane ∞']);
    expect(q.topPayload()).toBeUndefined();
    expect(q.takeDue(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe('Simulation', () => {
  it('runs events in time order and stops at the horizon', () => {
    const sim = new Simulation(1);
    const seen: Array<[string, number]> = [];
    sim.at(5, (s: string) => {
      seen.push([s, sim.now]);
      sim.at(5, (x: string) => seen.push([x, sim.now]), 'now');
      sim.after(2, (x: string) => seen.push([x, sim.now]), 'later');
    }, 'first');
    sim.at(5, (s: string) => seen.push([s, sim.now]), 'tie');
    sim.at(20, (s: string) => seen.push([s, sim.now]), 'beyond');
    sim.run(10);
    expect(seen).toEqual([['first', 5], ['tie', 5], ['now', 5], ['later', 7]]);
    expect(sim.now).toBe(10);
    expect(sim.events).toBe(4);
  });

  it.each([
    ['at an earlier time', (sim: Simulation) => sim.at(4.5, () => {}, undefined), 'event scheduled in the past: at 4.5 s, now 5 s'],
    ['at NaN', (sim: Simulation) => sim.at(Number.NaN, () => {}, undefined), 'event scheduled in the past: at NaN s, now 5 s'],
    ['after a negative delay', (sim: Simulation) => sim.after(-0.25, () => {}, undefined), 'event scheduled in the past: after -0.25 s, now 5 s'],
    ['every from an earlier time', (sim: Simulation) => sim.every(1, 1, () => {}, undefined), 'event scheduled in the past: every 1 s from 1 s, now 5 s'],
    ['every with period 0', (sim: Simulation) => sim.every(5, 0, () => {}, undefined), 'period must be > 0 s, got 0'],
    ['a fractional priority', (sim: Simulation) => sim.at(6, () => {}, undefined, 0.5), 'priority must be an integer, got 0.5'],
  ])('throws on an event scheduled %s, and schedules nothing', (_what, schedule, message) => {
    const sim = new Simulation(1);
    sim.run(5);
    expect(() => schedule(sim)).toThrow(message);
    sim.run(100);
    expect(sim.events).toBe(0);
  });

  it('throws inside an event too, and the run stops there', () => {
    const sim = new Simulation(1);
    sim.at(3, () => sim.at(2, () => {}, undefined), undefined);
    expect(() => sim.run(10)).toThrow('event scheduled in the past: at 2 s, now 3 s');
  });

  it('accepts now itself and a zero delay', () => {
    const sim = new Simulation(1);
    const seen: string[] = [];
    sim.at(2, () => {
      sim.at(2, (s: string) => seen.push(s), 'at now');
      sim.after(0, (s: string) => seen.push(s), 'after 0');
    }, undefined);
    sim.run(2);
    expect(seen).toEqual(['at now', 'after 0']);
  });

  // Same-instant events run by priority (lower first), then in scheduling order.
  const priorityCases: { name: string; events: Array<[label: string, time: number, priority?: number]>; want: string[] }[] = [
    { name: 'default priority: scheduling order', events: [['a', 1], ['b', 1], ['c', 1]], want: ['a', 'b', 'c'] },
    { name: 'a later priority runs after every default one', events: [['late', 1, 1], ['a', 1], ['b', 1]], want: ['a', 'b', 'late'] },
    { name: 'an earlier priority runs before', events: [['a', 1], ['first', 1, -1], ['b', 1]], want: ['first', 'a', 'b'] },
    { name: 'time beats priority', events: [['t2', 2, -5], ['t1', 1, 5]], want: ['t1', 't2'] },
    {
      name: 'three priorities interleaved',
      events: [['p2a', 1, 2], ['p0a', 1], ['p1a', 1, 1], ['p2b', 1, 2], ['p0b', 1, 0], ['p1b', 1, 1]],
      want: ['p0a', 'p0b', 'p1a', 'p1b', 'p2a', 'p2b'],
    },
  ];
  it.each(priorityCases)('same-instant order: $name', ({ events, want }) => {
    const sim = new Simulation(1);
    const seen: string[] = [];
    for (const [label, time, priority] of events) sim.at(time, (s: string) => seen.push(s), label, priority);
    sim.run(10);
    expect(seen).toEqual(want);
  });

  it('keeps scheduling order among equal priorities, also for events added at the running instant', () => {
    const sim = new Simulation(1);
    const seen: string[] = [];
    const log = (s: string): void => {
      seen.push(s);
    };
    sim.at(1, () => {
      log('first');
      sim.at(1, log, 'late-2', 1);
      sim.after(0, log, 'default-added');
      sim.at(1, log, 'late-3', 1);
    }, undefined);
    sim.at(1, log, 'late-1', 1);
    sim.at(1, log, 'default');
    sim.run(1);
    expect(seen).toEqual(['first', 'default', 'default-added', 'late-1', 'late-2', 'late-3']);
  });

  it('periodic timers tick at first + k × period without drift until they return false', () => {
    const sim = new Simulation(1);
    const ticks: number[] = [];
    sim.every(0.3, 0.1, () => {
      ticks.push(sim.now);
      return ticks.length < 5;
    }, undefined);
    sim.run(100);
    expect(ticks.map((t) => Math.round(t * 1e9) / 1e9)).toEqual([0.3, 0.4, 0.5, 0.6, 0.7]);
  });

  it('named streams are independent and reproducible', () => {
    const a1 = new RandomStream(7, 'a');
    const a2 = new RandomStream(7, 'a');
    const b = new RandomStream(7, 'b');
    const xs = [a1.next(), a1.next(), a1.next()];
    expect([a2.next(), a2.next(), a2.next()]).toEqual(xs);
    expect(b.next()).not.toBe(xs[0]);
  });
});
