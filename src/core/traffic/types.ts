/**
 * Shapes of the traffic library. Names follow knative/serving's
 * pkg/apis/serving/v1 (TrafficTarget) and pkg/reconciler/route/traffic
 * (RevisionTarget, Config, Rollout). Everything is plain, readonly data.
 */

/**
 * One entry of a Route's or Service's `spec.traffic`, as written in a manifest.
 * Unset fields take Knative's defaults (see `defaultTraffic`).
 */
export interface TrafficTarget {
  /** Names a tag: the target also gets its own URL (`<tag>-<route>…`). Must be a DNS-1035 label. */
  readonly tag?: string | undefined;
  /** Pins the target to one revision. Excludes `configurationName`. */
  readonly revisionName?: string | undefined;
  /** Floats the target to the configuration's LatestReadyRevisionName. Not allowed inside a Service. */
  readonly configurationName?: string | undefined;
  /** Defaults to `revisionName` being empty; `true` forbids `revisionName`, `false` requires it. */
  readonly latestRevision?: boolean | undefined;
  /** Integer share of the route's traffic in [0, 100]; defaults to 0. */
  readonly percent?: number | undefined;
  /** A status field: the webhook refuses a non-empty one in a spec. */
  readonly url?: string | undefined;
}

/** A {@link TrafficTarget} after Knative's defaulting: every field present, '' meaning unset. */
export interface DefaultedTrafficTarget {
  readonly tag: string;
  readonly revisionName: string;
  readonly configurationName: string;
  readonly latestRevision: boolean;
  readonly percent: number;
}

/** Which object the traffic block belongs to; it changes defaulting and validation. */
export type TrafficOwner = 'route' | 'service';

/** What the route reconciler knows about one Revision (from its labels and Ready condition). */
export interface RevisionInfo {
  /** metadata.name */
  readonly name: string;
  /** The `serving.knative.dev/configuration` label. */
  readonly configurationName: string;
  /** The `serving.knative.dev/configurationGeneration` label: orders a configuration's revisions, newest highest. */
  readonly generation: number;
  /** Ready condition is True. */
  readonly ready: boolean;
  /** Ready condition is False (a permanent failure) rather than Unknown. Ignored when `ready`. */
  readonly failed?: boolean | undefined;
  /** The `serving.knative.dev/service` label, when the revision belongs to a Service. */
  readonly serviceName?: string | undefined;
}

/** What the route reconciler knows about one Configuration (its status). */
export interface ConfigurationInfo {
  /** metadata.name */
  readonly name: string;
  /** status.latestReadyRevisionName; '' or absent before any revision was ready. */
  readonly latestReadyRevisionName?: string | undefined;
  /** Ready condition is False (latest created revision failed) rather than Unknown. */
  readonly failed?: boolean | undefined;
}

/** The objects a route's traffic is resolved against. */
export interface ClusterState {
  readonly revisions: readonly RevisionInfo[];
  readonly configurations: readonly ConfigurationInfo[];
}

/**
 * A traffic target flattened to a revision (upstream traffic.RevisionTarget without the
 * protocol). `configurationName` is the configuration the revision came from, '' if unknown.
 */
export interface RevisionTarget {
  readonly tag: string;
  readonly revisionName: string;
  readonly configurationName: string;
  readonly latestRevision: boolean;
  readonly percent: number;
}

/** One traffic group: the default group has tag '', every tag has its own group. */
export interface TrafficGroup {
  readonly tag: string;
  /** Targets consolidated per revision; a group with one revision holds it at 100%. */
  readonly targets: readonly RevisionTarget[];
}

/** The flattened traffic of a route (upstream traffic.Config). */
export interface TrafficConfig {
  /** Groups sorted by tag, so the default group '' comes first. */
  readonly groups: readonly TrafficGroup[];
  /**
   * Spec targets flattened to revisions in spec order, entries with the same
   * (tag, revision, latestRevision) merged: the basis of `status.traffic`.
   */
  readonly revisionTargets: readonly RevisionTarget[];
}

/** A referenced object that does not exist (upstream MissingTargets entry). */
export interface MissingTarget {
  readonly kind: 'Configuration' | 'Revision';
  readonly name: string;
}

/**
 * Why a route's traffic could not be resolved (upstream traffic.TargetError).
 * `isFailure` distinguishes a permanent failure from "not ready yet"; `message`
 * is upstream's error text.
 */
export type TargetError =
  | {
      readonly reason: 'MissingTarget';
      readonly kind: 'Configuration' | 'Revision';
      readonly name: string;
      readonly isFailure: true;
      readonly message: string;
    }
  | {
      readonly reason: 'ConfigurationNotReady';
      readonly name: string;
      readonly isFailure: boolean;
      readonly message: string;
    }
  | {
      readonly reason: 'RevisionNotReady';
      readonly name: string;
      readonly isFailure: boolean;
      readonly message: string;
    }
  | {
      readonly reason: 'RevisionNotOwned';
      readonly name: string;
      readonly expectedService: string;
      readonly actualService: string;
      readonly isFailure: true;
      readonly message: string;
    };

/**
 * Result of `resolveTraffic`. On a target error upstream drops every target, so
 * there is no partial configuration: the route keeps its previous ingress.
 */
export type TrafficResolution =
  | { readonly ok: true; readonly config: TrafficConfig }
  | { readonly ok: false; readonly error: TargetError; readonly missingTargets: readonly MissingTarget[] };

/** One weighted backend of an ingress path: a revision and its integer percent. */
export interface WeightedRevision {
  readonly revisionName: string;
  readonly percent: number;
}

/** The splits of one traffic group as the ingress gets them (zero-percent targets left out). */
export interface GroupSplits {
  readonly tag: string;
  readonly splits: readonly WeightedRevision[];
}

/** One `status.traffic` entry (without the URL). */
export interface StatusTrafficTarget {
  readonly tag: string;
  readonly revisionName: string;
  readonly latestRevision: boolean;
  readonly percent: number;
}

/** A revision inside a configuration's rollout (upstream RevisionRollout). */
export interface RevisionRollout {
  readonly revisionName: string;
  /** Share of the whole route's traffic (not of the configuration's). */
  readonly percent: number;
}

/**
 * Timing and sizing of a configuration's rollout (upstream RolloutParams), in
 * seconds on the caller's clock. Absent fields mean "not set" (upstream's zero).
 */
export interface RolloutParams {
  /** When the newest revision got its first 1%. */
  readonly startTime?: number;
  /** When the next step is due. */
  readonly nextStepTime?: number;
  /** Seconds between steps. */
  readonly stepDuration?: number;
  /** Percent moved to the newest revision per step. */
  readonly stepSize?: number;
}

/** The rollout state of one (configuration, tag) pair (upstream ConfigurationRollout). */
export interface ConfigurationRollout {
  readonly configurationName: string;
  /** '' for the default group. */
  readonly tag: string;
  /** The configuration's total percent in this group; the revisions' percents sum to it. */
  readonly percent: number;
  /** Oldest first; the last one is the revision being rolled out. One entry means no rollout in progress. */
  readonly revisions: readonly RevisionRollout[];
  readonly stepParams: RolloutParams;
}

/** Rollout state of a route, sorted by tag then configuration name (upstream Rollout). */
export interface Rollout {
  readonly configurations: readonly ConfigurationRollout[];
}
