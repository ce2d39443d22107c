/**
 * The scenario's `cluster.nodePools` and `cluster.nodeAutoscaler` → the model's NodesSpec,
 * with the checks a cloud provider or the autoscaler would make at start-up (sizes within
 * bounds, DaemonSets that fit a node, flags that belong to the chosen autoscaler).
 */
import { DEFAULT_CLUSTER_AUTOSCALER_CONFIG, DEFAULT_KARPENTER_CONFIG, DO_NOT_DISRUPT_KEY, type ClusterAutoscalerConfig, type KarpenterConfig } from '../core/capacity/index.js';
import { dns1123SubdomainErrors } from '../core/traffic/index.js';
import type { NodeAutoscalerSpec, NodePoolSpec, NodesSpec } from '../model/spec.js';
import { formatPath, ScenarioError } from './errors.js';
import { nodePoolBudgets, runStartsAt } from './nodepool-budgets.js';
import { nodePoolLimits } from './nodepool-limits.js';
import type { NodeAutoscalerInput, NodePoolInput } from './schema.js';

/** The node annotation that keeps the Cluster Autoscaler from removing a node (cluster-autoscaler FAQ). */
export const SCALE_DOWN_DISABLED_KEY = 'cluster-autoscaler.kubernetes.io/scale-down-disabled';

/** kubelet's default maxPods. */
export const DEFAULT_MAX_PODS = 110;
/** A pool's size limit when the scenario sets none. */
export const DEFAULT_MAX_NODES = 1000;
/** Kubernetes' largest supported cluster (kubernetes.io, "Considerations for large clusters"): 5,000 nodes. */
export const MAX_CLUSTER_NODES = 5000;
/** A node price above this is a typo, and its cost sums would overflow to Infinity. */
export const MAX_PRICE_PER_HOUR = 1e6;
/**
 * Longest pool name: a Kubernetes label value, as Karpenter labels each node karpenter.sh/nodepool=<name>
 * (and managed node groups label theirs likewise). Unbounded, a megabyte name made every nodes.csv
 * row a megabyte, a file the output-space check does not count.
 */
export const MAX_POOL_NAME_LENGTH = 63;
/** Provision request → node Ready when the pool sets no startupLatency (capacity spec §5.6). */
export const DEFAULT_NODE_STARTUP_SECONDS = 180;
/** OpenCost has no default CPU/RAM split of a node's price; knsim charges half to each. */
export const DEFAULT_COST_CPU_SHARE = 0.5;
/** KubeSchedulerConfiguration's default percentageOfNodesToScore: 0, the adaptive share (pkg/scheduler/apis/config). */
export const DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE = 0;

const CA_FLAGS = [
  'scanInterval', 'firstScan', 'newPodScaleUpDelay', 'maxNodesPerScaleUp', 'maxNodeProvisionTime', 'scaleDownUtilizationThreshold',
  'scaleDownUnneededTime', 'scaleDownDelayAfterAdd', 'scaleDownDelayAfterDelete', 'scaleDownDelayAfterFailure', 'maxEmptyBulkDelete',
  'nodeDeleteDelayAfterTaint', 'unremovableNodeRecheckTimeout', 'skipNodesWithLocalStorage', 'maxBulkSoftTaintCount',
] as const;
const KARPENTER_FLAGS = ['batchIdleDuration', 'batchMaxDuration', 'consolidateAfter', 'consolidationPolicy', 'budgetNodesPercent', 'expireAfter', 'terminationGracePeriod', 'firstPoll', 'budgets', 'runStartsAt'] as const;

