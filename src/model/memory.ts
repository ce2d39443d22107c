import type { MemoryModelSpec } from './spec.js';

/**
 * A pod's memory: the user container's working set is a baseline plus a fixed amount per
 * request inside it (executing, in its CPU or wait phase). Memory is never throttled: a
 * working set above the container's memory limit gets the container OOM-killed.
 */
export function workingSetBytes(spec: MemoryModelSpec, requestsInContainer: number): number {
  return spec.baselineBytes + spec.perRequestBytes * requestsInContainer;
}

/** Whether `requestsInContainer` requests push the working set over `limitBytes` (undefined: no limit). */
export function overMemoryLimit(spec: MemoryModelSpec, limitBytes: number | undefined, requestsInContainer: number): boolean {
  return limitBytes !== undefined && workingSetBytes(spec, requestsInContainer) > limitBytes;
}
