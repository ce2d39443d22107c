/** Warnings for config-network: a `mesh-compatibility-mode` Knative ignores. */
import { MESH_COMPATIBILITY_MODE_KEY, meshCompatibilityModeKnown } from '../core/traffic/index.js';

/** One warning (without its `file: path: ` head) per config-network key knsim has something to say about. */
export function networkWarnings(data: Readonly<Record<string, string>>): Array<{ key: string; text: string }> {
  if (meshCompatibilityModeKnown(data) === false) {
    const raw = data[MESH_COMPATIBILITY_MODE_KEY]!;
    return [{ key: MESH_COMPATIBILITY_MODE_KEY, text: `${JSON.stringify(raw)} is not enabled, disabled or auto: Knative ignores it and keeps the default, auto` }];
  }
  return [];
}
