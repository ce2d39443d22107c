/**
 * The labeler (upstream `pkg/reconciler/labeler`): which revisions a Route references,
 * and the `serving.knative.dev/routingState` each revision gets from that. The KPA reads
 * the state: a `reserve` revision's PodAutoscaler is Unreachable, so it may scale to zero
 * below its min-scale.
 */
import { InvalidArgumentError, requireOneOf } from '../errors.js';
import type { TrafficTarget } from './types.js';
import { defaultTraffic } from './validate.js';

/** A revision's routing state: never referenced yet, referenced by the Route, or no longer referenced. */
export type RoutingState = 'pending' | 'active' | 'reserve';
export const ROUTING_STATES: readonly RoutingState[] = ['pending', 'active', 'reserve'];

/** What the labeler reads for one Service's Route. */
export interface RoutedRevisionsInput {
  /** The Service's `spec.traffic` as written; empty means 100 % to the latest revision. */
  readonly traffic: readonly TrafficTarget[];
  /** Revisions the Route's `status.traffic` names; omit while the Route has none. */
  readonly statusRevisions?: Iterable<string> | undefined;
  /**
   * The Service's revisions. The highest generation (the first of a tie) is the
   * Configuration's latestCreatedRevisionName.
   */
  readonly revisions: readonly { readonly name: string; readonly generation: number }[];
}

/**
 * The revisions the Route references: every one its status or spec traffic names, plus
 * the latest created revision when a target follows the latest revision, so a new
 * revision is active (and not scaled down) while it becomes ready.
 * @throws InvalidArgumentError if `traffic` or `revisions` is not an array.
 */
export function routedRevisions(input: RoutedRevisionsInput): Set<string> {
  if (!Array.isArray(input.traffic)) throw new InvalidArgumentError('traffic', 'must be an array');
  if (!Array.isArray(input.revisions)) throw new InvalidArgumentError('revisions', 'must be an array');
  const routed = new Set(input.statusRevisions ?? []);
  let latestCreated: { readonly name: string; readonly generation: number } | undefined;
  for (const r of input.revisions) if (latestCreated === undefined || r.generation > latestCreated.generation) latestCreated = r;
  for (const t of defaultTraffic(input.traffic, 'service')) {
    if (t.revisionName !== '') routed.add(t.revisionName);
    if (t.latestRevision && latestCreated !== undefined) routed.add(latestCreated.name);
  }
  return routed;
}

/**
 * A revision's next routing state: `active` while the Route references it; once it has
 * been active, `reserve` when no longer referenced; otherwise it stays `pending`.
 * The labeler takes an unreferenced revision out of `active` only once the Route is
 * Ready or has failed (`clearUnlisted`): while the Route programs a new split or rolls
 * out, the revisions it is leaving keep their state.
 */
export function nextRoutingState(routed: boolean, previous: RoutingState, clearUnlisted = true): RoutingState {
  // An unknown state would otherwise be handed back as the revision's next one.
  requireOneOf('previous', previous, ROUTING_STATES);
  if (routed) return 'active';
  if (previous === 'active') return clearUnlisted ? 'reserve' : 'active';
  return previous;
}
