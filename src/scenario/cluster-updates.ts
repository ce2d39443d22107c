/**
 * The scenario's top-level `updates`: changes during the run that Knative takes without a
 * new revision — a Revision's annotations patched in place, `config-autoscaler` changed,
 * a Service deleted. They become each Service's `autoscalingChanges` (the revision's
 * settings resolved again, as the PA reconciler reads them after the change) and
 * `deletedAtSeconds`. Revisions created after a ConfigMap change are resolved with the
 * ConfigMap in force when they are created.
 */
import { AUTOSCALING_GROUP } from '../core/autoscaler/index.js';
import { rollingUpdatePlan } from '../core/capacity/index.js';
import { checkAnnotationKeys } from './annotation-keys.js';
import type { AutoscalingChange, NodePoolSpec, NodesSpec, RevisionSpec, ServiceSpec } from '../model/spec.js';
import { readConfigMaps, type ClusterConfig, type ConfigMapsInput } from './configmaps.js';
import { configMapSizeProblem, dataValueBytes } from './configmap-size.js';
import { configMapKeyProblem } from './configmap-key.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';
import { resolveAutoscaling } from './manifest.js';
import type { ClusterUpdateInput } from './schema.js';
import type { RevisionOrigin } from './work-estimate.js';

/** The ConfigMaps a run may change while it runs. */
export const RUNTIME_CONFIG_MAPS: readonly string[] = ['config-autoscaler'];

export interface ClusterUpdatesInput {
  file: string;
  updates: readonly ClusterUpdateInput[] | undefined;
  services: readonly ServiceSpec[];
  /** Where each revision was written, [service][revision] (its annotations at creation). */
  origins: ReadonlyArray<ReadonlyArray<RevisionOrigin>>;
  /** The scenario's `configMaps` as written, and as read. */
  configMaps: ConfigMapsInput | undefined;
  cluster: ClusterConfig;
}

const fmtSeconds = (s: number): string => `${s}s`;
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Validates the updates and returns the Services with their in-place changes and
 * deletion times (and the settings of revisions created after a ConfigMap change).
 * @throws ScenarioError naming `updates[j]…` for the first problem.
 */
