/**
 * Pod addresses as a cluster hands them out: kube-controller-manager's range allocator gives
 * each node a podCIDR from the cluster CIDR (`pkg/controller/nodeipam/ipam/range_allocator.go`,
 * `cidrset/cidr_set.go` AllocateNext: the next free block after the last one given, wrapping
 * round; released when the node is deleted), and the CNI's host-local IPAM gives each pod the
 * next free address of its node's range after the last one it handed out (containernetworking/
 * plugins `plugins/ipam/host-local/backend/allocator`: range `.1` to the last address before
 * the broadcast one, `.1` being the gateway it skips; released when the sandbox goes).
 * Addresses are IPv4 as unsigned 32-bit numbers.
 */
import { InvalidArgumentError, requireInteger } from '../errors.js';

/** An IPv4 block: its network address and prefix length. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

/** flannel's (and kubeadm's documented) cluster CIDR, 10.244.0.0/16: where pod addresses start. */
export const DEFAULT_CLUSTER_CIDR: Cidr = { base: 0x0af40000, prefix: 16 };
/** kube-controller-manager's --node-cidr-mask-size for IPv4: a /24 per node. */
export const DEFAULT_NODE_CIDR_PREFIX = 24;
/** The 10.0.0.0/8 private block: the widest a cluster CIDR here grows to. */
export const PRIVATE_10_CIDR: Cidr = { base: 0x0a000000, prefix: 8 };

/** Dotted form of an address. */
export function formatIPv4(ip: number): string {
  requireInteger('ip', ip, 0);
  if (ip > 0xffffffff) throw new InvalidArgumentError('ip', `must be at most 2^32 − 1, got ${ip}`);
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

/** `10.244.0.0/16` form of a block. */
export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.prefix}`;
}

/** Addresses in a block of this prefix. */
function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/**
 * The node mask an operator sets so a node's range holds its maxPods: the /24 default unless
 * more than 253 pods may run on a node (host-local keeps the network, gateway and broadcast
 * addresses out of the range).
 */
export function nodeCidrPrefixFor(maxPodsPerNode: number): number {
  requireInteger('maxPodsPerNode', maxPodsPerNode, 1);
  let prefix = DEFAULT_NODE_CIDR_PREFIX;
  while (prefix > 8 && blockSize(prefix) - 3 < maxPodsPerNode) prefix--;
  return prefix;
}

/**
 * The cluster CIDR an operator sizes to hold `maxNodes` node ranges of `nodePrefix`:
 * 10.244.0.0/16 when that is enough (256 /24s), otherwise the smallest wider block holding
 * 10.244.0.0 that is, up to all of 10.0.0.0/8.
 */
export function clusterCidrFor(maxNodes: number, nodePrefix: number): Cidr {
  requireInteger('maxNodes', maxNodes, 0);
  requireInteger('nodePrefix', nodePrefix, 8);
  if (nodePrefix > 30) throw new InvalidArgumentError('nodePrefix', `must be at most 30 (host-local needs two addresses), got ${nodePrefix}`);
  let prefix = Math.min(DEFAULT_CLUSTER_CIDR.prefix, nodePrefix);
  while (prefix > PRIVATE_10_CIDR.prefix && 2 ** (nodePrefix - prefix) < maxNodes) prefix--;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (DEFAULT_CLUSTER_CIDR.base & mask) >>> 0, prefix };
}

/** The i-th node block of `nodePrefix` in the cluster CIDR (cidrset's indexToCIDRBlock). */
export function nodePodCidr(cluster: Cidr, nodePrefix: number, index: number): Cidr {
  requireInteger('index', index, 0);
  if (index >= 2 ** (nodePrefix - cluster.prefix)) throw new InvalidArgumentError('index', `must be below ${2 ** (nodePrefix - cluster.prefix)} node ranges of /${nodePrefix} in ${formatCidr(cluster)}, got ${index}`);
  return { base: cluster.base + index * blockSize(nodePrefix), prefix: nodePrefix };
}

/**
 * The block AllocateNext gives: the first free one from `nextCandidate` on, wrapping round,
 * or −1 when all `count` are taken. The allocator's next candidate is then the one after it.
 */
export function nextFreeBlock(isUsed: (index: number) => boolean, nextCandidate: number, count: number): number {
  // A negative or NaN candidate would come back as a block index of −1 (read as "all taken") or NaN.
  requireInteger('nextCandidate', nextCandidate, 0);
  requireInteger('count', count, 0);
  for (let i = 0; i < count; i++) {
    const c = (nextCandidate + i) % count;
    if (!isUsed(c)) return c;
  }
  return -1;
}

/** host-local's range for a subnet when none is configured: gateway `.1`, then up to the address before broadcast. */
export interface HostLocalRange {
  readonly start: number;
  readonly end: number;
  readonly gateway: number;
}

export function hostLocalRange(subnet: Cidr): HostLocalRange {
  requireInteger('subnet.base', subnet.base, 0);
  requireInteger('subnet.prefix', subnet.prefix, 0);
  if (subnet.prefix > 30) throw new InvalidArgumentError('subnet', `${formatCidr(subnet)} is too small to allocate from`);
  const first = subnet.base + 1;
  return { start: first, end: subnet.base + blockSize(subnet.prefix) - 2, gateway: first };
}

/**
 * The address host-local hands out next: the first not in use after `lastReserved` (from
 * `start` when there is none, or it is outside the range), wrapping round from `end` to
 * `start`, never the gateway; −1 when every address is in use. A pod that crash-loops does not
 * get its old address back until the range has come round.
 */
export function hostLocalNext(range: HostLocalRange, lastReserved: number | undefined, inUse: (ip: number) => boolean): number {
  const { start, end, gateway } = range;
  const size = end - start + 1;
  const from = lastReserved !== undefined && lastReserved >= start && lastReserved <= end ? (lastReserved === end ? start : lastReserved + 1) : start;
  for (let k = 0; k < size; k++) {
    let ip = from + k;
    if (ip > end) ip -= size;
    if (ip !== gateway && !inUse(ip)) return ip;
  }
  return -1;
}
