import {
  clusterCidrFor,
  formatCidr,
  hostLocalNext,
  hostLocalRange,
  nextFreeBlock,
  nodeCidrPrefixFor,
  nodePodCidr,
  PRIVATE_10_CIDR,
  type Cidr,
  type HostLocalRange,
} from '../core/capacity/index.js';
import type { ClusterNode } from './cluster-node.js';
import type { Pod } from './pod.js';
import type { NodesSpec } from './spec.js';

/** One host-local range: the addresses its pods hold and the last one it handed out. */
export class HostLocalIpam {
  private readonly range: HostLocalRange;
  private readonly inUse = new Set<number>();
  private lastReserved: number | undefined = undefined;
  private readonly isInUse = (ip: number): boolean => this.inUse.has(ip);

  constructor(readonly subnet: Cidr) {
    this.range = hostLocalRange(subnet);
  }

  /** The next address for a new pod sandbox. */
  allocate(): number {
    const ip = hostLocalNext(this.range, this.lastReserved, this.isInUse);
    // A node's maxPods fits its range (nodeCidrPrefixFor) and the unbounded cluster's is 10.0.0.0/8.
    if (ip < 0) throw new Error(`no pod address left in ${formatCidr(this.subnet)}`);
    this.inUse.add(ip);
    this.lastReserved = ip;
    return ip;
  }

  release(ip: number): void {
    this.inUse.delete(ip);
  }
}

/**
 * Pod addresses (pod-ips.ts). With node pools each node gets a podCIDR when it registers
 * (becomes Ready) and gives it back when deleted, and its pods take addresses from it; without,
 * the unbounded cluster is one range, 10.0.0.0/8, so that no run can use up its addresses.
 * A pod takes its address when its sandbox starts (once bound) and frees it when it is gone.
 * DaemonSet pods take none (the node agents they stand for run on the host network).
 */
export class PodNetwork {
  private readonly single: HostLocalIpam | undefined;
  private readonly clusterCidr: Cidr;
  private readonly nodePrefix: number;
  private readonly blocks: number;
  private readonly used = new Set<number>();
  private nextCandidate = 0;
  private readonly nodeBlock = new Map<ClusterNode, number>();
  private readonly nodeRange = new Map<ClusterNode, HostLocalIpam>();

  constructor(nodes: NodesSpec | undefined) {
    if (nodes === undefined) {
      this.single = new HostLocalIpam(PRIVATE_10_CIDR);
      this.clusterCidr = PRIVATE_10_CIDR;
      this.nodePrefix = PRIVATE_10_CIDR.prefix;
      this.blocks = 1;
      return;
    }
    this.single = undefined;
    this.nodePrefix = nodeCidrPrefixFor(Math.max(...nodes.pools.map((p) => p.maxPods)));
    this.clusterCidr = clusterCidrFor(
      nodes.pools.reduce((n, p) => n + p.maxNodes, 0),
      this.nodePrefix,
    );
    this.blocks = 2 ** (this.nodePrefix - this.clusterCidr.prefix);
  }

  /** The cluster CIDR and the node mask (for inspection). */
  get layout(): { clusterCidr: Cidr; nodePrefix: number } {
    return { clusterCidr: this.clusterCidr, nodePrefix: this.nodePrefix };
  }

  /** A node registered: the range allocator gives it the next free podCIDR. */
  nodeRegistered(node: ClusterNode): void {
    if (this.nodeBlock.has(node)) return;
    const i = nextFreeBlock((b) => this.used.has(b), this.nextCandidate, this.blocks);
    if (i < 0) throw new Error(`no podCIDR left in ${formatCidr(this.clusterCidr)} for node ${node.name}`);
    this.nextCandidate = (i + 1) % this.blocks;
    this.used.add(i);
    this.nodeBlock.set(node, i);
    this.nodeRange.set(node, new HostLocalIpam(nodePodCidr(this.clusterCidr, this.nodePrefix, i)));
  }

  /** A node was deleted: its podCIDR goes back to the allocator. */
  nodeDeleted(node: ClusterNode): void {
    const i = this.nodeBlock.get(node);
    if (i === undefined) return;
    this.used.delete(i);
    this.nodeBlock.delete(node);
    this.nodeRange.delete(node);
  }

  /** The node's podCIDR (undefined before it registers). */
  podCidr(node: ClusterNode): Cidr | undefined {
    return this.nodeRange.get(node)?.subnet;
  }

  private rangeOf(pod: Pod): HostLocalIpam {
    if (this.single !== undefined) return this.single;
    const r = pod.node === undefined ? undefined : this.nodeRange.get(pod.node);
    if (r === undefined) throw new Error(`pod ${pod.name} has no registered node to take an address from`);
    return r;
  }

  /** The pod's sandbox starts: it gets an address. */
  attach(pod: Pod): void {
    if (pod.ip >= 0) return;
    pod.ip = this.rangeOf(pod).allocate();
  }

  /** The pod is gone: its address is free again (the pod keeps it, as its last status did). */
  detach(pod: Pod): void {
    if (pod.ip < 0) return;
    // A node deleted before its pods were gone took its range with it.
    if (this.single !== undefined) this.single.release(pod.ip);
    else if (pod.node !== undefined) this.nodeRange.get(pod.node)?.release(pod.ip);
  }
}