export function applyClusterUpdates(input: ClusterUpdatesInput): ServiceSpec[] {
  const { file, services, origins } = input;
  const updates = input.updates ?? [];
  if (updates.length === 0) return [...services];
  const at = (j: number, ...segs: PathSegment[]): string => formatPath(['updates', j, ...segs]);

  // Where every revision is, and its annotations now.
  const where = new Map<string, { si: number; ri: number }>();
  services.forEach((s, si) => s.revisions.forEach((r, ri) => where.set(r.name, { si, ri })));
  const annotations = services.map((s, si) => s.revisions.map((_, ri) => ({ ...(origins[si]?.[ri]?.annotations ?? {}) })));
  const changes: AutoscalingChange[][] = services.map(() => []);
  const deletedAt: Array<number | undefined> = services.map(() => undefined);
  const configs: Array<{ atSeconds: number; cluster: ClusterConfig; j: number }> = [{ atSeconds: 0, cluster: input.cluster, j: -1 }];
  let cms: ConfigMapsInput = { ...(input.configMaps ?? {}) };

  const exists = (r: RevisionSpec, t: number): boolean => r.createdAtSeconds < t;
  // Every change is listed; the autoscaler ignores one that leaves the settings as they are.
  const change = (si: number, ri: number, t: number, a: RevisionSpec['autoscaling'], source: string, config = false): void => {
    changes[si]!.push({ atSeconds: t, revision: services[si]!.revisions[ri]!.name, autoscaling: a, source, ...(config ? { config } : {}) });
  };

  let lastAt = 0;
  updates.forEach((u, j) => {
    if (j > 0 && !(u.at > lastAt)) {
      throw new ScenarioError(file, at(j, 'at'), `updates must be in strictly increasing order of at (previous at ${fmtSeconds(lastAt)})`);
    }
    lastAt = u.at;
    if (u.configMaps === undefined && u.patchRevision === undefined && u.deleteService === undefined && u.restartAutoscaler === undefined && u.crashActivator === undefined && u.restartActivators === undefined && u.deleteActivator === undefined && u.drainNode === undefined && u.driftNodePool === undefined) {
      throw new ScenarioError(file, at(j), 'an update needs at least one of configMaps, patchRevision, deleteService, restartAutoscaler, crashActivator, restartActivators, deleteActivator, drainNode, driftNodePool');
    }

    if (u.configMaps !== undefined) {
      for (const [name, data] of Object.entries(u.configMaps)) {
        if (!RUNTIME_CONFIG_MAPS.includes(name)) {
          throw new ScenarioError(file, at(j, 'configMaps', name), `only ${RUNTIME_CONFIG_MAPS.join(', ')} can change during a run`);
        }
        for (const key of Object.keys(data ?? {})) {
          const badKey = configMapKeyProblem(key);
          if (badKey !== undefined) throw new ScenarioError(file, at(j, 'configMaps', name, key), badKey);
        }
        const problem = configMapSizeProblem(dataValueBytes(data ?? {}));
        if (problem !== undefined) throw new ScenarioError(file, at(j, 'configMaps', name), problem);
      }
      // Data as it already is updates nothing, so no controller hears of it (a ConfigMap not given is Knative's, with no keys).
      const given = Object.entries(u.configMaps).find(([name]) => name === 'config-autoscaler');
      const updated = given !== undefined && !sameData(cms['config-autoscaler'], given[1] as Record<string, string> | undefined);
      // A ConfigMap is replaced whole, as `kubectl apply` replaces its data.
      cms = { ...cms, ...u.configMaps };
      let cluster: ClusterConfig;
      try {
        cluster = readConfigMaps(file, cms);
      } catch (e) {
        if (e instanceof ScenarioError) throw new ScenarioError(file, e.path === '' ? at(j, 'configMaps') : `${at(j)}.${e.path}`, e.rule);
        throw e;
      }
      configs.push({ atSeconds: u.at, cluster, j });
      // Every revision's PA is resynced, whether the change touches its settings or not.
      services.forEach((s, si) => {
        if (!updated || deletedAt[si] !== undefined) return;
        s.revisions.forEach((r, ri) => {
          if (!exists(r, u.at)) return;
          const a = resolveUnder(cluster, annotations[si]![ri]!, r, file, at(j, 'configMaps'));
          change(si, ri, u.at, a, at(j, 'configMaps'), true);
        });
      });
    }

    if (u.patchRevision !== undefined) {
      const p = u.patchRevision;
      const loc = where.get(p.name);
      if (loc === undefined) {
        throw new ScenarioError(file, at(j, 'patchRevision', 'name'), `no revision named ${JSON.stringify(p.name)} (revisions: ${[...where.keys()].join(', ')})`);
      }
      const r = services[loc.si]!.revisions[loc.ri]!;
      if (!exists(r, u.at)) {
        throw new ScenarioError(file, at(j, 'patchRevision', 'name'), `revision ${JSON.stringify(p.name)} is created at ${fmtSeconds(r.createdAtSeconds)}, not before this update`);
      }
      const gone = deletedAt[loc.si];
      if (gone !== undefined) {
        throw new ScenarioError(file, at(j, 'patchRevision', 'name'), `revision ${JSON.stringify(p.name)} was deleted with its Service at ${fmtSeconds(gone)}`);
      }
      // A merge patch: keys set, `null` removes.
      const next = annotations[loc.si]![loc.ri]!;
      const changed = Object.keys(p.annotations).filter((k) => (p.annotations[k] ?? undefined) !== next[k]);
      for (const [k, v] of Object.entries(p.annotations)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      // The API server checks the patched Revision's keys before the webhook sees it.
      const setKeys = Object.keys(p.annotations).filter((k) => p.annotations[k] !== null);
      checkAnnotationKeys(next, file, ['updates', j, 'patchRevision', 'annotations'], 'revision', setKeys);
      const rolls = changed.find(rollsPods);
      if (rolls !== undefined) {
        throw new ScenarioError(
          file,
          formatPath(['updates', j, 'patchRevision', 'annotations', rolls]),
          `Knative copies it onto the pods of ${JSON.stringify(p.name)}, so changing it rolls them all, which knsim does not model: patch only ${AUTOSCALING_GROUP} keys`,
        );
      }
      const cluster = configs[configs.length - 1]!.cluster;
      const a = resolveAutoscaling(next, r.containerConcurrency, file, ['updates', j, 'patchRevision', 'annotations'], cluster);
      if (a.class !== r.autoscaling.class) {
        // The PodAutoscaler is created with its class and one reconciler owns it from then on.
        throw new ScenarioError(file, at(j, 'patchRevision', 'annotations'), `the autoscaler class of revision ${JSON.stringify(p.name)} cannot change (${r.autoscaling.class} → ${a.class})`);
      }
      change(loc.si, loc.ri, u.at, a, at(j, 'patchRevision', 'annotations'));
    }

    if (u.deleteService !== undefined) {
      const si = services.findIndex((s) => s.name === u.deleteService);
      if (si < 0) {
        throw new ScenarioError(file, at(j, 'deleteService'), `no Service named ${JSON.stringify(u.deleteService)} (services: ${services.map((s) => s.name).join(', ')})`);
      }
      if (deletedAt[si] !== undefined) {
        throw new ScenarioError(file, at(j, 'deleteService'), `Service ${JSON.stringify(u.deleteService)} is already deleted at ${fmtSeconds(deletedAt[si]!)}`);
      }
      const s = services[si]!;
      const later = [...s.revisions.map((r) => r.createdAtSeconds), ...s.traffic.map((t) => t.atSeconds)].filter((t) => t >= u.at);
      if (later.length > 0) {
        throw new ScenarioError(
          file,
          at(j, 'deleteService'),
          `Service ${JSON.stringify(u.deleteService)} still has updates at ${fmtSeconds(Math.min(...later))}, at or after its deletion at ${fmtSeconds(u.at)}`,
        );
      }
      deletedAt[si] = u.at;
    }
  });

  return services.map((s, si) => {
    // A revision created after a ConfigMap change is admitted and resolved under it.
    const revisions = s.revisions.map((r, ri) => {
      const cfg = configsAt(configs, r.createdAtSeconds);
      if (cfg.j < 0) return r;
      const a = resolveUnder(cfg.cluster, origins[si]?.[ri]?.annotations ?? {}, r, file, at(cfg.j, 'configMaps'));
      return same(a, r.autoscaling) ? r : { ...r, autoscaling: a };
    });
    const own = changes[si]!;
    const out: ServiceSpec = { ...s, revisions };
    if (own.length > 0) out.autoscalingChanges = own;
    const d = deletedAt[si];
    if (d !== undefined) out.deletedAtSeconds = d;
    return out;
  });
}

/** Whether two ConfigMaps' data are the same keys with the same values (absent: no keys). */
function sameData(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const x = Object.entries(a ?? {});
  const y = b ?? {};
  return x.length === Object.keys(y).length && x.every(([k, v]) => Object.hasOwn(y, k) && y[k] === v);
}

/** Revision annotations Knative keeps off the Deployment (pkg/reconciler/revision/resources/meta.go). */
const NOT_ON_DEPLOYMENT = ['serving.knative.dev/lastPinned', 'serving.knative.dev/no-gc', 'serving.knative.dev/routingStateModified', 'serving.knative.dev/routes'];

/**
 * Whether changing this Revision annotation changes its Deployment's pod template: the
 * revision reconciler copies every annotation but the autoscaling group's (a prefix match)
 * and a few of its own onto the pods, so the Deployment rolls all of them.
 */
const rollsPods = (key: string): boolean => !key.startsWith(AUTOSCALING_GROUP) && !NOT_ON_DEPLOYMENT.includes(key);

/** The ConfigMaps in force at `t` (a change at `t` counts). */
function configsAt<T extends { atSeconds: number }>(configs: readonly T[], t: number): T {
  let found = configs[0]!;
  for (const c of configs) if (c.atSeconds <= t) found = c;
  return found;
}

/** A revision's settings under another config-autoscaler; a revision it no longer admits is an error at the change. */
function resolveUnder(
  cluster: ClusterConfig,
  annotations: Readonly<Record<string, string>>,
  r: RevisionSpec,
  file: string,
  path: string,
): RevisionSpec['autoscaling'] {
  try {
    return resolveAutoscaling(annotations, r.containerConcurrency, file, [], cluster);
  } catch (e) {
    if (e instanceof ScenarioError) throw new ScenarioError(file, path, `revision ${r.name}: ${e.path === '' ? '' : `${e.path}: `}${e.rule}`);
    throw e;
  }
}

/** A restart of Knative's autoscaler process (top-level `updates[].restartAutoscaler`). */
export interface AutoscalerRestartSpec {
  /** When its pod goes. */
  atSeconds: number;
  /** How long until the new one runs its loops again (pod start, informer sync, leader election). */
  downtimeSeconds: number;
}

/**
 * The autoscaler restarts among the updates, in order.
 * @throws ScenarioError at `updates[j].restartAutoscaler` for one that comes while the previous is still down.
 */
export function autoscalerRestarts(file: string, updates: readonly ClusterUpdateInput[] | undefined): AutoscalerRestartSpec[] {
  const out: AutoscalerRestartSpec[] = [];
  (updates ?? []).forEach((u, j) => {
    const r = u.restartAutoscaler;
    if (r === undefined) return;
    const prev = out[out.length - 1];
    if (prev !== undefined && u.at < prev.atSeconds + prev.downtimeSeconds) {
      throw new ScenarioError(
        file,
        formatPath(['updates', j, 'restartAutoscaler']),
        `the autoscaler is still down from the restart at ${fmtSeconds(prev.atSeconds)} until ${fmtSeconds(prev.atSeconds + prev.downtimeSeconds)}`,
      );
    }
    out.push({ atSeconds: u.at, downtimeSeconds: r.downtime });
  });
  return out;
}

/**
 * The activator an update names (default 0), checked: the cluster has it, and no activator HPA
 * scales the pool (`what` says what is not simulated then).
 */
function namedActivator(file: string, path: (...segs: PathSegment[]) => string, index: number | undefined, activators: number, activatorHpa: boolean, what: string): number {
  if (activatorHpa) throw new ScenarioError(file, path(), `${what} is not simulated with cluster.activatorCpu (the activator HPA scales those pods): leave one of them out`);
  const i = index ?? 0;
  if (i >= activators) {
    throw new ScenarioError(file, path('activator'), `the cluster has ${activators} activator${activators === 1 ? '' : 's'} (cluster.activators), numbered from 0: no activator ${i}`);
  }
  return i;
}

/** The crash that has `activator` (any, if undefined) down at `t`, its end instant included (it is back only after it). */
function crashDownAt(crashes: readonly ActivatorCrashSpec[], t: number, activator?: number): ActivatorCrashSpec | undefined {
  return crashes.find((x) => (activator === undefined || x.activator === activator) && x.atSeconds <= t && t <= x.atSeconds + x.downtimeSeconds);
}

/** A crash of one activator's container (top-level `updates[].crashActivator`). */
export interface ActivatorCrashSpec {
  atSeconds: number;
  /** The activator's index (activator-N). */
  activator: number;
  /** Until its restarted container is ready again. */
  downtimeSeconds: number;
}

/**
 * The activator crashes among the updates, in order.
 * @throws ScenarioError at `updates[j].crashActivator…` for an activator the cluster does not
 * have, a crash while that activator is still down, or a run whose activators an HPA scales.
 */
export function activatorCrashes(file: string, updates: readonly ClusterUpdateInput[] | undefined, activators: number, activatorHpa: boolean): ActivatorCrashSpec[] {
  const out: ActivatorCrashSpec[] = [];
  (updates ?? []).forEach((u, j) => {
    const c = u.crashActivator;
    if (c === undefined) return;
    const path = (...segs: PathSegment[]): string => formatPath(['updates', j, 'crashActivator', ...segs]);
    const index = namedActivator(file, path, c.activator, activators, activatorHpa, 'an activator crash');
    const prev = out.filter((x) => x.activator === index).pop();
    if (prev !== undefined && u.at < prev.atSeconds + prev.downtimeSeconds) {
      throw new ScenarioError(file, path(), `activator ${index} is still down from its crash at ${fmtSeconds(prev.atSeconds)} until ${fmtSeconds(prev.atSeconds + prev.downtimeSeconds)}`);
    }
    out.push({ atSeconds: u.at, activator: index, downtimeSeconds: c.downtime });
  });
  return out;
}

/** A rolling restart of the activator Deployment (top-level `updates[].restartActivators`). */
export interface ActivatorRolloutSpec {
  atSeconds: number;
  /** From a new activator pod's creation until it is Ready and in the activator endpoints. */
  startupSeconds: number;
  /** When its last old pod is deleted (the rollout is complete), from the plan of the Deployment's waves. */
  completeSeconds: number;
}

/** A new activator pod's start-up when `restartActivators` does not say (as `cluster.activatorCpu.startup`). */
export const DEFAULT_ACTIVATOR_STARTUP_SECONDS = 10;

/**
 * The rolling restarts of the activators among the updates, in order.
 * @throws ScenarioError at `updates[j].restartActivators` for a run whose activators an HPA
 * scales, one while an activator is down from a crash or the previous rollout is not complete,
 * and at `updates[j].crashActivator` for a crash after a rollout (its activators are new pods).
 */
export function activatorRollouts(
  file: string,
  updates: readonly ClusterUpdateInput[] | undefined,
  activators: number,
  activatorHpa: boolean,
  crashes: readonly ActivatorCrashSpec[],
  deletions: readonly ActivatorDeletionSpec[] = [],
): ActivatorRolloutSpec[] {
  const out: ActivatorRolloutSpec[] = [];
  (updates ?? []).forEach((u, j) => {
    const c = u.crashActivator;
    const first = out[0];
    if (c !== undefined && first !== undefined) {
      throw new ScenarioError(
        file,
        formatPath(['updates', j, 'crashActivator']),
        `the activators are new pods after the restartActivators at ${fmtSeconds(first.atSeconds)}: knsim crashes only the activators the run starts with, so crash one before it`,
      );
    }
    const r = u.restartActivators;
    if (r === undefined) return;
    const path = formatPath(['updates', j, 'restartActivators']);
    if (activatorHpa) {
      throw new ScenarioError(file, path, 'a rolling restart of the activators is not simulated with cluster.activatorCpu (the activator HPA scales those pods): leave one of them out');
    }
    // Its end instant is refused too: the rollout would start before the crashed activator is back.
    const down = crashDownAt(crashes, u.at);
    if (down !== undefined) {
      throw new ScenarioError(file, path, `activator ${down.activator} is down from its crash at ${fmtSeconds(down.atSeconds)} until ${fmtSeconds(down.atSeconds + down.downtimeSeconds)}: restart the activators after that`);
    }
    const starting = deletions.find((x) => x.atSeconds <= u.at && u.at <= x.atSeconds + x.startupSeconds);
    if (starting !== undefined) {
      throw new ScenarioError(
        file,
        path,
        `activator ${starting.activator}'s replacement, after its deletion at ${fmtSeconds(starting.atSeconds)}, is Ready only at ${fmtSeconds(starting.atSeconds + starting.startupSeconds)}: restart the activators after that`,
      );
    }
    const prev = out[out.length - 1];
    if (prev !== undefined && u.at <= prev.completeSeconds) {
      throw new ScenarioError(file, path, `the activators' rollout from ${fmtSeconds(prev.atSeconds)} is complete at ${fmtSeconds(prev.completeSeconds)}: start the next one after that`);
    }
    const startupSeconds = r.startup ?? DEFAULT_ACTIVATOR_STARTUP_SECONDS;
    const plan = rollingUpdatePlan(activators, startupSeconds);
    out.push({ atSeconds: u.at, startupSeconds, completeSeconds: u.at + (plan[plan.length - 1]?.atSeconds ?? 0) });
  });
  return out;
}

/** A deleted activator pod (top-level `updates[].deleteActivator`): it drains, and its ReplicaSet replaces it. */
export interface ActivatorDeletionSpec {
  atSeconds: number;
  /** The activator's index (activator-N) among those the run starts with. */
  activator: number;
  /** From the replacement pod's creation until it is Ready and in the activator endpoints. */
  startupSeconds: number;
}

/**
 * The activator pods deleted among the updates, in order.
 * @throws ScenarioError at `updates[j].deleteActivator…` for an activator the cluster does not
 * have or already deleted, one down from a crash, one after a rolling restart, or a run whose
 * activators an HPA scales; at `updates[j].crashActivator` for a crash of a deleted activator.
 */
export function activatorDeletions(file: string, updates: readonly ClusterUpdateInput[] | undefined, activators: number, activatorHpa: boolean, crashes: readonly ActivatorCrashSpec[]): ActivatorDeletionSpec[] {
  const out: ActivatorDeletionSpec[] = [];
  const firstRollout = (updates ?? []).find((u) => u.restartActivators !== undefined)?.at;
  (updates ?? []).forEach((u, j) => {
    const c = u.crashActivator;
    if (c !== undefined) {
      const gone = out.find((x) => x.activator === (c.activator ?? 0));
      if (gone !== undefined) {
        throw new ScenarioError(file, formatPath(['updates', j, 'crashActivator']), `activator ${gone.activator} was deleted at ${fmtSeconds(gone.atSeconds)}: knsim crashes only the activators the run starts with`);
      }
    }
    const d = u.deleteActivator;
    if (d === undefined) return;
    const path = (...segs: PathSegment[]): string => formatPath(['updates', j, 'deleteActivator', ...segs]);
    const index = namedActivator(file, path, d.activator, activators, activatorHpa, 'deleting an activator');
    if (firstRollout !== undefined && u.at >= firstRollout) {
      throw new ScenarioError(file, path(), `the activators are new pods after the restartActivators at ${fmtSeconds(firstRollout)}: knsim deletes only the activators the run starts with, so delete one before it`);
    }
    const gone = out.find((x) => x.activator === index);
    if (gone !== undefined) {
      throw new ScenarioError(file, path(), `activator ${index} was deleted at ${fmtSeconds(gone.atSeconds)}: knsim deletes only the activators the run starts with`);
    }
    const down = crashDownAt(crashes, u.at, index);
    if (down !== undefined) {
      throw new ScenarioError(file, path(), `activator ${index} is down from its crash at ${fmtSeconds(down.atSeconds)} until ${fmtSeconds(down.atSeconds + down.downtimeSeconds)}: delete it after that`);
    }
    out.push({ atSeconds: u.at, activator: index, startupSeconds: d.startup ?? DEFAULT_ACTIVATOR_STARTUP_SECONDS });
  });
  return out;
}

/** A node drained and removed from its pool (top-level `updates[].drainNode`). */
export interface NodeDrainSpec {
  atSeconds: number;
  /** The node's name, as the run names nodes: `<pool>-<NNN>`, numbered from 001 in each pool in the order they are requested. */
  node: string;
  /** kubectl drain --timeout: it gives up this long after it began (absent: never). */
  timeoutSeconds?: number;
  /** kubectl drain --disable-eviction: pods are deleted, not evicted, so no PodDisruptionBudget is asked. */
  disableEviction?: boolean;
}

/** The pool whose nodes are named like `node` (`<pool>-<NNN>`, NNN from 001), if any. */
function poolOfNodeName(pools: readonly NodePoolSpec[], node: string): NodePoolSpec | undefined {
  return pools.find((p) => {
    if (!node.startsWith(`${p.name}-`)) return false;
    const rest = node.slice(p.name.length + 1);
    return /^[0-9]+$/.test(rest) && Number(rest) >= 1 && String(Number(rest)).padStart(3, '0') === rest;
  });
}

/**
 * The nodes drained among the updates, in order.
 * @throws ScenarioError at `updates[j].drainNode.node` for a run without node pools, a name no
 * pool's nodes can have, or a node drained twice.
 */
export function nodeDrains(file: string, updates: readonly ClusterUpdateInput[] | undefined, nodes: NodesSpec | undefined): NodeDrainSpec[] {
  const out: NodeDrainSpec[] = [];
  (updates ?? []).forEach((u, j) => {
    const d = u.drainNode;
    if (d === undefined) return;
    const path = formatPath(['updates', j, 'drainNode', 'node']);
    if (nodes === undefined) throw new ScenarioError(file, path, 'the run has no nodes to drain: add cluster.nodePools');
    if (poolOfNodeName(nodes.pools, d.node) === undefined) {
      const example = `${nodes.pools[0]!.name}-001`;
      throw new ScenarioError(
        file,
        path,
        `no node pool has a node named ${JSON.stringify(d.node)}: nodes are named <pool>-<NNN>, numbered from 001 in the order each pool requests them (e.g. ${example}; pools: ${nodes.pools.map((p) => p.name).join(', ')})`,
      );
    }
    const again = out.find((x) => x.node === d.node);
    if (again !== undefined) throw new ScenarioError(file, path, `node ${d.node} is already drained at ${fmtSeconds(again.atSeconds)} (a drained node is removed from its pool)`);
    out.push({ atSeconds: u.at, node: d.node, ...(d.timeout !== undefined ? { timeoutSeconds: d.timeout } : {}), ...(d.disableEviction === true ? { disableEviction: true } : {}) });
  });
  return out;
}

/**
 * The NodePools whose template changed among the updates, in order (top-level
 * `updates[].driftNodePool`): Karpenter's drift, so only under `kind: karpenter`.
 * @throws ScenarioError at `updates[j].driftNodePool.pool` for a run without node pools or
 * without Karpenter, or a pool no `cluster.nodePools` entry names.
 */
export function nodePoolDrifts(file: string, updates: readonly ClusterUpdateInput[] | undefined, nodes: NodesSpec | undefined): Array<{ atSeconds: number; pool: string }> {
  const out: Array<{ atSeconds: number; pool: string }> = [];
  (updates ?? []).forEach((u, j) => {
    const d = u.driftNodePool;
    if (d === undefined) return;
    const path = formatPath(['updates', j, 'driftNodePool', 'pool']);
    if (nodes === undefined) throw new ScenarioError(file, path, 'the run has no node pools to drift: add cluster.nodePools with nodeAutoscaler kind karpenter');
    if (nodes.autoscaler.kind !== 'karpenter') {
      throw new ScenarioError(
        file,
        path,
        `drift is Karpenter's (cluster.nodeAutoscaler.kind is ${nodes.autoscaler.kind}); a node image upgrade without Karpenter is a drain of each node (updates[].drainNode)`,
      );
    }
    if (!nodes.pools.some((p) => p.name === d.pool)) {
      throw new ScenarioError(file, path, `no node pool named ${JSON.stringify(d.pool)} (pools: ${nodes.pools.map((p) => p.name).join(', ')})`);
    }
    out.push({ atSeconds: u.at, pool: d.pool });
  });
  return out;
}
