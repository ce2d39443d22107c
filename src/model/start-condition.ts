import type { SksMode } from '../core/autoscaler/index.js';
import type { Revision, RevisionObserver } from './revision.js';
import type { RevisionCondition, StartCondition } from './spec.js';
import type { World } from './world.js';

/** Whether `rev` meets the condition now; `before` is the SKS mode it had at the previous look. */
function holds(c: RevisionCondition, rev: Revision, before: SksMode): boolean {
  switch (c.kind) {
    case 'readyPods':
      return rev.readyPods.length >= c.atLeast;
    case 'sksMode':
      return rev.sksEffectiveMode === c.mode && before !== c.mode;
    case 'scaledToZero':
      return rev.replicas === 0 && rev.readyPods.length === 0;
  }
}

/**
 * Waits for a revision to meet a start condition, looking only when its Ready pods,
 * replicas or SKS mode change (the revision tells its observers), from its creation on;
 * calls `start` once, at the first instant the condition holds.
 */
class StartWatch implements RevisionObserver {
  private mode: SksMode;
  private fired = false;

  constructor(
    private readonly condition: RevisionCondition,
    private readonly start: (now: number) => void,
    rev: Revision,
    now: number,
  ) {
    this.mode = rev.sksEffectiveMode;
    rev.observe(this);
    // A level condition that already holds at creation starts the client at once.
    this.revisionChanged(rev, now);
  }

  revisionChanged(rev: Revision, now: number): void {
    if (this.fired) return;
    const before = this.mode;
    this.mode = rev.sksEffectiveMode;
    if (!holds(this.condition, rev, before)) return;
    this.fired = true;
    rev.unobserve(this);
    this.start(now);
  }
}

/** Calls `start(t)` with t = `delaySeconds` after the first instant the revision meets the condition. */
export function watchStart(world: World, c: StartCondition, start: (t: number) => void): void {
  world.whenRevisionCreated(c.revision, (rev, now) => {
    new StartWatch(c.when, (t) => start(t + c.delaySeconds), rev, now);
  });
}
