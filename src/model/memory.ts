import type { MemoryModelSpec } from './spec.js';

/**
 * A pod's memory: the user container's working set is a baseline plus a fixed amount per
 * request inside it (executing, in its CPU or wait phase). Memory is never throttled: a
 * working set above the container's memory limit gets the container OOM-killed.
 */
export function workingSetBytes(spec: MemoryModelSpec, requestsInContainer: number): number {
  return spec.baselineBytes + spec.perRequestBytes * requestsInContainer;
}

/**
 * The memory limit the kubelet enforces for a container's `limits.memory` (bytes): only a
 * non-zero limit becomes the cgroup's limit (kuberuntime calculateLinuxResources), so a
 * limit of 0, like none, is undefined: nothing is ever OOM-killed.
 */
export function enforcedMemoryLimit(limitBytes: number | undefined): number | undefined {
  return limitBytes === 0 ? undefined : limitBytes;
}

/** Whether `requestsInContainer` requests push the working set over the container's limit (`limits.memory`; undefined: none). */
export function overMemoryLimit(spec: MemoryModelSpec, limitBytes: number | undefined, requestsInContainer: number): boolean {
  const limit = enforcedMemoryLimit(limitBytes);
  return limit !== undefined && workingSetBytes(spec, requestsInContainer) > limit;
}
