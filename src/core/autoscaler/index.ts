/**
 * knsim/autoscaler — Knative Serving's KPA decision logic as a pure, clock-injected library.
 *
 * The same code drives knsim's simulator and its Kubernetes controller adapter. Time is
 * always a parameter in seconds (any origin); nothing here reads a clock, draws random
 * numbers or does I/O. Names follow knative/serving's pkg/autoscaler and are a published
 * contract: they are added to, never renamed.
 */
export { InvalidArgumentError } from '../errors.js';
export * from '../field-error.js';
export * from './types.js';
// ConfigMap, annotations and per-revision resolution.
export * from './config.js';
export * from '../duration.js';
// Go's strconv parsing rules, as Knative's ConfigMap and annotation parsers apply them.
export * from '../strconv.js';
export * from './annotations.js';
export * from './target.js';
export * from './revision.js';
export * from './deployment-config.js';
// Metric collection.
export * from './window-average.js';
export * from './sample-size.js';
export * from './collection.js';
export * from './scrape-sample.js';
export * from './service-scrape.js';
// The decider.
export * from './decider-spec.js';
export * from './delay-window.js';
export * from './decider.js';
export * from './initial-ebc.js';
// The KPA reconciler's scaler step, SKS and activators.
export * from './bounds.js';
export * from './pa-status.js';
// The revision reconciler's view of the PA: reachability from routing state and failures.
export * from './reachability.js';
export * from './container-healthy.js';
// The Deployment controller's Progressing condition (the progress deadline).
export * from './deployment-progress.js';
export * from './pod-deletion-order.js';
export * from './scaler.js';
export * from './kpa.js';
export * from './sks.js';
export * from './activators.js';
// One revision's whole decision pipeline (collection → decider → status → KPA scaler).
export * from './pipeline.js';
// Autoscaler classes (the KPA first) and the per-revision decision loop that drives one.
export * from './classes.js';
export * from './loop.js';
// User-written classes (the knsim.dev/v1 interface) as classes on the seam.
export * from './user-class.js';
// The Kubernetes HPA controller and Knative's HPA class (`hpaClass` above, in the default registry).
export * from '../hpa/index.js';
// Kubernetes resource quantities (also published as knsim/resources).
export * from '../resources/index.js';