/** Each cluster-autoscaler setting a scenario may give (upstream's flag name) and the config field it sets. */
const CA_SETTINGS = {
  scanInterval: 'scanIntervalSeconds',
  newPodScaleUpDelay: 'newPodScaleUpDelaySeconds',
  maxNodesPerScaleUp: 'maxNodesPerScaleUp',
  maxNodeProvisionTime: 'maxNodeProvisionSeconds',
  scaleDownUtilizationThreshold: 'scaleDownUtilizationThreshold',
  scaleDownUnneededTime: 'scaleDownUnneededSeconds',
  scaleDownDelayAfterAdd: 'scaleDownDelayAfterAddSeconds',
  scaleDownDelayAfterDelete: 'scaleDownDelayAfterDeleteSeconds',
  scaleDownDelayAfterFailure: 'scaleDownDelayAfterFailureSeconds',
  maxEmptyBulkDelete: 'maxEmptyBulkDelete',
  nodeDeleteDelayAfterTaint: 'nodeDeleteDelayAfterTaintSeconds',
  unremovableNodeRecheckTimeout: 'unremovableNodeRecheckSeconds',
  skipNodesWithLocalStorage: 'skipNodesWithLocalStorage',
  maxBulkSoftTaintCount: 'maxBulkSoftTaintCount',
} as const satisfies Partial<Record<keyof NodeAutoscalerInput, keyof ClusterAutoscalerConfig>>;

/** The same for Karpenter's settings. */
const KARPENTER_SETTINGS = {
  batchIdleDuration: 'batchIdleSeconds',
  batchMaxDuration: 'batchMaxSeconds',
  consolidateAfter: 'consolidateAfterSeconds',
  budgetNodesPercent: 'budgetPercent',
  expireAfter: 'expireAfterSeconds',
  terminationGracePeriod: 'terminationGracePeriodSeconds',
} as const satisfies Partial<Record<keyof NodeAutoscalerInput, keyof KarpenterConfig>>;

/** `defaults` with each setting the scenario gives (per `settings`) in place of its default. */
function overlay<C extends object>(defaults: C, a: NodeAutoscalerInput, settings: Partial<Record<keyof NodeAutoscalerInput, keyof C>>): C {
  const config = { ...defaults };
  for (const [from, to] of Object.entries(settings) as [keyof NodeAutoscalerInput, keyof C][]) {
    const v = a[from];
    if (v !== undefined && v !== null) config[to] = v as C[keyof C];
  }
  return config;
}

export interface NodesInput {
  nodePools?: readonly NodePoolInput[] | undefined;
  nodeAutoscaler?: NodeAutoscalerInput | undefined;
  costCpuShare?: number | undefined;
  scheduler?: { percentageOfNodesToScore?: number | undefined } | undefined;
}

/** undefined when the scenario has no node pools (then pods never wait for a node). */
export function buildNodes(file: string, c: NodesInput | undefined, podIsAlwaysSchedulable: boolean | undefined, warnings?: string[]): NodesSpec | undefined {
  if (c?.nodePools === undefined) {
    if (c?.nodeAutoscaler !== undefined) throw new ScenarioError(file, 'cluster.nodeAutoscaler', 'needs cluster.nodePools (the node groups it scales)');
    if (c?.costCpuShare !== undefined) throw new ScenarioError(file, 'cluster.costCpuShare', 'needs cluster.nodePools (cost is charged per node)');
    if (c?.scheduler !== undefined) throw new ScenarioError(file, 'cluster.scheduler', 'needs cluster.nodePools (the nodes it schedules pods on)');
    return undefined;
  }
  const autoscaler = buildAutoscaler(file, c.nodeAutoscaler);
  const names = new Map<string, number>();
  const pools = c.nodePools.map((p, i) => {
    const prev = names.get(p.name);
    if (prev !== undefined) throw new ScenarioError(file, formatPath(['cluster', 'nodePools', i, 'name']), `duplicate pool name ${JSON.stringify(p.name)} (also cluster.nodePools[${prev}])`);
    names.set(p.name, i);
    nodeAnnotationWarnings(file, p, i, autoscaler.kind, warnings);
    if (p.launchFailures !== undefined && autoscaler.kind !== 'karpenter') {
      throw new ScenarioError(
        file,
        formatPath(['cluster', 'nodePools', i, 'launchFailures']),
        `needs cluster.nodeAutoscaler.kind: karpenter (this scenario's is ${autoscaler.kind}): only Karpenter's handling of a failed launch is modelled`,
      );
    }
    if (p.limits !== undefined && p.limits !== null && autoscaler.kind !== 'karpenter') {
      throw new ScenarioError(
        file,
        formatPath(['cluster', 'nodePools', i, 'limits']),
        `needs cluster.nodeAutoscaler.kind: karpenter (this scenario's is ${autoscaler.kind}): a NodePool's limits; a node group's only limit is its size (maxNodes)`,
      );
    }
    return buildPool(file, p, i, autoscaler.kind !== 'none', warnings);
  });
  const initial = pools.reduce((n, p) => n + p.initialNodes, 0);
  if (initial > MAX_CLUSTER_NODES) {
    throw new ScenarioError(file, 'cluster.nodePools', `${initial} initial nodes in all pools: more than a Kubernetes cluster supports (${MAX_CLUSTER_NODES} nodes)`);
  }
  // Only the limits the scenario writes: a pool without maxNodes has no limit of its own (the
  // 1000 default stands for that), so six such pools are a valid cluster, not 6000 nodes of plans.
  const written = pools.filter((p) => p.nodesLimitWritten);
  const most = written.reduce((n, p) => n + p.maxNodes, 0);
  if (most > MAX_CLUSTER_NODES) {
    throw new ScenarioError(
      file,
      'cluster.nodePools',
      `the pools' maxNodes add up to ${most} (${written.map((p) => `${p.name} ${p.maxNodes}`).join(', ')}): more than a Kubernetes cluster supports (${MAX_CLUSTER_NODES} nodes); lower some maxNodes`,
    );
  }
  return {
    pools: pools.map(({ nodesLimitWritten: _, ...p }) => p),
    autoscaler,
    podIsAlwaysSchedulable: podIsAlwaysSchedulable ?? false,
    cpuCostShare: c.costCpuShare ?? DEFAULT_COST_CPU_SHARE,
    percentageOfNodesToScore: c.scheduler?.percentageOfNodesToScore ?? DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE,
  };
}

