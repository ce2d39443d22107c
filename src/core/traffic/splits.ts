/**
 * What the route programs from its flattened traffic and rollout state: the
 * ingress splits per traffic group (pkg/reconciler/route/resources/ingress.go,
 * makeBaseIngressPath) and the route's `status.traffic`
 * (traffic.go, GetRevisionTrafficTargets).
 */

import { requireNonNegative } from '../errors.js';
import { configurationRollout } from './rollout.js';
import type { GroupSplits, Rollout, StatusTrafficTarget, TrafficConfig, WeightedRevision } from './types.js';

const NO_ROLLOUT: Rollout = { configurations: [] };

/**
 * The ingress splits of every traffic group, sorted by tag (default group ''
 * first). Targets at 0% are left out. A latest-revision target whose
 * configuration is mid-rollout (two or more revisions) expands into one split
 * per revision with the rollout's percents; otherwise it is one split at the
 * target's percent. A revision can appear twice in a group (e.g. pinned and
 * also rolling); the shares add up.
 */
export function ingressSplits(config: TrafficConfig, rollout: Rollout = NO_ROLLOUT): GroupSplits[] {
  return config.groups.map((g) => {
    const splits: WeightedRevision[] = [];
    for (const t of g.targets) {
      if (t.percent === 0) continue;
      const ro = t.latestRevision ? configurationRollout(rollout, g.tag, t.configurationName) : undefined;
      if (ro === undefined || ro.revisions.length < 2) {
        splits.push({ revisionName: t.revisionName, percent: t.percent });
      } else {
        for (const r of ro.revisions) splits.push({ revisionName: r.revisionName, percent: r.percent });
      }
    }
    return { tag: g.tag, splits };
  });
}

/** The splits of one group ('' = default), or undefined if the route has no such tag. */
export function groupSplits(splits: readonly GroupSplits[], tag: string): readonly WeightedRevision[] | undefined {
  return splits.find((s) => s.tag === tag)?.splits;
}

/**
 * Sums a split list per revision, in first-seen order: the share of traffic
 * each revision gets.
 * @throws {InvalidArgumentError} on a negative or non-finite percent.
 */
export function revisionPercents(splits: readonly WeightedRevision[]): Map<string, number> {
  const m = new Map<string, number>();
  splits.forEach((s, i) => {
    requireNonNegative(`splits[${i}].percent`, s.percent);
    m.set(s.revisionName, (m.get(s.revisionName) ?? 0) + s.percent);
  });
  return m;
}

/**
 * The route's `status.traffic` (without URLs): the merged spec targets in spec
 * order, each latest-revision target replaced by the revisions of its
 * configuration's rollout in the target's tag group when one exists. As
 * upstream, a tagged latest-revision target therefore shows its tag group's
 * rollout percents. Pass no rollout for the steady-state status.
 */
export function statusTraffic(config: TrafficConfig, rollout: Rollout = NO_ROLLOUT): StatusTrafficTarget[] {
  const out: StatusTrafficTarget[] = [];
  for (const t of config.revisionTargets) {
    const ro = t.latestRevision ? configurationRollout(rollout, t.tag, t.configurationName) : undefined;
    const revs = ro ? ro.revisions : [{ revisionName: t.revisionName, percent: t.percent }];
    for (const r of revs) {
      out.push({ tag: t.tag, revisionName: r.revisionName, latestRevision: t.latestRevision, percent: r.percent });
    }
  }
  return out;
}
