/**
 * End-to-end gradual rollouts: traffic resolved against an evolving cluster,
 * the route's rollout reconciled at each event, the default group's ingress
 * splits checked, and requests picked on a deterministic grid.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { buildSplit, pickRevision } from '../../../src/core/traffic/pick.js';
import { resolveTraffic } from '../../../src/core/traffic/resolve.js';
import { reconcileRollout } from '../../../src/core/traffic/rollout.js';
import { groupSplits, ingressSplits } from '../../../src/core/traffic/splits.js';
import type { ClusterState, Rollout, TrafficConfig, TrafficTarget } from '../../../src/core/traffic/types.js';
import { makeRouteTraffic } from '../../../src/core/traffic/validate.js';

/** A Service "app" whose revisions 1..n are ready, the newest being latest ready. */
function cluster(n: number): ClusterState {
  return {
    revisions: Array.from({ length: n }, (_, i) => ({
      name: `app-0000${i + 1}`,
      configurationName: 'app',
      generation: i + 1,
      ready: true,
      serviceName: 'app',
    })),
    configurations: [{ name: 'app', latestReadyRevisionName: `app-0000${n}` }],
  };
}

function traffic(block: TrafficTarget[], n: number): TrafficConfig {
  const r = resolveTraffic(makeRouteTraffic('app', block), cluster(n), { serviceName: 'app' });
  if (!r.ok) throw new Error(r.error.message);
  return r.config;
}

/** One reconcile event: time, how many revisions exist, whether the ingress just became ready. */
interface Event {
  readonly t: number;
  readonly revisions: number;
  readonly ingressReady: boolean;
  /** Expected default-group splits after this reconcile. */
  readonly splits: [string, number][];
  readonly next: number | undefined;
}

/** `pinned` = how many default-group splits come from pinned revision targets. */
function run(block: TrafficTarget[], durationSeconds: number, events: readonly Event[], pinned = 0): void {
  let previous: Rollout | undefined;
  for (const e of events) {
    const cfg = traffic(block, e.revisions);
    const r = reconcileRollout({
      traffic: cfg,
      previous,
      nowSeconds: e.t,
      durationSeconds,
      ingressBecameReady: e.ingressReady,
    });
    const splits = groupSplits(ingressSplits(cfg, r.rollout), '') ?? [];
    expect({ t: e.t, splits: splits.map((s) => [s.revisionName, s.percent]), next: r.nextStepTime }).toEqual({
      t: e.t,
      splits: e.splits,
      next: e.next,
    });
    expect(r.inProgress).toBe(e.splits.length - pinned > 1);
    previous = r.rollout;
  }
}

