/**
 * Simulation.atInOrder hands its time to the event list through a field (no boxed number per
 * call): the events must still run at their own times, in (time, priority, scheduling) order,
 * whether they join the lane or, out of order, the heap.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.js';

describe('Simulation.atInOrder', () => {
  it('runs lane events at their times, merged with heap events in (time, priority, order)', () => {
    const sim = new Simulation(1);
    const lane = sim.lane();
    const ran: Array<[string, number]> = [];
    const log = (name: string): void => {
      ran.push([name, sim.now]);
    };
    sim.atInOrder(lane, 0.5, log, 'lane 0.5');
    sim.atInOrder(lane, 1.25, log, 'lane 1.25');
    // Earlier than the lane's latest: it goes to the heap and still runs in time order.
    sim.atInOrder(lane, 0.75, log, 'lane 0.75 (out of order)');
    sim.at(1.25, log, 'heap 1.25 priority -1', -1);
    sim.at(1.25, log, 'heap 1.25 priority 0');
    sim.atInOrder(lane, 2, log, 'lane 2');
    sim.run(10);
    expect(ran).toEqual([
      ['lane 0.5', 0.5],
      ['lane 0.75 (out of order)', 0.75],
      ['heap 1.25 priority -1', 1.25],
      ['lane 1.25', 1.25],
      ['heap 1.25 priority 0', 1.25],
      ['lane 2', 2],
    ]);
    expect(sim.events).toBe(6);
  });

  it('refuses a time before now, naming both', () => {
    const sim = new Simulation(1);
    const lane = sim.lane();
    sim.run(3);
    expect(() => sim.atInOrder(lane, 2.5, () => {}, undefined)).toThrow('event scheduled in the past: at 2.5 s, now 3 s');
    expect(sim.pending).toBe(0);
  });
});
