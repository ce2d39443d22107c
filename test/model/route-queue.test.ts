import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.js';
import { RouteQueue } from '../../src/model/route-queue.js';

/** A queue whose reconciles are logged, with an optional hook run inside each. */
function setup(onReconcile: (now: number, q: RouteQueue) => void = () => {}) {
  const sim = new Simulation(1);
  const reconciles: number[] = [];
  const q: RouteQueue = new RouteQueue(sim, (now) => {
    reconciles.push(now);
    onReconcile(now, q);
  });
  return { sim, q, reconciles };
}

describe('RouteQueue (the route workqueue holds a key once)', () => {
  it('adds due at one instant, delayed or from an informer, make one reconcile and one event', () => {
    const { sim, q, reconciles } = setup();
    q.addAfter(5);
    q.addAt(5);
    q.addAfter(5);
    q.addAt(5);
    sim.run(10);
    expect(reconciles).toEqual([5]);
    expect(sim.events).toBe(1);
  });

  it('drops an EnqueueAfter later than the one waiting', () => {
    const { sim, q, reconciles } = setup();
    q.addAfter(5);
    q.addAfter(8);
    sim.run(10);
    expect(reconciles).toEqual([5]);
    expect(sim.events).toBe(1);
  });

  it('lets an earlier EnqueueAfter take the waiting one’s place: the event left at the later time reconciles nothing', () => {
    const { sim, q, reconciles } = setup();
    q.addAfter(8);
    q.addAfter(5);
    sim.run(10);
    expect(reconciles).toEqual([5]);
    expect(sim.events).toBe(2);
  });

  it('a reconcile that requeues for the instant of a left-behind event reuses that event', () => {
    const { sim, q, reconciles } = setup((now, queue) => {
      if (now === 5) queue.addAfter(8);
    });
    q.addAfter(8);
    q.addAfter(5);
    sim.run(10);
    expect(reconciles).toEqual([5, 8]);
    expect(sim.events).toBe(2);
  });

  it('an informer add is not a delayed add: it neither replaces nor is dropped by the one waiting', () => {
    const { sim, q, reconciles } = setup();
    q.addAfter(5);
    q.addAt(7);
    q.addAt(3);
    q.addAfter(6);
    sim.run(10);
    expect(reconciles).toEqual([3, 5, 7]);
    expect(sim.events).toBe(3);
  });

  it('after the waiting add ran, a later EnqueueAfter waits again', () => {
    const { sim, q, reconciles } = setup((now, queue) => {
      if (now < 9) queue.addAfter(now + 2);
    });
    q.addAfter(1);
    sim.run(20);
    expect(reconciles).toEqual([1, 3, 5, 7, 9]);
    expect(sim.events).toBe(5);
  });
});
