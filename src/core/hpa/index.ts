/**
 * The Kubernetes HorizontalPodAutoscaler as a pure, clock-injected decision library, and
 * Knative's HPA class on top of it. Time is a parameter in seconds; no I/O, no clock.
 */
export * from './spec.js';
export * from './replica-calculator.js';
export * from './normalize.js';
export * from './controller.js';
export * from './knative.js';
export * from './pod-sample.js';
export * from './metrics-server.js';
export { HPA_SKS_NUM_ACTIVATORS, makeHpaClass } from './class.js';
