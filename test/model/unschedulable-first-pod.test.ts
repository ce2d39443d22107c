/**
 * Unschedulable is read from the same pod as ContainerHealthy's exit code: the first the revision
 * reconciler's one-pod list returns (upstream pkg/reconciler/revision/reconcile_resources.go lists
 * the Deployment's pods with Limit 1; the API server returns them by name, terminating ones included).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';

function run(sets: string[] = []) {
  const loaded = loadScenario(resolve(import.meta.dirname, '../fixtures/capacity/unschedulable-first-pod.yaml'), { sets });
  const rec = new MemoryRecorder();
  const world = new World(loaded.world, rec);
  world.run();
  const rev = world.services.get('app')!.revisions[0]!;
  const at = (pod: string, event: string) => rec.pods.find((p) => p.pod.name === `app-00001-deployment-${pod}` && p.event === event)?.time;
  return { rev, at };
}

describe('a new pod unschedulable while the first pod listed is terminating (capacity/unschedulable-first-pod.yaml)', () => {
  const { rev, at } = run();

  it('the second pod waits for the first to be gone', () => {
    expect([at('0001', 'Terminating'), at('0001', 'Gone')]).toEqual([66, 96]);
    expect(at('0002', 'Unschedulable')).toBeCloseTo(80.501, 9);
    expect(at('0002', 'Scheduled')).toBe(96);
  });

  it('the revision is not marked Unschedulable: the first pod listed, the terminating one, is scheduled', () => {
    expect(rev.failure).toBeUndefined();
    expect(rev.readyFalse).toEqual([]);
  });

  it('a first pod that fits on no node marks it Unschedulable (the check itself still runs)', () => {
    const big = run(['services[0].manifest.spec.template.spec.containers[0].resources.requests.cpu=3']);
    expect(big.rev.failure).toEqual({ atSeconds: 0.5, reason: 'Unschedulable' });
  });
});
