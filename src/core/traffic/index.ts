/**
 * knsim/traffic — Knative Route traffic: validation of a Service's or Route's `traffic`
 * block, flattening against revisions, the per-request weighted pick, and gradual rollout
 * (`serving.knative.dev/rollout-duration`), and the labeler's routing state. Pure and clock-injected, like knsim/autoscaler.
 */
export { InvalidArgumentError } from '../errors.js';
export * from '../field-error.js';
export * from './types.js';
export * from './validate.js';
export * from './k8s-names.js';
export * from './resolve.js';
export * from './latest-ready.js';
export * from './revision-ready.js';
export * from './pick.js';
export * from './rollout-duration.js';
export * from './rollout.js';
export * from './splits.js';
export * from './labeler.js';
export * from './activator-probe.js';
export * from './kubelet-probe.js';
export * from './first-ready.js';
export * from './restart-ready.js';
export * from './startup-probe.js';
export * from './liveness-probe.js';
export * from './mesh-mode.js';
export * from './mesh-lb.js';
export * from './ingress-class.js';
export * from './request-timeouts.js';
export * from './probe-round.js';
export * from './round-end.js';