/** A pool, and whether the scenario wrote its node limit (maxNodes or limits.nodes). */
type BuiltPool = NodePoolSpec & { nodesLimitWritten: boolean };

function buildPool(file: string, p: NodePoolInput, i: number, autoscaled: boolean, warnings: string[] | undefined): BuiltPool {
  const at = (field: string): string => formatPath(['cluster', 'nodePools', i, field]);
  if (p.name.length > MAX_POOL_NAME_LENGTH) throw new ScenarioError(file, at('name'), `is ${p.name.length} characters long, at most ${MAX_POOL_NAME_LENGTH} (a label value)`);
  // A NodePool's name and its nodes' (<name>-001, …) are DNS subdomains; a comma or a quote also
  // broke nodes.csv's node and pool columns.
  if (dns1123SubdomainErrors(p.name).length > 0) {
    throw new ScenarioError(file, at('name'), `must be a DNS-1123 subdomain (a-z, 0-9, '-' and '.', a letter or digit at each end), got ${JSON.stringify(p.name)}: it names the NodePool and its nodes (${p.name}-001, …)`);
  }
  if (!(p.pricePerHour <= MAX_PRICE_PER_HOUR)) throw new ScenarioError(file, at('pricePerHour'), `must be at most ${MAX_PRICE_PER_HOUR} ($ per node-hour), got ${p.pricePerHour}`);
  const minNodes = p.minNodes ?? 0;
  const initialNodes = p.initialNodes ?? minNodes;
  const { nodes: nodesLimit, ...limits } = nodePoolLimits(file, p.limits, i, warnings) ?? {};
  // maxNodes is knsim's name for the NodePool's nodes limit: one limit, written once or twice alike.
  if (p.maxNodes !== undefined && nodesLimit !== undefined && p.maxNodes !== nodesLimit) {
    throw new ScenarioError(file, formatPath(['cluster', 'nodePools', i, 'limits', 'nodes']), `is ${nodesLimit} but maxNodes is ${p.maxNodes}: both are the NodePool's node limit; keep one`);
  }
  const written = p.maxNodes ?? nodesLimit;
  const writtenAt = p.maxNodes !== undefined ? at('maxNodes') : formatPath(['cluster', 'nodePools', i, 'limits', 'nodes']);
  // Without an autoscaler nothing adds nodes: the pool is its initial size.
  const maxNodes = written ?? (autoscaled ? Math.max(DEFAULT_MAX_NODES, initialNodes) : initialNodes);
  for (const [field, v] of [['minNodes', minNodes], ['initialNodes', initialNodes], ['maxNodes', maxNodes]] as const) {
    const where = field === 'maxNodes' ? (written !== undefined ? writtenAt : at('initialNodes')) : at(p[field] !== undefined ? field : 'initialNodes');
    if (v > MAX_CLUSTER_NODES) throw new ScenarioError(file, where, `must be at most ${MAX_CLUSTER_NODES} (the most nodes a Kubernetes cluster supports), got ${v}`);
  }
  // The rule names the node limit where the scenario wrote it.
  const maxName = p.maxNodes === undefined && nodesLimit !== undefined ? 'limits.nodes' : 'maxNodes';
  if (minNodes > maxNodes) throw new ScenarioError(file, at('minNodes'), `must be ≤ ${maxName} (${maxNodes}), got ${minNodes}`);
  if (initialNodes < minNodes || initialNodes > maxNodes) {
    throw new ScenarioError(file, at('initialNodes'), `must be within [minNodes, ${maxName}] = [${minNodes}, ${maxNodes}], got ${initialNodes}`);
  }
  const ds = { cpuMillis: p.daemonSets?.cpu ?? 0, memoryBytes: p.daemonSets?.memory ?? 0, pods: p.daemonSets?.pods ?? 0 };
  const maxPods = p.maxPods ?? DEFAULT_MAX_PODS;
  // The kubelet's maxPods is an int32 (KubeletConfiguration; Karpenter's kubelet.maxPods too).
  if (maxPods > 2 ** 31 - 1) throw new ScenarioError(file, at('maxPods'), `must be at most ${2 ** 31 - 1} (the kubelet's maxPods is an int32), got ${maxPods}`);
  if (ds.cpuMillis > p.cpu) throw new ScenarioError(file, formatPath(['cluster', 'nodePools', i, 'daemonSets', 'cpu']), `${ds.cpuMillis}m is more than the node's cpu (${p.cpu}m)`);
  if (ds.memoryBytes > p.memory) {
    throw new ScenarioError(file, formatPath(['cluster', 'nodePools', i, 'daemonSets', 'memory']), `${ds.memoryBytes} bytes is more than the node's memory (${p.memory} bytes)`);
  }
  if (ds.pods >= maxPods) throw new ScenarioError(file, formatPath(['cluster', 'nodePools', i, 'daemonSets', 'pods']), `must leave room for a pod: below maxPods (${maxPods}), got ${ds.pods}`);
  const startupLatency = p.startupLatency ?? { dist: 'constant', value: DEFAULT_NODE_STARTUP_SECONDS };
  const register = p.readyAfterRegistration ?? 0;
  if (startupLatency.dist === 'constant' && register > startupLatency.value) {
    throw new ScenarioError(file, at('readyAfterRegistration'), `must be at most the startupLatency (${startupLatency.value} s: the kubelet registers the node after its launch), got ${register} s`);
  }
  return {
    name: p.name,
    cpuMillis: p.cpu,
    memoryBytes: p.memory,
    maxPods,
    pricePerHour: p.pricePerHour,
    minNodes,
    maxNodes,
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    nodesLimitWritten: written !== undefined,
    initialNodes,
    startupLatency,
    ...(register > 0 ? { readyAfterRegistrationSeconds: register } : {}),
    daemonSet: ds,
    // Read as upstream reads them: exactly "true" (eligibility.go hasNoScaleDownAnnotation; statenode.go ValidateNodeDisruptable).
    ...(p.annotations?.[SCALE_DOWN_DISABLED_KEY] === 'true' ? { scaleDownDisabled: true } : {}),
    ...(p.annotations?.[DO_NOT_DISRUPT_KEY] === 'true' ? { doNotDisrupt: true } : {}),
    ...(p.launchFailures === undefined
      ? {}
      : { launchFailures: p.launchFailures.map((f) => ({ kind: f.kind, from: f.at ?? 0, until: (f.at ?? 0) + (f.duration ?? Number.POSITIVE_INFINITY) })) }),
  };
}

