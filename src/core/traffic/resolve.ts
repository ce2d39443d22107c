/**
 * Flattening a Route's traffic block to revisions (upstream
 * pkg/reconciler/route/traffic/traffic.go, BuildTrafficConfiguration).
 *
 * Target errors (a missing or unready configuration or revision, a revision of
 * another Service) are not thrown: like upstream they are results, reported in
 * {@link TrafficResolution} with `ok: false`, and they drop every target.
 */

import { InvalidArgumentError } from '../errors.js';
import { assertValidTraffic } from './validate.js';
import type {
  ClusterState,
  ConfigurationInfo,
  DefaultedTrafficTarget,
  MissingTarget,
  RevisionInfo,
  RevisionTarget,
  TargetError,
  TrafficConfig,
  TrafficGroup,
  TrafficResolution,
  TrafficTarget,
} from './types.js';

/** The default (untagged) traffic group's key. */
export const DEFAULT_TARGET = '';

/** Options of {@link resolveTraffic}. */
export interface ResolveOptions {
  /**
   * The route's `serving.knative.dev/service` label. When set, revision targets
   * must belong to that Service; a standalone Route (unset) may name any revision.
   */
  readonly serviceName?: string | undefined;
}

function missing(kind: 'Configuration' | 'Revision', name: string): TargetError {
  return {
    reason: 'MissingTarget',
    kind,
    name,
    isFailure: true,
    message: `${kind} ${JSON.stringify(name)} referenced in traffic not found`,
  };
}

/** Upstream's ConfigurationNotReady and RevisionNotReady: the same rule for both kinds. */
function notReady(kind: 'Configuration' | 'Revision', target: ConfigurationInfo | RevisionInfo): TargetError {
  const isFailure = target.failed === true;
  return {
    reason: `${kind}NotReady`,
    name: target.name,
    isFailure,
    message: `${kind} ${JSON.stringify(target.name)} not ready, isFailure=${String(isFailure)}`,
  };
}

function revisionNotOwned(name: string, expectedService: string, actualService: string): TargetError {
  const message =
    actualService === ''
      ? `Revision ${JSON.stringify(name)} does not belong to Service ${JSON.stringify(expectedService)}`
      : `Revision ${JSON.stringify(name)} belongs to Service ${JSON.stringify(actualService)}, not Service ${JSON.stringify(expectedService)}`;
  return { reason: 'RevisionNotOwned', name, expectedService, actualService, isFailure: true, message };
}

/** Builds name → object lookups, refusing duplicate names (a cluster cannot hold two). */
function indexByName<T extends { readonly name: string }>(field: string, items: readonly T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const it of items) {
    if (m.has(it.name)) throw new InvalidArgumentError(field, `duplicate name ${JSON.stringify(it.name)}`);
    m.set(it.name, it);
  }
  return m;
}

/** Resolves one target to a revision, or says why it cannot be. */
function flattenTarget(
  tt: DefaultedTrafficTarget,
  revisions: Map<string, RevisionInfo>,
  configurations: Map<string, ConfigurationInfo>,
  serviceName: string,
): { target: RevisionTarget } | { error: TargetError } | undefined {
  if (tt.revisionName !== '') {
    const rev = revisions.get(tt.revisionName);
    if (!rev) return { error: missing('Revision', tt.revisionName) };
    if (serviceName !== '') {
      const owner = rev.serviceName ?? '';
      if (owner !== serviceName) return { error: revisionNotOwned(rev.name, serviceName, owner) };
    }
    if (!rev.ready) return { error: notReady('Revision', rev) };
    // A pinned revision still reports the configuration it came from, which must exist.
    if (rev.configurationName !== '' && !configurations.has(rev.configurationName)) {
      return { error: missing('Configuration', rev.configurationName) };
    }
    return { target: { ...tt, configurationName: rev.configurationName } };
  }
  if (tt.configurationName !== '') {
    const cfg = configurations.get(tt.configurationName);
    if (!cfg) return { error: missing('Configuration', tt.configurationName) };
    const latestReady = cfg.latestReadyRevisionName ?? '';
    if (latestReady === '') return { error: notReady('Configuration', cfg) };
    const rev = revisions.get(latestReady);
    if (!rev) return { error: missing('Revision', latestReady) };
    if (!rev.ready) return { error: notReady('Revision', rev) };
    return { target: { ...tt, revisionName: rev.name } };
  }
  return undefined; // validation makes this unreachable
}

