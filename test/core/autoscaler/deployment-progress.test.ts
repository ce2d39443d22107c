/**
 * The Deployment controller's Progressing condition (progress.go syncRolloutStatus,
 * deployment_util.go DeploymentProgressing / DeploymentComplete / DeploymentTimedOut): what
 * counts as progress and so restarts the progress deadline, and when it times out.
 */
import { describe, expect, it } from 'vitest';
import {
  newProgressingCondition,
  progressCheckAt,
  progressDeadlineExceeded,
  syncProgressing,
  type DeploymentCounts,
  type ProgressingCondition,
  type ProgressingReason,
} from '../../../src/core/autoscaler/index.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

const counts = (replicas: number, ready: number): DeploymentCounts => ({ replicas, readyReplicas: ready, availableReplicas: ready });
const cond = (reason: ProgressingReason, lastUpdateSeconds: number): ProgressingCondition => ({ reason, lastUpdateSeconds });
const DEADLINE = 600;

describe('syncProgressing', () => {
  it.each<[string, ProgressingCondition, number, DeploymentCounts, DeploymentCounts, number, ProgressingCondition]>([
    // [name, condition before, spec.replicas, status last written, status now, now, condition after]
    ['a scale-up creates pods: progress, the deadline starts again', cond('ReplicaSetUpdated', 10), 3, counts(1, 0), counts(3, 0), 400, cond('ReplicaSetUpdated', 400)],
    ['a pod replaces one that went: progress', cond('ReplicaSetUpdated', 10), 2, counts(1, 0), counts(2, 0), 400, cond('ReplicaSetUpdated', 400)],
    ['a pod Ready, not all: progress', cond('ReplicaSetUpdated', 10), 3, counts(3, 0), counts(3, 1), 400, cond('ReplicaSetUpdated', 400)],
    ['available up alone: progress', cond('ReplicaSetUpdated', 10), 3, { replicas: 3, readyReplicas: 1, availableReplicas: 0 }, counts(3, 1), 400, cond('ReplicaSetUpdated', 400)],
    ['Ready again after a crash took it out: progress', cond('ReplicaSetUpdated', 10), 3, counts(3, 0), counts(3, 1), 650, cond('ReplicaSetUpdated', 650)],
    ['a pod leaving Ready: no progress', cond('ReplicaSetUpdated', 10), 3, counts(3, 2), counts(3, 1), 400, cond('ReplicaSetUpdated', 10)],
    ['a scale-down: no progress', cond('ReplicaSetUpdated', 10), 1, counts(3, 0), counts(1, 0), 400, cond('ReplicaSetUpdated', 10)],
    ['nothing changed, within the deadline: as it was', cond('ReplicaSetUpdated', 10), 1, counts(1, 0), counts(1, 0), 610, cond('ReplicaSetUpdated', 10)],
    ['nothing changed, past the deadline: timed out', cond('ReplicaSetUpdated', 10), 1, counts(1, 0), counts(1, 0), 610.5, cond('ProgressDeadlineExceeded', 610.5)],
    // The API server keeps whole seconds: 10.9 is read back as 10.
    ['last update at 10.9 s, now 610.5 s: timed out (stored as 10 s)', cond('ReplicaSetUpdated', 10.9), 1, counts(1, 0), counts(1, 0), 610.5, cond('ProgressDeadlineExceeded', 610.5)],
    ['timed out stays so without progress', cond('ProgressDeadlineExceeded', 611), 1, counts(1, 0), counts(1, 0), 900, cond('ProgressDeadlineExceeded', 611)],
    ['timed out, then a scale-up creates a pod: Progressing again', cond('ProgressDeadlineExceeded', 611), 2, counts(1, 0), counts(2, 0), 900, cond('ReplicaSetUpdated', 900)],
    ['timed out, then a pod Ready: Progressing again', cond('ProgressDeadlineExceeded', 611), 2, counts(2, 0), counts(2, 1), 900, cond('ReplicaSetUpdated', 900)],
    ['every wanted pod available: complete', cond('ReplicaSetUpdated', 10), 2, counts(2, 1), counts(2, 2), 300, cond('NewReplicaSetAvailable', 300)],
    ['timed out, then scaled to 0: complete (0 of 0)', cond('ProgressDeadlineExceeded', 611), 0, counts(1, 0), counts(0, 0), 1230, cond('NewReplicaSetAvailable', 1230)],
    ['complete, then a scale-up: no rollout, nothing changes', cond('NewReplicaSetAvailable', 300), 5, counts(2, 2), counts(5, 2), 400, cond('NewReplicaSetAvailable', 300)],
    ['complete, pods never Ready long after: never times out', cond('NewReplicaSetAvailable', 300), 5, counts(5, 2), counts(5, 2), 5000, cond('NewReplicaSetAvailable', 300)],
  ])('%s', (_name, before, spec, observed, current, now, want) => {
    expect(syncProgressing(before, spec, observed, current, DEADLINE, now)).toEqual(want);
  });

  it('returns the same condition when nothing changes', () => {
    const c = cond('ReplicaSetUpdated', 10);
    expect(syncProgressing(c, 1, counts(1, 0), counts(1, 0), DEADLINE, 20)).toBe(c);
  });

  it.each<[string, () => unknown, string]>([
    ['a fractional count', () => syncProgressing(cond('ReplicaSetUpdated', 0), 1, counts(1, 0), counts(1.5, 0), DEADLINE, 1), 'current.replicas'],
    ['negative spec replicas', () => syncProgressing(cond('ReplicaSetUpdated', 0), -1, counts(1, 0), counts(1, 0), DEADLINE, 1), 'specReplicas'],
    ['a last update after now', () => syncProgressing(cond('ReplicaSetUpdated', 5), 1, counts(1, 0), counts(1, 0), DEADLINE, 1), 'cond.lastUpdateSeconds'],
    ['an unknown reason', () => syncProgressing(cond('Bogus' as ProgressingReason, 0), 1, counts(1, 0), counts(1, 0), DEADLINE, 1), 'cond.reason'],
  ])('rejects %s', (_name, f, field) => {
    expect(f).toThrow(InvalidArgumentError);
    expect(f).toThrow(field);
  });
});

describe('progressCheckAt (requeueStuckDeployment)', () => {
  it.each<[string, ProgressingCondition, number | undefined]>([
    ['a new Deployment at 0 s: 601 s', newProgressingCondition(0), 601],
    ['last progress at 12.3 s: stored as 12 s, check at 613 s', cond('ReplicaSetUpdated', 12.3), 613],
    ['complete: nothing to check', cond('NewReplicaSetAvailable', 12.3), undefined],
    ['timed out: nothing to check', cond('ProgressDeadlineExceeded', 612), undefined],
  ])('%s', (_name, c, want) => {
    expect(progressCheckAt(c, DEADLINE)).toBe(want);
  });

  it('the check it asks for finds the Deployment timed out, and one just before does not', () => {
    const c = cond('ReplicaSetUpdated', 12.3);
    const at = progressCheckAt(c, DEADLINE)!;
    expect(progressDeadlineExceeded(syncProgressing(c, 1, counts(1, 0), counts(1, 0), DEADLINE, at))).toBe(true);
    expect(progressDeadlineExceeded(syncProgressing(c, 1, counts(1, 0), counts(1, 0), DEADLINE, 612))).toBe(false);
  });
});
