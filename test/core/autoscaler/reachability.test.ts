import { describe, expect, it } from 'vitest';
import { isPaReachable, paReachability, type PaReachability, type PaReachabilityInput, type PaRoutingState } from '../../../src/core/autoscaler/index.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

const input = (o: Partial<PaReachabilityInput>): PaReachabilityInput => ({
  routingState: 'active',
  resourcesAvailableFalse: false,
  containerHealthyFalse: false,
  deploymentReplicas: 1,
  readyReplicas: 0,
  ...o,
});

describe('paReachability (pa.go reachability)', () => {
  it.each<[string, Partial<PaReachabilityInput>, PaReachability]>([
    // Routing state alone, no failure.
    ['active', { routingState: 'active' }, 'Reachable'],
    ['reserve', { routingState: 'reserve' }, 'Unreachable'],
    ['pending', { routingState: 'pending' }, 'Unknown'],
    // An infrastructure failure with pods wanted and none ready: Unreachable whatever the routing state.
    ['ResourcesAvailable False, 1 wanted, 0 ready, active', { resourcesAvailableFalse: true }, 'Unreachable'],
    ['ContainerHealthy False, 1 wanted, 0 ready, active', { containerHealthyFalse: true }, 'Unreachable'],
    ['both False, 3 wanted, 0 ready, pending', { routingState: 'pending', resourcesAvailableFalse: true, containerHealthyFalse: true, deploymentReplicas: 3 }, 'Unreachable'],
    ['ResourcesAvailable False, reserve', { routingState: 'reserve', resourcesAvailableFalse: true }, 'Unreachable'],
    // A failure with a ready pod, or no pod wanted, or no Deployment: the routing state decides.
    ['ResourcesAvailable False, 1 ready, active', { resourcesAvailableFalse: true, deploymentReplicas: 3, readyReplicas: 1 }, 'Reachable'],
    ['ResourcesAvailable False, 0 wanted, active', { resourcesAvailableFalse: true, deploymentReplicas: 0 }, 'Reachable'],
    ['ContainerHealthy False, 0 wanted, pending', { routingState: 'pending', containerHealthyFalse: true, deploymentReplicas: 0 }, 'Unknown'],
    ['ResourcesAvailable False, no Deployment, active', { resourcesAvailableFalse: true, deploymentReplicas: undefined }, 'Reachable'],
    ['ResourcesAvailable False, 1 ready, reserve', { routingState: 'reserve', resourcesAvailableFalse: true, readyReplicas: 1 }, 'Unreachable'],
    // No failure, nothing ready: not Unreachable on that alone (a revision starting up).
    ['no failure, 5 wanted, 0 ready, active', { deploymentReplicas: 5 }, 'Reachable'],
  ])('%s → %s', (_name, o, want) => {
    expect(paReachability(input(o))).toBe(want);
  });

  it.each<[PaReachability, boolean]>([
    ['Reachable', true],
    ['Unknown', true],
    ['Unreachable', false],
  ])('the KPA counts %s as reachable: %s', (r, want) => {
    expect(isPaReachable(r)).toBe(want);
  });

  it.each<[string, Partial<PaReachabilityInput>, string]>([
    ['an unknown routing state', { routingState: 'gone' as PaRoutingState }, 'input.routingState'],
    ['a non-boolean condition', { containerHealthyFalse: 'False' as unknown as boolean }, 'input.containerHealthyFalse'],
    ['negative replicas', { deploymentReplicas: -1 }, 'input.deploymentReplicas'],
    ['fractional ready replicas', { readyReplicas: 0.5 }, 'input.readyReplicas'],
  ])('rejects %s', (_name, o, field) => {
    expect(() => paReachability(input(o))).toThrow(InvalidArgumentError);
    expect(() => paReachability(input(o))).toThrow(field);
  });
});
