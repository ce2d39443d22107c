/**
 * Simulation.periodLane: chains of events that each schedule their next one period on (the
 * revisions' decider ticks) go through the lane of that period instead of the heap. Where an
 * event is kept must not change the order events run in, same-instant ties included.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.js';

type Schedule = (sim: Simulation, time: number, fn: (name: string) => void, name: string) => void;

const viaHeap: Schedule = (sim, time, fn, name) => sim.at(time, fn, name);
const viaLane: Schedule = (sim, time, fn, name) => sim.atInOrder(sim.periodLane(2), time, fn, name);

/**
 * Eight chains of period 2, some sharing a phase (same-instant ties), one started late (its
 * first tick before the lane's latest), beside an every() timer of the same period and heap
 * events at the chains' instants with priorities −1, 0 and 1. Returns what ran, in order.
 */
function run(schedule: Schedule): string[] {
  const sim = new Simulation(7);
  const ran: string[] = [];
  const phases = [0.25, 0.5, 0.5, 1, 1.75, 1.75, 1.75, 0];
  const chain = (c: number): ((name: string) => void) => {
    const tick = (name: string): void => {
      ran.push(`${name}@${sim.now}`);
      if (sim.now < 12) schedule(sim, sim.now + 2, tick, `chain${c}`);
      // A tie made while running: an event at this instant, scheduled after the next tick.
      if (c === 3) sim.at(sim.now, (n: string) => ran.push(`${n}@${sim.now}`), `watch${c}`);
    };
    return tick;
  };
  for (let c = 0; c < phases.length - 1; c++) schedule(sim, phases[c]!, chain(c), `chain${c}`);
  sim.every(0.5, 2, (n: string) => void ran.push(`${n}@${sim.now}`), 'every');
  for (const [t, p] of [[2.5, -1], [2.5, 0], [2.5, 1], [3.75, 0], [5, 0]] as const) sim.at(t, (n: string) => ran.push(`${n}@${sim.now}`), `heap${p}`, p);
  // A chain created at 3.1 whose first tick (3.2) comes before the lane's latest.
  sim.at(3.1, () => schedule(sim, 3.2, chain(7), 'chain7'), undefined);
  sim.run(20);
  return ran;
}

describe('Simulation.periodLane', () => {
  it('runs chains of ticks through the lane in exactly the order the heap runs them', () => {
    const heap = run(viaHeap);
    const lane = run(viaLane);
    expect(lane).toEqual(heap);
    // The ties are there to be kept: at 2.5 the heap's priority −1 event, its priority-0 one
    // (scheduled first, at 0 s), the two chains of phase 0.5 and the every() timer in the order
    // they were scheduled at 0.5 s, then priority 1.
    const at25 = heap.filter((e) => e.endsWith('@2.5'));
    expect(at25).toEqual(['heap-1@2.5', 'heap0@2.5', 'chain1@2.5', 'chain2@2.5', 'every@2.5', 'heap1@2.5']);
    expect(heap.filter((e) => e.startsWith('chain7'))).toEqual(['chain7@3.2', 'chain7@5.2', 'chain7@7.2', 'chain7@9.2', 'chain7@11.2', 'chain7@13.2']);
    expect(heap.filter((e) => e.startsWith('watch3@'))).toHaveLength(7);
  });

  it('is one lane per period, shared with every()', () => {
    const sim = new Simulation(1);
    const two = sim.periodLane(2);
    expect(sim.periodLane(2)).toBe(two);
    expect(sim.periodLane(1)).not.toBe(two);
    sim.every(1, 2, () => {}, undefined);
    expect(sim.periodLane(2)).toBe(two);
  });
});
