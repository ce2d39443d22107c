/**
 * How the worker advances a run between two looks at its messages. It used to advance one
 * simulated second at a time, but a second of a dense run (20,000 closed-loop users on 1 ms
 * requests: ten million requests) takes the tab tens of seconds, and meanwhile Pause went
 * unheard and the page still said `paused` from the load. The pacer advances in slices of
 * simulated time that shrink while a slice takes long and grow while they are quick, and stops
 * when its wall-time budget is spent. Slicing never changes a run (session.ts).
 */

/** Simulated seconds of the first slice, the least and the most. */
export const MIN_SLICE = 1e-3;
export const MAX_SLICE = 1;

/** What the pacer advances: a playground Session. */
export interface Advanceable {
  readonly now: number;
  readonly done: boolean;
  advance(until: number): void;
}

export class Pacer {
  /** Simulated seconds the next slice asks for. */
  slice = MIN_SLICE;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /**
   * Advances `run` towards `target` (Infinity: its end) slice by slice, until it gets there,
   * the run ends, or `budgetMs` of wall time has gone: a dense run's slices settle near a quarter
   * of the budget, a light one's at MAX_SLICE.
   * @throws what run.advance throws (a limit passed)
   */
  advance(run: Advanceable, target: number, budgetMs: number): void {
    const start = this.clock();
    while (!run.done && run.now < target && this.clock() - start < budgetMs) {
      const before = this.clock();
      run.advance(Math.min(target, run.now + this.slice));
      const took = this.clock() - before;
      // Too long: aim the next slice at a quarter of the budget at this slice's pace.
      if (took > budgetMs / 2) this.slice = Math.max(MIN_SLICE, (this.slice * budgetMs) / (4 * took));
      else if (took < budgetMs / 8) this.slice = Math.min(MAX_SLICE, this.slice * 2);
    }
  }
}
