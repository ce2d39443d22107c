/**
 * The revision's ContainerHealthy condition at a reconcile (reconcile_resources.go
 * reconcileDeployment): False on a crash with no pod available, True only with a ready pod.
 */
import { describe, expect, it } from 'vitest';
import { CONTAINER_HEALTHY_UNKNOWN, containerHealthy, type ContainerHealthyCondition, type ContainerHealthyInput } from '../../../src/core/autoscaler/index.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

const input = (o: Partial<ContainerHealthyInput>): ContainerHealthyInput => ({
  deploymentReplicas: 1,
  availableReplicas: 0,
  readyReplicas: 0,
  firstPodLastExitCode: undefined,
  ...o,
});
const TRUE: ContainerHealthyCondition = { status: 'True', reason: '' };
const OOM: ContainerHealthyCondition = { status: 'False', reason: 'ExitCode137' };

describe('containerHealthy', () => {
  it.each<[string, ContainerHealthyCondition, Partial<ContainerHealthyInput>, ContainerHealthyCondition]>([
    ['a new revision, its pod starting', CONTAINER_HEALTHY_UNKNOWN, {}, CONTAINER_HEALTHY_UNKNOWN],
    ['its first pod OOM-killed, none available', CONTAINER_HEALTHY_UNKNOWN, { firstPodLastExitCode: 137 }, OOM],
    ['was True, every pod out after crashes (exit 1)', TRUE, { deploymentReplicas: 3, firstPodLastExitCode: 1 }, { status: 'False', reason: 'ExitCode1' }],
    ['a crash with another pod still available: as it was', TRUE, { deploymentReplicas: 3, availableReplicas: 1, readyReplicas: 1, firstPodLastExitCode: 1 }, TRUE],
    ['none available, but the first pod never exited: as it was', TRUE, { deploymentReplicas: 2 }, TRUE],
    ['a crash at zero replicas: as it was', TRUE, { deploymentReplicas: 0, firstPodLastExitCode: 137 }, TRUE],
    // Once False only a ready pod turns it True: not zero replicas, not the crashed pod going.
    ['False, scaled to zero', OOM, { deploymentReplicas: 0 }, OOM],
    ['False, back from zero with a new pod that never exited', OOM, { deploymentReplicas: 1 }, OOM],
    ['False, a pod Ready', OOM, { availableReplicas: 1, readyReplicas: 1, firstPodLastExitCode: 137 }, TRUE],
    ['False, the exit code changes', OOM, { firstPodLastExitCode: 1 }, { status: 'False', reason: 'ExitCode1' }],
  ])('%s', (_name, prev, o, want) => {
    expect(containerHealthy(prev, input(o))).toEqual(want);
  });

  it('returns the same condition when nothing changes', () => {
    expect(containerHealthy(OOM, input({ firstPodLastExitCode: 137 }))).toBe(OOM);
  });

  it.each<[string, Partial<ContainerHealthyInput>, string]>([
    ['a fractional exit code', { firstPodLastExitCode: 1.5 }, 'input.firstPodLastExitCode'],
    ['negative replicas', { deploymentReplicas: -1 }, 'input.deploymentReplicas'],
  ])('rejects %s', (_name, o, field) => {
    expect(() => containerHealthy(TRUE, input(o))).toThrow(InvalidArgumentError);
    expect(() => containerHealthy(TRUE, input(o))).toThrow(field);
  });
});
