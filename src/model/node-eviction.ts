import {
  EVICTION_MONITORING_PERIOD_SECONDS,
  EVICTION_POD_CLEANUP_POLL_SECONDS,
  memoryEvictionOrder,
  memoryPressureHeld,
  memoryThresholdCrossed,
  type PodMemoryUse,
} from '../core/capacity/index.js';
import { RandomStream } from '../engine/random.js';
import type { Cluster } from './cluster.js';
import type { ClusterNode } from './cluster-node.js';
import type { Pod } from './pod.js';

/**
 * The pod's working set as the kubelet's stats report it: undefined before its containers are
 * created (the CRI stats provider lists a pod only through its containers, so a pod still pulling its
 * image has no entry in the summary); then the user container's from the memory model while it runs
 * (nothing while it is down), the other containers at their memory requests (their use is not
 * modelled); a pod of a revision without a memory model uses exactly its containers' requests.
 * `containersBytes` is Σ the containers' requests: an init container has exited by then, so its
 * request, though the pod's where larger, is no one's use.
 */
export function podWorkingSetBytes(pod: Pod, containersBytes: number): number | undefined {
  if (pod.stats === undefined) return undefined;
  const res = pod.revision.resources;
  if (res?.memory === undefined) return containersBytes;
  const user = pod.fault.containerUp && pod.res !== undefined ? pod.res.memoryBytes() : 0;
  return res.otherContainersMemoryBytes + user;
}

/** One node's eviction manager loop: its passes run at `anchor + k × period` until an eviction moves the anchor. */
interface EvictionLoop {
  readonly self: KubeletEviction;
  readonly node: ClusterNode;
  anchor: number;
  k: number;
}

/**
 * Each node's kubelet eviction manager (core eviction.ts): every 10 s from the kubelet's start it
 * adds up the working sets on the node; past allocatable, the node reports MemoryPressure (and is
 * tainted NoSchedule) and the top-ranked pod is evicted at once. A pass that evicted is followed by
 * the next one as soon as the pod is seen cleaned up, at the first 1 s poll (the evicted pod is gone
 * at once here), and the 10 s rhythm restarts from there. Run only when some revision models
 * memory: otherwise every pod uses its request, which the scheduler keeps within allocatable.
 */
export class KubeletEviction {
  constructor(private readonly cluster: Cluster) {}

  /** The node's kubelet runs from `now`; a node there before the run started its loop at an unknown phase, drawn. */
  start(node: ClusterNode, now: number, initial: boolean): void {
    const sim = this.cluster.sim;
    const phase = initial ? new RandomStream(sim.random.seed, `kubelet-eviction/${node.name}`).uniform(0, EVICTION_MONITORING_PERIOD_SECONDS) : EVICTION_MONITORING_PERIOD_SECONDS;
    const loop: EvictionLoop = { self: this, node, anchor: now + phase, k: 0 };
    sim.at(loop.anchor, KubeletEviction.pass, loop);
  }

  private static pass(this: void, loop: EvictionLoop): void {
    const evicted = loop.self.synchronize(loop.node);
    if (evicted === undefined) return;
    const sim = loop.self.cluster.sim;
    if (evicted) {
      // The manager waits for the evicted pod's cleanup (polled every second), then runs again at once.
      loop.anchor = sim.now + EVICTION_POD_CLEANUP_POLL_SECONDS;
      loop.k = 0;
    } else {
      loop.k++;
    }
    // Times as anchor + k × period, so a long run does not drift.
    sim.at(loop.anchor + loop.k * EVICTION_MONITORING_PERIOD_SECONDS, KubeletEviction.pass, loop);
  }

  /** One pass of the eviction manager: whether it evicted a pod; undefined stops the loop (the node is deleted). */
  private synchronize(node: ClusterNode): boolean | undefined {
    if (node.state === 'Deleted') return undefined;
    const c = this.cluster;
    const now = c.sim.now;
    const pods = [...node.workload];
    const uses: PodMemoryUse[] = pods.map((p) => {
      const r = c.requestsOf(p);
      // Ranked against the pod's request as the scheduler has it (an init container's where larger).
      return { usageBytes: podWorkingSetBytes(p, r.containerRequests.memoryBytes), requestBytes: r.requests.memoryBytes, priority: 0 };
    });
    // DaemonSet pods use what they request; a pod whose containers are not created yet, next to nothing.
    let total = node.pool.daemonSet.memoryBytes;
    for (const u of uses) total += u.usageBytes ?? 0;
    if (memoryThresholdCrossed(node.allocatable.memoryBytes, total)) {
      node.memoryCrossedAt = now;
      if (!node.memoryPressure) {
        node.memoryPressure = true;
        c.world.recorder.node?.(node, 'NodeHasInsufficientMemory', now);
      }
      const victim = pods[memoryEvictionOrder(uses)[0]!];
      if (victim !== undefined) {
        victim.revision.kubeletEvicted(victim, now);
        return true;
      }
    } else if (node.memoryPressure && !memoryPressureHeld(node.memoryCrossedAt, now)) {
      node.memoryPressure = false;
      c.world.recorder.node?.(node, 'NodeHasSufficientMemory', now);
      // The taint is gone: pods waiting for room try again.
      c.scheduler.moveAllToActive(now, 'NodeTaintRemoved', node);
    }
    return false;
  }
}