describe('gradual rollout scenarios', () => {
  it('a 3-step rollout over 4 s: 1% → 34% → 67% → 100%', () => {
    // First 1% took 1 s, so d = 3 s, 3 steps of 1 s, step size round(99/3) = 33.
    run([{ latestRevision: true, percent: 100 }], 4, [
      { t: 0, revisions: 1, ingressReady: false, splits: [['app-00001', 100]], next: undefined },
      { t: 10, revisions: 2, ingressReady: false, splits: [['app-00001', 99], ['app-00002', 1]], next: undefined },
      { t: 11, revisions: 2, ingressReady: true, splits: [['app-00001', 99], ['app-00002', 1]], next: 12 },
      { t: 11.5, revisions: 2, ingressReady: true, splits: [['app-00001', 99], ['app-00002', 1]], next: 12 },
      { t: 12, revisions: 2, ingressReady: true, splits: [['app-00001', 66], ['app-00002', 34]], next: 13 },
      { t: 13, revisions: 2, ingressReady: true, splits: [['app-00001', 33], ['app-00002', 67]], next: 14 },
      { t: 14, revisions: 2, ingressReady: true, splits: [['app-00002', 100]], next: undefined },
      { t: 20, revisions: 2, ingressReady: false, splits: [['app-00002', 100]], next: undefined },
    ]);
  });

  it('a 120 s rollout after a 2.4 s first step: 3% every 3 s, done after 33 steps', () => {
    const block: TrafficTarget[] = [{ latestRevision: true, percent: 100 }];
    let previous: Rollout | undefined;
    const at = (t: number, n: number, ready: boolean) => {
      const r = reconcileRollout({ traffic: traffic(block, n), previous, nowSeconds: t, durationSeconds: 120, ingressBecameReady: ready });
      previous = r.rollout;
      return r;
    };
    at(0, 1, false);
    at(100, 2, false);
    let r = at(102.4, 2, true);
    expect(r.nextStepTime).toBeCloseTo(105.4, 9);
    const newest: number[] = [];
    while (r.nextStepTime !== undefined) {
      r = at(r.nextStepTime, 2, true);
      newest.push(r.rollout.configurations[0]?.revisions.at(-1)?.percent ?? -1);
    }
    expect(newest).toHaveLength(33);
    expect(newest.slice(0, 4)).toEqual([4, 7, 10, 13]);
    expect(newest.at(-1)).toBe(100);
    expect(r.rollout.configurations[0]?.revisions).toEqual([{ revisionName: 'app-00002', percent: 100 }]);
  });

  it('a canary: only the floating 50% rolls, the pinned 50% stays', () => {
    run(
      [
        { revisionName: 'app-00001', percent: 50 },
        { latestRevision: true, percent: 50 },
      ],
      4,
      [
        { t: 0, revisions: 2, ingressReady: false, splits: [['app-00001', 50], ['app-00002', 50]], next: undefined },
        {
          t: 5,
          revisions: 3,
          ingressReady: false,
          splits: [['app-00001', 50], ['app-00002', 49], ['app-00003', 1]],
          next: undefined,
        },
        // minStep 1, d 3, steps 3, step size round(49/3) = 16.
        {
          t: 6,
          revisions: 3,
          ingressReady: true,
          splits: [['app-00001', 50], ['app-00002', 49], ['app-00003', 1]],
          next: 7,
        },
        { t: 7, revisions: 3, ingressReady: true, splits: [['app-00001', 50], ['app-00002', 33], ['app-00003', 17]], next: 8 },
        { t: 8, revisions: 3, ingressReady: true, splits: [['app-00001', 50], ['app-00002', 17], ['app-00003', 33]], next: 9 },
        { t: 9, revisions: 3, ingressReady: true, splits: [['app-00001', 50], ['app-00002', 1], ['app-00003', 49]], next: 10 },
        // The last step overshoots (49 + 16) and is capped at the configuration's 50%.
        { t: 10, revisions: 3, ingressReady: true, splits: [['app-00001', 50], ['app-00003', 50]], next: undefined },
      ],
      1,
    );
  });

  it('no gradual rollout when the pinned revision was also the latest (upstream consolidation)', () => {
    // At t=0 both targets resolve to app-00001; the merged entry keeps the pinned
    // target's latestRevision=false, so nothing is recorded to roll from.
    run(
      [
        { revisionName: 'app-00001', percent: 50 },
        { latestRevision: true, percent: 50 },
      ],
      4,
      [
        { t: 0, revisions: 1, ingressReady: false, splits: [['app-00001', 100]], next: undefined },
        { t: 5, revisions: 2, ingressReady: true, splits: [['app-00001', 50], ['app-00002', 50]], next: undefined },
      ],
      1,
    );
  });

  it('with rollout disabled the new revision takes everything at once', () => {
    run([{ latestRevision: true, percent: 100 }], 0, [
      { t: 0, revisions: 1, ingressReady: false, splits: [['app-00001', 100]], next: undefined },
      { t: 10, revisions: 2, ingressReady: true, splits: [['app-00002', 100]], next: undefined },
    ]);
  });

  it('a third revision mid-rollout joins behind the second', () => {
    run([{ latestRevision: true, percent: 100 }], 4, [
      { t: 0, revisions: 1, ingressReady: false, splits: [['app-00001', 100]], next: undefined },
      { t: 10, revisions: 2, ingressReady: false, splits: [['app-00001', 99], ['app-00002', 1]], next: undefined },
      { t: 11, revisions: 2, ingressReady: true, splits: [['app-00001', 99], ['app-00002', 1]], next: 12 },
      { t: 12, revisions: 2, ingressReady: true, splits: [['app-00001', 66], ['app-00002', 34]], next: 13 },
      // app-00002 gives up 1%; the plan restarts from scratch.
      {
        t: 12.5,
        revisions: 3,
        ingressReady: false,
        splits: [['app-00001', 66], ['app-00002', 33], ['app-00003', 1]],
        next: undefined,
      },
      // Plan for the new rollout: minStep 1, 3 steps of 33%.
      {
        t: 13.5,
        revisions: 3,
        ingressReady: true,
        splits: [['app-00001', 66], ['app-00002', 33], ['app-00003', 1]],
        next: 14.5,
      },
      // Each step drains the newest-but-one first.
      { t: 14.5, revisions: 3, ingressReady: true, splits: [['app-00001', 66], ['app-00003', 34]], next: 15.5 },
      { t: 15.5, revisions: 3, ingressReady: true, splits: [['app-00001', 33], ['app-00003', 67]], next: 16.5 },
      { t: 16.5, revisions: 3, ingressReady: true, splits: [['app-00003', 100]], next: undefined },
    ]);
  });

  it('requests follow the splits at each step (1000-point grid)', () => {
    const block: TrafficTarget[] = [{ latestRevision: true, percent: 100 }];
    let previous: Rollout | undefined;
    const counts: Record<string, number>[] = [];
    for (const [t, n, ready] of [
      [0, 1, false],
      [10, 2, false],
      [11, 2, true],
      [12, 2, true],
      [13, 2, true],
      [14, 2, true],
    ] as const) {
      const cfg = traffic(block, n);
      const r = reconcileRollout({ traffic: cfg, previous, nowSeconds: t, durationSeconds: 4, ingressBecameReady: ready });
      previous = r.rollout;
      const split = buildSplit(groupSplits(ingressSplits(cfg, r.rollout), '') ?? []);
      const c: Record<string, number> = {};
      for (let i = 0; i < 1000; i++) {
        const rev = pickRevision(split, (i + 0.5) / 1000);
        c[rev] = (c[rev] ?? 0) + 1;
      }
      counts.push(c);
    }
    expect(counts).toEqual([
      { 'app-00001': 1000 },
      { 'app-00001': 990, 'app-00002': 10 },
      { 'app-00001': 990, 'app-00002': 10 },
      { 'app-00001': 660, 'app-00002': 340 },
      { 'app-00001': 330, 'app-00002': 670 },
      { 'app-00002': 1000 },
    ]);
  });

  it('a stored state that fails validation is discarded', () => {
    const cfg = traffic([{ latestRevision: true, percent: 100 }], 2);
    const corrupt: Rollout = {
      configurations: [
        { configurationName: 'app', tag: '', percent: 100, revisions: [{ revisionName: 'app-00001', percent: 90 }], stepParams: {} },
      ],
    };
    const r = reconcileRollout({ traffic: cfg, previous: corrupt, nowSeconds: 5, durationSeconds: 60, ingressBecameReady: true });
    expect(r.rollout.configurations[0]?.revisions).toEqual([{ revisionName: 'app-00002', percent: 100 }]);
    expect(r.inProgress).toBe(false);
  });

  it.each([
    ['negative duration', -1, 0],
    ['fractional duration', 1.5, 0],
    ['NaN time', 60, Number.NaN],
  ] as const)('rejects %s', (_n, d, t) => {
    const cfg = traffic([{ latestRevision: true, percent: 100 }], 1);
    expect(() => reconcileRollout({ traffic: cfg, nowSeconds: t, durationSeconds: d, ingressBecameReady: false })).toThrow(
      InvalidArgumentError,
    );
  });
});
