/**
 * A pod's requests as kube-scheduler computes them: the sum over its containers
 * (noderesources/fit.go computePodResourceRequest), and, for scoring only, the same sum with
 * 100m CPU / 200 MiB standing in for a request a container leaves unset (an explicit 0 stays 0)
 * (pkg/scheduler/util/pod_resources.go GetNonzeroRequests).
 */
import { InvalidArgumentError } from '../errors.js';
import type { ContainerRequests, PodResources, Resources } from './types.js';

/** The CPU a container without a CPU request counts as when nodes are scored. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** The memory a container without a memory request counts as when nodes are scored. */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

function amount(field: string, v: number | undefined): number {
  if (v === undefined) return 0;
  if (!Number.isFinite(v) || v < 0) throw new InvalidArgumentError(field, `must be a finite number ≥ 0, got ${v}`);
  return v;
}

/** Requests of a pod made of `containers`, plus a pod-level `overhead` (RuntimeClass). */
export function podResources(containers: readonly ContainerRequests[], overhead?: Resources): PodResources {
  let cpu = 0;
  let mem = 0;
  let nzCpu = 0;
  let nzMem = 0;
  containers.forEach((c, i) => {
    const ccpu = amount(`containers[${i}].cpuMillis`, c.cpuMillis);
    const cmem = amount(`containers[${i}].memoryBytes`, c.memoryBytes);
    cpu += ccpu;
    mem += cmem;
    // Only an unset request takes the default; one explicitly set to 0 stays 0 (GetRequestForResource).
    nzCpu += c.cpuMillis === undefined ? DEFAULT_MILLI_CPU_REQUEST : ccpu;
    nzMem += c.memoryBytes === undefined ? DEFAULT_MEMORY_REQUEST : cmem;
  });
  const oc = amount('overhead.cpuMillis', overhead?.cpuMillis);
  const om = amount('overhead.memoryBytes', overhead?.memoryBytes);
  return {
    requests: { cpuMillis: cpu + oc, memoryBytes: mem + om },
    nonZeroRequests: { cpuMillis: nzCpu + oc, memoryBytes: nzMem + om },
  };
}
