/**
 * Simulation.wouldRunNext tells a model whether an event it would schedule now would be the very
 * next to run, so that it may do that event's work at once instead (the revision watcher's empty
 * probe rounds): any waiting event at an earlier time, or at the same instant with a priority no
 * higher (older, so first), comes before it.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.js';

/** Runs `check` inside an event at 1 s, after scheduling `setup`'s events. */
function askAt1(setup: (sim: Simulation) => void): boolean[] {
  const sim = new Simulation(1);
  const got: boolean[] = [];
  sim.at(1, () => {
    setup(sim);
    got.push(sim.wouldRunNext(1), sim.wouldRunNext(1.5));
  }, undefined);
  sim.run(10);
  return got;
}

describe('Simulation.wouldRunNext', () => {
  it('with nothing waiting, an event now or later would run next', () => {
    expect(askAt1(() => {})).toEqual([true, true]);
  });

  it('an event waiting at this instant with priority 0 (heap or lane) runs first; one with a higher priority does not', () => {
    expect(askAt1((sim) => sim.at(1, () => {}, undefined))).toEqual([false, false]);
    expect(askAt1((sim) => sim.atInOrder(sim.lane(), 1, () => {}, undefined))).toEqual([false, false]);
    expect(askAt1((sim) => sim.at(1, () => {}, undefined, 1))).toEqual([true, false]);
    expect(askAt1((sim) => sim.at(1, () => {}, undefined, -1))).toEqual([false, false]);
  });

  it('an event waiting later comes after one now, and before one later still', () => {
    expect(askAt1((sim) => sim.at(1.25, () => {}, undefined))).toEqual([true, false]);
    expect(askAt1((sim) => sim.at(2, () => {}, undefined))).toEqual([true, true]);
  });

  it('agrees with the order events then run in', () => {
    const sim = new Simulation(1);
    const ran: string[] = [];
    let said = true;
    sim.at(3, () => ran.push('other'), undefined);
    sim.at(3, () => {
      said = sim.wouldRunNext(3);
      sim.at(3, () => ran.push('mine'), undefined);
    }, undefined, -1);
    sim.run(10);
    expect(said).toBe(false);
    expect(ran).toEqual(['other', 'mine']);
  });
});
