import { describe, expect, it } from 'vitest';
import { defaultRollingUpdateFenceposts, rollingUpdatePlan, rollingUpdateStep } from '../../../src/core/capacity/index.js';

describe('defaultRollingUpdateFenceposts (25 % / 25 %)', () => {
  it.each([
    [1, 1, 0],
    [2, 1, 0],
    [3, 1, 0],
    [4, 1, 1],
    [5, 2, 1],
    [8, 2, 2],
    [20, 5, 5],
    // Nothing to roll: both 0 would stall, so maxUnavailable is 1.
    [0, 0, 1],
  ])('%i replicas: maxSurge %i, maxUnavailable %i', (replicas, surge, unavailable) => {
    expect(defaultRollingUpdateFenceposts(replicas)).toEqual({ maxSurge: surge, maxUnavailable: unavailable });
  });
});

describe('rollingUpdateStep', () => {
  const f = (maxSurge: number, maxUnavailable: number) => ({ maxSurge, maxUnavailable });
  it.each([
    // replicas, old, new, newAvailable, surge, unavailable → up, down
    ['1 replica starts: one new pod, no old one deleted', 1, 1, 0, 0, f(1, 0), 1, 0],
    ['1 replica, the new pod starting: wait', 1, 1, 1, 0, f(1, 0), 0, 0],
    ['1 replica, the new pod available: the old one goes', 1, 1, 1, 1, f(1, 0), 0, 1],
    ['4 replicas start: one new pod and one old deleted at once', 4, 4, 0, 0, f(1, 1), 1, 1],
    ['4 replicas, 3 old and 1 starting: one more new, none deleted', 4, 3, 1, 0, f(1, 1), 1, 0],
    ['4 replicas, 3 old and 2 available new: two old go, then room for more', 4, 3, 2, 2, f(1, 1), 0, 2],
    ['done: nothing', 2, 0, 2, 2, f(1, 0), 0, 0],
    ['maxSurge 0, maxUnavailable 1: delete first', 2, 2, 0, 0, f(0, 1), 0, 1],
  ])('%s', (_l, replicas, oldReplicas, newReplicas, newAvailable, fp, up, down) => {
    expect(rollingUpdateStep({ replicas, oldReplicas, newReplicas, newAvailable }, fp)).toEqual({ scaleUpNew: up, scaleDownOld: down });
  });
  it('refuses more available pods than replicas in the new ReplicaSet', () => {
    expect(() => rollingUpdateStep({ replicas: 1, oldReplicas: 1, newReplicas: 0, newAvailable: 1 }, f(1, 0))).toThrow('newAvailable');
  });
});

describe('rollingUpdatePlan', () => {
  it('1 replica, 10 s start-up: a new pod at 0 s, the old one deleted at 10 s', () => {
    expect(rollingUpdatePlan(1, 10)).toEqual([
      { atSeconds: 0, scaleUpNew: 1, scaleDownOld: 0 },
      { atSeconds: 10, scaleUpNew: 0, scaleDownOld: 1 },
    ]);
  });
  it('2 replicas: one at a time, 2 waves', () => {
    expect(rollingUpdatePlan(2, 10)).toEqual([
      { atSeconds: 0, scaleUpNew: 1, scaleDownOld: 0 },
      { atSeconds: 10, scaleUpNew: 1, scaleDownOld: 1 },
      { atSeconds: 20, scaleUpNew: 0, scaleDownOld: 1 },
    ]);
  });
  it('4 replicas (surge 1, unavailable 1): two pods start in the first wave, done at 20 s', () => {
    expect(rollingUpdatePlan(4, 5)).toEqual([
      { atSeconds: 0, scaleUpNew: 2, scaleDownOld: 1 },
      { atSeconds: 5, scaleUpNew: 2, scaleDownOld: 2 },
      { atSeconds: 10, scaleUpNew: 0, scaleDownOld: 1 },
    ]);
  });
  it('start-up 0: every wave at once', () => {
    const plan = rollingUpdatePlan(3, 0);
    expect(plan.every((w) => w.atSeconds === 0)).toBe(true);
    expect(plan.reduce((n, w) => n + w.scaleUpNew, 0)).toBe(3);
    expect(plan.reduce((n, w) => n + w.scaleDownOld, 0)).toBe(3);
  });
});