/** The node annotations knsim reads, each with the node autoscaler that reads it. */
const NODE_ANNOTATIONS: ReadonlyArray<{ key: string; kind: 'cluster-autoscaler' | 'karpenter'; reader: string }> = [
  { key: SCALE_DOWN_DISABLED_KEY, kind: 'cluster-autoscaler', reader: 'the Cluster Autoscaler' },
  { key: DO_NOT_DISRUPT_KEY, kind: 'karpenter', reader: 'Karpenter' },
];

/**
 * A warning for a node annotation that has no effect: a value other than "true" (upstream compares
 * with "true" exactly), or a key the scenario's node autoscaler does not read.
 */
function nodeAnnotationWarnings(file: string, p: NodePoolInput, i: number, kind: NodeAutoscalerSpec['kind'], warnings: string[] | undefined): void {
  for (const { key, kind: readBy, reader } of NODE_ANNOTATIONS) {
    const v = p.annotations?.[key];
    if (v === undefined) continue;
    const at = `${file}: ${formatPath(['cluster', 'nodePools', i, 'annotations', key])}`;
    if (kind !== readBy) warnings?.push(`${at}: read by ${reader} only (cluster.nodeAutoscaler.kind: ${readBy}), this scenario's is ${kind}: it has no effect`);
    else if (v !== 'true') warnings?.push(`${at}: ${reader} reads only "true" here, got ${JSON.stringify(v)}: it has no effect`);
  }
}

