/**
 * A fixed cluster for the traffic tests, modelled on the layout upstream's
 * traffic_test.go builds (good/nice configurations with two ready revisions,
 * unready, failed, empty and "ready then unready" configurations).
 */
import type { ClusterState, ConfigurationInfo, RevisionInfo, RevisionTarget } from '../../../src/core/traffic/types.js';

const revisions: RevisionInfo[] = [
  { name: 'good-revision-1', configurationName: 'good-config', generation: 1, ready: true },
  { name: 'good-revision-2', configurationName: 'good-config', generation: 2, ready: true },
  { name: 'nice-revision-1', configurationName: 'nice-config', generation: 1, ready: true },
  { name: 'nice-revision-2', configurationName: 'nice-config', generation: 2, ready: true },
  { name: 'inactive-revision', configurationName: 'inactive-config', generation: 1, ready: true },
  { name: 'unready-revision', configurationName: 'unready-config', generation: 1, ready: false },
  { name: 'failed-revision', configurationName: 'failed-config', generation: 1, ready: false, failed: true },
  { name: 'failed-ready-revision', configurationName: 'failed-ready-config', generation: 1, ready: false, failed: true },
  { name: 'ready-unready-revision-1', configurationName: 'ready-unready-config', generation: 1, ready: true },
  { name: 'ready-unready-revision', configurationName: 'ready-unready-config', generation: 2, ready: false },
];

const configurations: ConfigurationInfo[] = [
  { name: 'good-config', latestReadyRevisionName: 'good-revision-2' },
  { name: 'nice-config', latestReadyRevisionName: 'nice-revision-2' },
  { name: 'inactive-config', latestReadyRevisionName: 'inactive-revision' },
  { name: 'unready-config' },
  { name: 'failed-config', failed: true },
  { name: 'failed-ready-config', latestReadyRevisionName: 'failed-ready-revision', failed: true },
  { name: 'ready-unready-config', latestReadyRevisionName: 'ready-unready-revision-1' },
  { name: 'empty-config' },
  { name: 'latest-rev-deleted-config', latestReadyRevisionName: '' },
];

/** The test cluster; deeply frozen so any mutation by the code under test throws. */
export const CLUSTER: ClusterState = Object.freeze({
  revisions: Object.freeze(revisions.map((r) => Object.freeze(r))),
  configurations: Object.freeze(configurations.map((c) => Object.freeze(c))),
});

/** Shorthand for a flattened target. */
export function rt(tag: string, revisionName: string, configurationName: string, latestRevision: boolean, percent: number): RevisionTarget {
  return { tag, revisionName, configurationName, latestRevision, percent };
}
