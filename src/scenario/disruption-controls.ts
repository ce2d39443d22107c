/**
 * The node autoscalers' pod annotations on a revision template (Knative copies them onto its pods):
 * read into the revision's DisruptionControls (core), with a warning for each value they ignore.
 */
import { DO_NOT_DISRUPT_KEY, readDisruptionControls, SAFE_TO_EVICT_KEY, SAFE_TO_EVICT_LOCAL_VOLUMES_KEY, type DisruptionControls, type VolumeSource } from '../core/capacity/index.js';
import { formatPath, type PathSegment } from './errors.js';

const KEYS = [SAFE_TO_EVICT_KEY, SAFE_TO_EVICT_LOCAL_VOLUMES_KEY, DO_NOT_DISRUPT_KEY];

/** The volume Knative adds for /var/log collection (pkg/reconciler/revision/resources/deploy.go varLogVolume). */
export const VAR_LOG_VOLUME: VolumeSource = Object.freeze({ name: 'knative-var-log', emptyDir: {} });

/**
 * The controls of a template with `annotations` (at `base`) and `spec`'s volumes (with Knative's
 * knative-var-log when `varLogCollection`); undefined when there are none, or when the scenario has
 * no nodes (`withNodes` false: then nothing reads them, and a template that sets one gets a
 * warning saying so).
 */
export function disruptionControls(
  annotations: Readonly<Record<string, string>>,
  spec: Readonly<Record<string, unknown>>,
  varLogCollection: boolean,
  withNodes: boolean,
  file: string,
  base: readonly PathSegment[],
  warnings: string[] | undefined,
): DisruptionControls | undefined {
  if (!withNodes) {
    const key = KEYS.find((k) => annotations[k] !== undefined);
    if (key !== undefined) warnings?.push(`${file}: ${formatPath([...base, key])}: read by the node autoscaler only: without cluster.nodePools it has no effect`);
    return undefined;
  }
  const volumes = (Array.isArray(spec['volumes']) ? (spec['volumes'] as unknown[]) : []).filter((v): v is VolumeSource => typeof v === 'object' && v !== null);
  // config-observability logging.enable-var-log-collection: Knative adds this emptyDir to every revision pod (deploy.go).
  if (varLogCollection) volumes.push(VAR_LOG_VOLUME);
  const { controls, ignored } = readDisruptionControls(annotations, volumes);
  for (const i of ignored) warnings?.push(`${file}: ${formatPath([...base, i.key])}: ${i.rule}`);
  return controls;
}
