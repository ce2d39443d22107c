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
});

describe('Simulation', () => {
  it('runs events in time order, never earlier than now, and stops at the horizon', () => {
    const sim = new Simulation(1);
    const seen: Array<[string, number]> = [];
    sim.at(5, (s: string) => {
      seen.push([s, sim.now]);
      sim.at(1, (x: string) => seen.push([x, sim.now]), 'past→now'); // clamped to now
      sim.after(2, (x: string) => seen.push([x, sim.now]), 'later');
    }, 'first');
    sim.at(5, (s: string) => seen.push([s, sim.now]), 'tie');
    sim.at(20, (s: string) => seen.push([s, sim.now]), 'beyond');
    sim.run(10);
    expect(seen).toEqual([['first', 5], ['tie', 5], ['past→now', 5], ['later', 7]]);
    expect(sim.now).toBe(10);
    expect(sim.events).toBe(4);
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
