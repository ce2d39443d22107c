/**
 * Warnings for config-network: a `mesh-compatibility-mode` Knative ignores, and the one mode
 * knsim does not simulate.
 */
import { MESH_COMPATIBILITY_MODE_KEY, meshCompatibilityModeKnown, parseMeshCompatibilityMode } from '../core/traffic/index.js';

/** One warning (without its `file: path: ` head) per config-network key knsim has something to say about. */
export function networkWarnings(data: Readonly<Record<string, string>>): Array<{ key: string; text: string }> {
  const known = meshCompatibilityModeKnown(data);
  if (known === false) {
    const raw = data[MESH_COMPATIBILITY_MODE_KEY]!;
    return [{ key: MESH_COMPATIBILITY_MODE_KEY, text: `${JSON.stringify(raw)} is not enabled, disabled or auto: Knative ignores it and keeps the default, auto` }];
  }
  if (known === true && parseMeshCompatibilityMode(data) === 'enabled') {
    return [
      {
        key: MESH_COMPATIBILITY_MODE_KEY,
        text: 'enabled (the activator sends through the revision\'s ClusterIP, balanced by the mesh or kube-proxy) is not simulated: knsim\'s activators address pods directly, as with disabled',
      },
    ];
  }
  return [];
}