function buildAutoscaler(file: string, a: NodeAutoscalerInput | undefined): NodeAutoscalerSpec {
  if (a === undefined || a.kind === 'none') {
    const stray = a === undefined ? undefined : [...CA_FLAGS, ...KARPENTER_FLAGS].find((f) => a[f] !== undefined);
    if (stray !== undefined) throw new ScenarioError(file, `cluster.nodeAutoscaler.${stray}`, 'has no effect with kind none');
    return { kind: 'none' };
  }
  const wrong = a.kind === 'karpenter' ? CA_FLAGS.find((f) => a[f] !== undefined) : KARPENTER_FLAGS.find((f) => a[f] !== undefined);
  if (wrong !== undefined) {
    const other = a.kind === 'karpenter' ? 'cluster-autoscaler' : 'karpenter';
    throw new ScenarioError(file, `cluster.nodeAutoscaler.${wrong}`, `is a ${other} setting, not a ${a.kind} one`);
  }
  if (a.kind === 'cluster-autoscaler') {
    const config = overlay(DEFAULT_CLUSTER_AUTOSCALER_CONFIG, a, CA_SETTINGS);
    if (a.firstScan !== undefined && a.firstScan >= config.scanIntervalSeconds) {
      throw new ScenarioError(file, 'cluster.nodeAutoscaler.firstScan', `must be below scanInterval (${config.scanIntervalSeconds}s), got ${a.firstScan}s`);
    }
    return { kind: 'cluster-autoscaler', config, firstScanSeconds: a.firstScan };
  }
  const budgets = nodePoolBudgets(file, a.budgets, a.budgetNodesPercent !== undefined);
  if (a.runStartsAt !== undefined && !budgets?.some((b) => b.schedule !== undefined)) {
    throw new ScenarioError(file, 'cluster.nodeAutoscaler.runStartsAt', 'only the budgets\' schedules read it: give a budget a schedule, or leave it out');
  }
  const config = { ...overlay(DEFAULT_KARPENTER_CONFIG, a, KARPENTER_SETTINGS), ...(budgets !== undefined ? { budgets } : {}), clockStartUnixSeconds: runStartsAt(file, a.runStartsAt) };
  if (config.batchIdleSeconds > config.batchMaxSeconds) {
    throw new ScenarioError(file, 'cluster.nodeAutoscaler.batchIdleDuration', `must be ≤ batchMaxDuration (${config.batchMaxSeconds}s), got ${config.batchIdleSeconds}s`);
  }
  if (a.terminationGracePeriod === Number.POSITIVE_INFINITY) {
    throw new ScenarioError(file, 'cluster.nodeAutoscaler.terminationGracePeriod', "must be a duration: the NodePool's terminationGracePeriod has no Never (leave it out for none)");
  }
  if (a.firstPoll !== undefined && a.firstPoll >= config.disruptionPollSeconds) {
    throw new ScenarioError(file, 'cluster.nodeAutoscaler.firstPoll', `must be below the disruption poll period (${config.disruptionPollSeconds}s), got ${a.firstPoll}s`);
  }
  return { kind: 'karpenter', config, consolidation: a.consolidationPolicy ?? 'WhenEmptyOrUnderutilized', firstPollSeconds: a.firstPoll };
}
