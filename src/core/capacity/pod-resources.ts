/**
 * A pod's requests as kube-scheduler computes them: the sum over its containers, or an init
 * container's request where larger (noderesources/fit.go computePodResourceRequest), and, for
 * scoring only, the same with 100m CPU / 200 MiB standing in for a request a container leaves
 * unset (an explicit 0 stays 0) (pkg/scheduler/util/pod_resources.go GetNonzeroRequests).
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

/**
 * Requests of a pod made of `containers`, plus a pod-level `overhead` (RuntimeClass). Init
 * containers run one at a time before the others, so per resource the pod requests the larger of
 * the containers' sum and the largest init container's request (component-helpers resource
 * PodRequests, for init containers that are not restartable sidecars).
 */
export function podResources(containers: readonly ContainerRequests[], overhead?: Resources, initContainers: readonly ContainerRequests[] = []): PodResources {
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
  // What the containers request (cost attribution), before an init container may raise the pod's figure.
  const containerRequests = { cpuMillis: cpu, memoryBytes: mem };
  initContainers.forEach((c, i) => {
    const ccpu = amount(`initContainers[${i}].cpuMillis`, c.cpuMillis);
    const cmem = amount(`initContainers[${i}].memoryBytes`, c.memoryBytes);
    cpu = Math.max(cpu, ccpu);
    mem = Math.max(mem, cmem);
    nzCpu = Math.max(nzCpu, c.cpuMillis === undefined ? DEFAULT_MILLI_CPU_REQUEST : ccpu);
    nzMem = Math.max(nzMem, c.memoryBytes === undefined ? DEFAULT_MEMORY_REQUEST : cmem);
  });
  const oc = amount('overhead.cpuMillis', overhead?.cpuMillis);
  const om = amount('overhead.memoryBytes', overhead?.memoryBytes);
  return {
    requests: { cpuMillis: cpu + oc, memoryBytes: mem + om },
    nonZeroRequests: { cpuMillis: nzCpu + oc, memoryBytes: nzMem + om },
    containerRequests,
  };
}