/** Merges a target into a list on equal (tag, revision, latestRevision), adding percents. */
function mergeInto(list: RevisionTarget[], t: RevisionTarget): void {
  const i = list.findIndex(
    (x) => x.tag === t.tag && x.revisionName === t.revisionName && x.latestRevision === t.latestRevision,
  );
  const cur = list[i];
  if (cur) list[i] = { ...cur, percent: cur.percent + t.percent };
  else list.push(t);
}

/**
 * Merges a group's targets per revision (the first entry's other fields win);
 * a group left with a single revision sends it 100%, which is why a tag URL
 * always reaches its revision whatever its percent in the default group.
 */
function consolidate(targets: readonly RevisionTarget[]): RevisionTarget[] {
  const out: RevisionTarget[] = [];
  const at = new Map<string, number>();
  for (const t of targets) {
    const i = at.get(t.revisionName);
    const cur = i === undefined ? undefined : out[i];
    if (i === undefined || !cur) {
      at.set(t.revisionName, out.length);
      out.push(t);
    } else {
      out[i] = { ...cur, percent: cur.percent + t.percent };
    }
  }
  const only = out[0];
  if (out.length === 1 && only) out[0] = { ...only, percent: 100 };
  return out;
}

/**
 * Flattens a Route's `spec.traffic` against the cluster's revisions and
 * configurations (BuildTrafficConfiguration):
 * - a configuration target goes to the configuration's LatestReadyRevisionName,
 *   which must exist and be ready;
 * - a revision target's revision must exist, be ready and, for a Service-owned
 *   route, belong to that Service;
 * - every target joins the default group '' and a tagged target also its own
 *   group; inside a group entries for the same revision are merged and a
 *   single-revision group gets 100%.
 *
 * On the first target error, later targets are still looked at (to list every
 * missing object) and a later permanent failure replaces an earlier error;
 * then all targets are dropped and `ok: false` is returned.
 *
 * `traffic` is a Route's block (for a Service, pass `makeRouteTraffic(...)`);
 * it is defaulted and validated first.
 * @throws {TrafficValidationError} when the block fails Route validation.
 * @throws {InvalidArgumentError} when two revisions or two configurations share a name.
 */
export function resolveTraffic(
  traffic: readonly TrafficTarget[],
  cluster: ClusterState,
  options: ResolveOptions = {},
): TrafficResolution {
  const targets = assertValidTraffic(traffic, 'route');
  const revisions = indexByName('cluster.revisions', cluster.revisions);
  const configurations = indexByName('cluster.configurations', cluster.configurations);
  const serviceName = options.serviceName ?? '';

  let deferred: TargetError | undefined;
  const missingTargets: MissingTarget[] = [];
  const revisionTargets: RevisionTarget[] = [];
  const byTag = new Map<string, RevisionTarget[]>();
  const addToGroup = (tag: string, t: RevisionTarget): void => {
    const g = byTag.get(tag);
    if (g) g.push(t);
    else byTag.set(tag, [t]);
  };

  for (const tt of targets) {
    const r = flattenTarget(tt, revisions, configurations, serviceName);
    if (r === undefined) continue;
    if ('error' in r) {
      if (r.error.reason === 'MissingTarget') missingTargets.push({ kind: r.error.kind, name: r.error.name });
      // Keep the first error unless a later one is a real failure.
      if (deferred === undefined || r.error.isFailure) deferred = r.error;
      continue;
    }
    mergeInto(revisionTargets, r.target);
    addToGroup(DEFAULT_TARGET, r.target);
    if (r.target.tag !== '') addToGroup(r.target.tag, r.target);
  }

  if (deferred) return { ok: false, error: deferred, missingTargets };

  const tags = [...byTag.keys()].sort();
  const groups: TrafficGroup[] = tags.map((tag) => ({ tag, targets: consolidate(byTag.get(tag) ?? []) }));
  const config: TrafficConfig = { groups, revisionTargets };
  return { ok: true, config };
}

/** The group for `tag` ('' for the default group), or undefined if the route has no such tag. */
export function trafficGroup(config: TrafficConfig, tag: string): TrafficGroup | undefined {
  return config.groups.find((g) => g.tag === tag);
}

/**
 * Where each tag's URL leads, ignoring any rollout: tag → revision name. Every
 * tag group holds exactly one revision (tags are unique), at 100%.
 */
export function tagRoutes(config: TrafficConfig): ReadonlyMap<string, string> {
  const m = new Map<string, string>();
  for (const g of config.groups) {
    const first = g.targets[0];
    if (g.tag !== DEFAULT_TARGET && first) m.set(g.tag, first.revisionName);
  }
  return m;
}
