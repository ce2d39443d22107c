/**
 * Pods that were running before the run (`services[i].initialPods`) must fit the initial
 * nodes. Whether they fit is the scheduler's call (its scoring decides which node each pod
 * takes, so a simple capacity sum would not say), so the check builds a throwaway world and
 * runs its first instant, which places them exactly as the run will, and reports a misfit
 * against the scenario's field.
 */
import { InitialPodsDoNotFit } from '../model/cluster.js';
import { nullRecorder } from '../model/recorder.js';
import type { WorldSpec } from '../model/spec.js';
import { World } from '../model/world.js';
import { ScenarioError } from './errors.js';

/** @throws ScenarioError when some revision's initialPods do not fit the initial nodes. */
export function checkInitialPlacement(file: string, world: WorldSpec): void {
  if (world.cluster.nodes === undefined) return;
  if (!world.services.some((s) => s.revisions.some((r) => r.initialPods !== undefined && r.initialPods > 0))) return;
  try {
    // Revisions that were running before the run are created at 0 s (manifest.ts), their pods placed
    // then. Without the clients: they place nothing, and a client's first arrival is drawn as it
    // starts, which for an absurd rate the work estimate refuses only after this check.
    new World({ ...world, clients: [] }, nullRecorder).sim.run(0);
  } catch (e) {
    if (!(e instanceof InitialPodsDoNotFit)) throw e;
    const { revision, message } = e;
    const i = world.services.findIndex((s) => s.revisions.some((r) => r.name === revision));
    throw new ScenarioError(file, `services[${i}].initialPods`, `${message} (cluster.nodePools)`);
  }
}
