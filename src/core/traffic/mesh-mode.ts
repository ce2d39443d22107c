/**
 * config-network's `mesh-compatibility-mode` (knative.dev/networking pkg/config): how the
 * activator reaches a revision's pods. `auto` (the default) probes each pod's address and falls
 * back to the private Service's ClusterIP only if every probe fails in a way a mesh could cause;
 * `disabled` always addresses pods directly and, not needing the probes to sniff for a mesh,
 * trusts a pod Kubernetes marks Ready without probing it (pkg/activator/net/revision_backends.go
 * probePodIPs); `enabled` always goes through the ClusterIP.
 */

export type MeshCompatibilityMode = 'enabled' | 'disabled' | 'auto';

/** The config-network key. */
export const MESH_COMPATIBILITY_MODE_KEY = 'mesh-compatibility-mode';

const MODES: readonly MeshCompatibilityMode[] = ['enabled', 'disabled', 'auto'];

/**
 * The mode config-network selects: one of the three names in any case; anything else (or no
 * key) leaves the default, `auto`, as upstream's parser does without an error.
 */
export function parseMeshCompatibilityMode(data: Readonly<Record<string, string>>): MeshCompatibilityMode {
  const raw = Object.prototype.hasOwnProperty.call(data, MESH_COMPATIBILITY_MODE_KEY) ? data[MESH_COMPATIBILITY_MODE_KEY]! : undefined;
  if (raw === undefined) return 'auto';
  return MODES.find((m) => m === foldForModes(raw)) ?? 'auto';
}

/**
 * Go's strings.EqualFold against these names: simple Unicode case folding, under which only the
 * ASCII capitals and the long s (ſ, which folds to s) match their letters.
 */
function foldForModes(raw: string): string {
  return raw.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/\u017f/g, 's');
}

/** Whether config-network's value names a mode (undefined: no key, so the default). */
export function meshCompatibilityModeKnown(data: Readonly<Record<string, string>>): boolean | undefined {
  if (!Object.prototype.hasOwnProperty.call(data, MESH_COMPATIBILITY_MODE_KEY)) return undefined;
  return MODES.some((m) => m === foldForModes(data[MESH_COMPATIBILITY_MODE_KEY]!));
}

/** Whether the activator takes a pod Kubernetes marks Ready as healthy without its own probe. */
export function activatorTrustsReadyPods(mode: MeshCompatibilityMode): boolean {
  return mode !== 'auto';
}

/**
 * Whether the activator sends through the revision's private ClusterIP instead of pod
 * addresses: only with `enabled` (knsim has no mesh for `auto` to detect). It then probes no
 * pod (revision_backends.go checkDests skips probePodIPs), so it reaches exactly the pods in the
 * Endpoints' ready addresses, and its throttler has no pod trackers: the revision breaker's
 * capacity is containerConcurrency × ready pods ÷ activators (throttler.go calculateCapacity),
 * and which pod gets a request is the mesh's choice ({@link leastRequestPick}).
 */
export function activatorUsesClusterIP(mode: MeshCompatibilityMode): boolean {
  return mode === 'enabled';
}

/**
 * Whether the autoscaler's scraper goes through the revision's private Service instead of pod
 * addresses (stats_scraper.go Scrape): only with `enabled`; `auto` falls back to it only when
 * every pod scrape fails as a mesh makes it fail, which knsim, having no mesh, never does.
 */
export function scraperUsesService(mode: MeshCompatibilityMode): boolean {
  return mode === 'enabled';
}
