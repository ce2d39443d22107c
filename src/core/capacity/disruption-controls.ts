/**
 * What a pod's annotations and volumes tell the node autoscalers about taking it off its node
 * (Knative copies a Revision's annotations onto its pods, so these are written in the Service's
 * `spec.template.metadata.annotations`):
 * - the Cluster Autoscaler's drainability rules (cluster-autoscaler/simulator/drainability/rules:
 *   rules.go Default, safetoevict, notsafetoevict, localstorage; utils/drain/drain.go);
 * - Karpenter's `karpenter.sh/do-not-disrupt` (kubernetes-sigs/karpenter pkg/utils/pod/scheduling.go
 *   IsDoNotDisruptActive, IsEvictable; state/statenode.go ValidatePodsDisruptable).
 */
import { nanosToSeconds, tryParseGoDuration } from '../duration.js';

export const SAFE_TO_EVICT_KEY = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
export const SAFE_TO_EVICT_LOCAL_VOLUMES_KEY = 'cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes';
export const DO_NOT_DISRUPT_KEY = 'karpenter.sh/do-not-disrupt';

/** A pod's disruption controls, read from its annotations and volumes. */
export interface DisruptionControls {
  /** safe-to-evict: true for "true", false for "false", undefined otherwise (the CA reads no other value). */
  readonly safeToEvict?: boolean | undefined;
  /**
   * Its local volumes (hostPath, emptyDir not in memory) that safe-to-evict-local-volumes does
   * not name: each one blocks the Cluster Autoscaler's scale-down (skip-nodes-with-local-storage).
   */
  readonly blockingLocalVolumes: readonly string[];
  /**
   * do-not-disrupt: how long from the pod's start it holds (Infinity for "true"); undefined when
   * absent or not a positive duration (Karpenter then ignores it).
   */
  readonly doNotDisruptSeconds?: number | undefined;
}

/** Why the Cluster Autoscaler's drainability rules block a pod (drain.go BlockingPodReason). */
export type CaBlockingReason = 'NotSafeToEvictAnnotation' | 'LocalStorageRequested';

/**
 * The Cluster Autoscaler's verdict on one pod before its PodDisruptionBudget rule, in the rules'
 * order: safe-to-evict "true" makes it drainable at once (no budget rule either); "false" blocks;
 * then a blocking local volume blocks when `skipNodesWithLocalStorage`. 'undecided': the budget rule decides.
 */
export function caDrainability(c: DisruptionControls | undefined, skipNodesWithLocalStorage: boolean): 'drainable' | 'undecided' | CaBlockingReason {
  if (c === undefined) return 'undecided';
  if (c.safeToEvict === true) return 'drainable';
  if (c.safeToEvict === false) return 'NotSafeToEvictAnnotation';
  if (skipNodesWithLocalStorage && c.blockingLocalVolumes.length > 0) return 'LocalStorageRequested';
  return 'undecided';
}

/**
 * Until when do-not-disrupt holds a pod that started at `startTime` (its status.startTime):
 * Infinity for "true", start + the duration for a duration, -Infinity when it never holds.
 * A pod holds while its age is below the duration.
 */
export function doNotDisruptUntil(c: DisruptionControls | undefined, startTime: number): number {
  const d = c?.doNotDisruptSeconds;
  if (d === undefined) return Number.NEGATIVE_INFINITY;
  return d === Number.POSITIVE_INFINITY ? d : startTime + d;
}

/** Whether `volumes` (a pod spec's) has a local volume the Cluster Autoscaler counts: hostPath, or an emptyDir not backed by memory. */
export function isLocalVolume(v: { hostPath?: unknown; emptyDir?: { medium?: unknown } | null | undefined }): boolean {
  return v.hostPath != null || (v.emptyDir != null && v.emptyDir.medium !== 'Memory');
}

/** A pod volume as the controls read it. */
export interface VolumeSource {
  readonly name?: unknown;
  readonly hostPath?: unknown;
  readonly emptyDir?: { readonly medium?: unknown } | null | undefined;
}

/** An annotation the node autoscaler reads but ignores: its key and why. */
export interface IgnoredControl {
  key: string;
  rule: string;
}

/**
 * A pod's controls from its annotations and volumes; undefined when it has none (nothing blocks,
 * nothing is exempt). `ignored` lists the values the autoscalers would not take.
 */
export function readDisruptionControls(
  annotations: Readonly<Record<string, string>>,
  volumes: readonly VolumeSource[],
): { controls: DisruptionControls | undefined; ignored: IgnoredControl[] } {
  const ignored: IgnoredControl[] = [];
  const safe = annotations[SAFE_TO_EVICT_KEY];
  const safeToEvict = safe === 'true' ? true : safe === 'false' ? false : undefined;
  if (safe !== undefined && safeToEvict === undefined) ignored.push({ key: SAFE_TO_EVICT_KEY, rule: `the Cluster Autoscaler reads only "true" or "false", so ${JSON.stringify(safe)} is ignored` });
  // safe-to-evict-local-volumes: a comma-separated list of volume names, split as is.
  const listed = new Set((annotations[SAFE_TO_EVICT_LOCAL_VOLUMES_KEY] ?? '').split(',').filter((v) => v !== ''));
  const blockingLocalVolumes = volumes.filter((v) => isLocalVolume(v) && !listed.has(String(v.name))).map((v) => String(v.name));
  let doNotDisruptSeconds: number | undefined;
  const dnd = annotations[DO_NOT_DISRUPT_KEY];
  if (dnd === 'true') doNotDisruptSeconds = Number.POSITIVE_INFINITY;
  else if (dnd !== undefined) {
    const d = tryParseGoDuration(dnd);
    if (d.ok && d.nanos > 0n) doNotDisruptSeconds = nanosToSeconds(d.nanos);
    else ignored.push({ key: DO_NOT_DISRUPT_KEY, rule: `Karpenter takes "true" or a positive Go duration such as 30m, so ${JSON.stringify(dnd)} is ignored (an InvalidDoNotDisruptAnnotation event)` });
  }
  if (safeToEvict === undefined && blockingLocalVolumes.length === 0 && doNotDisruptSeconds === undefined) return { controls: undefined, ignored };
  return {
    controls: {
      ...(safeToEvict !== undefined ? { safeToEvict } : {}),
      blockingLocalVolumes,
      ...(doNotDisruptSeconds !== undefined ? { doNotDisruptSeconds } : {}),
    },
    ignored,
  };
}
