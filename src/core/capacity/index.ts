/**
 * knsim/capacity — what Kubernetes decides about nodes, as pure clock-injected functions:
 * kube-scheduler's resource fit, scoring (resources and topology spread) and back-off, the
 * Cluster Autoscaler's scale-up and scale-down rules, Karpenter's batching and budgets, and node
 * and pod cost. The simulator's cluster model asks these for every placement and node decision.
 */
export { InvalidArgumentError } from '../errors.js';
export * from './types.js';
export * from './pod-resources.js';
export * from './fit.js';
export * from './score.js';
export * from './scoring-buffers.js';
export * from './topology-spread.js';
export * from './inter-pod-affinity.js';
export * from './backoff.js';
export * from './queueing-hints.js';
export * from './cluster-autoscaler.js';
export * from './karpenter.js';
export * from './karpenter-launch.js';
export * from './cost.js';
export * from './cfs-period.js';
export * from './go-maxprocs.js';
export * from './cpu-shares.js';
export * from './pod-ips.js';
export * from './eviction.js';
export * from './rolling-update.js';
export * from './label-selector.js';
export * from './disruption-budget.js';
export * from './disruption-controls.js';
export * from './nodepool-budgets.js';
export * from './nodepool-limits.js';
