/**
 * A simulation run on the main thread in slices of simulated time, with a turn of the event loop
 * between two slices once enough wall time has passed: SIGINT and SIGTERM handlers (a `knsim run`'s
 * staging directory, a sweep's resume file) and timers (progress bars) then run within a run, not
 * only after it. Slicing does not change the run: Simulation.run(until) takes every event up to
 * `until` in order, wherever the slices fall, and nothing runs between two slices but the loop's turn.
 */
import type { World } from '../model/world.js';

/** Simulated time is run in this many slices. */
const SLICES = 1000;
/**
 * Between slices the event loop gets a turn once this much wall time has passed since the last:
 * a signal waits at most that (and a slice), and a short run does not pay for 1,000 turns.
 */
const YIELD_NANOSECONDS = 20_000_000n;

/** Runs `world` to its end; `onSlice` gets the simulated seconds done after each slice (the last: the duration). */
export async function runSliced(world: World, onSlice?: (simulatedSeconds: number) => void): Promise<void> {
  const duration = world.spec.durationSeconds;
  let yielded = process.hrtime.bigint();
  for (let k = 1; k < SLICES; k++) {
    const until = (duration * k) / SLICES;
    world.sim.run(until);
    onSlice?.(until);
    if (process.hrtime.bigint() - yielded >= YIELD_NANOSECONDS) {
      await new Promise<void>((r) => setImmediate(r));
      yielded = process.hrtime.bigint();
    }
  }
  world.run();
  onSlice?.(duration);
}
