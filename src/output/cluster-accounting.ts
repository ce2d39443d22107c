/**
 * Nodes and cost from a run's records (only with node pools): node count and node-hours,
 * how long pods waited for a node, node cost (price × lifetime from the instance's launch, which
 * is the provision request unless a failed create call was retried, to deletion) and OpenCost's attribution: each bound pod's containers are charged
 * max(request, usage) per resource at its node's CPU and memory rates, DaemonSet pods
 * included (OpenCost allocates them as any workload, by controller kind DaemonSet); what no
 * pod is charged is idle.
 */
import { nodeCost, podCost, splitNodePrice, type ResourceRates } from '../core/capacity/index.js';
import type { NodeRecord, PodMetricsRecord, PodRecord } from './records.js';

export interface NodesSummary {
  /** Most nodes billed at once (launched and not yet deleted), counted after each instant's events. */
  max: number;
  nodeHours: number;
  /** Pods that were Unschedulable at least once: they waited for room on a node, from a new node or from pods leaving. */
  podsWaitedForNode: number;
  /** The longest wait from a pod's creation to its binding (or to its end, never bound) among those pods. */
  maxPendingSeconds: number;
}

export interface CostSummary {
  /** Σ node price × lifetime, dollars. */
  total: number;
  /** Per revision: max(request, usage) of its pods at their nodes' rates. */
  perRevision: Record<string, number>;
  /**
   * The DaemonSet pods on the nodes, charged their requests (they use what they request) from the
   * node's Ready to its deletion: the DaemonSet controller runs them on every registered node.
   */
  daemonSets: number;
  /** total − Σ perRevision − daemonSets (unrequested capacity, nodes starting or draining). */
  idle: number;
  /** total scaled to one simulated day. */
  perDay: number;
  /** Each node's cost less what the pods bound to it are charged, in the order the nodes were requested (they add up to idle). */
  idlePerNode: Record<string, number>;
}

interface NodeInfo {
  /** When its instance was launched, and is billed from (NaN: not launched, since its create call failed). */
  start: number;
  end: number;
  price: number;
  rates: ResourceRates;
  /** What pods bound to it are charged (its DaemonSet pods' share once they are closed). */
  charged: number;
  /** Its DaemonSet pods' requests, and since when they run (NaN: not Ready yet, or charged already). */
  daemonSets: { cpuMillis: number; memoryBytes: number };
  readyAt: number;
}

interface PodInfo {
  revision: string;
  createdAt: number;
  waited: boolean;
  node: NodeInfo | undefined;
  boundAt: number;
  cpuMillis: number;
  memoryBytes: number;
  /** The serving container's requests; undefined without a resource model (no usage then). */
  user: { cpuMillis: number; memoryBytes: number } | undefined;
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

export class ClusterAccounting {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodInfo>();
  private live = 0;
  private maxLive = 0;
  /** The instant of the last node record: `live` is compared with `maxLive` once each instant is over. */
  private instant = Number.NaN;
  private readonly revisionCost = new Map<string, number>();
  private daemonSetCost = 0;
  private maxPending = 0;
  private waited = 0;

  constructor(private readonly cpuShare: number) {}

  node(r: NodeRecord): void {
    // A node requested and found unlaunched (or deleted) at the same instant was never billed at once with the others.
    if (r.time !== this.instant) this.instantOver(r.time);
    if (r.event === 'Requested') {
      const rates = splitNodePrice(r.pricePerHour, r.cpuMillis, r.memoryBytes, this.cpuShare);
      this.nodes.set(r.node, { start: r.time, end: Number.NaN, price: r.pricePerHour, rates, charged: 0, daemonSets: r.daemonSets, readyAt: Number.NaN });
      this.live++;
      return;
    }
    const n = this.nodes.get(r.node);
    if (n === undefined) return;
    if (r.event === 'LaunchFailed' && !Number.isNaN(n.start)) {
      // No instance yet: billed from its launch, if any.
      n.start = Number.NaN;
      this.live--;
    } else if (r.event === 'Launched' && Number.isNaN(n.start)) {
      n.start = r.time;
      this.live++;
    } else if (r.event === 'Ready') n.readyAt = r.time;
    else if (r.event === 'Deleted') {
      n.end = r.time;
      this.closeDaemonSets(n, r.time);
      if (!Number.isNaN(n.start)) this.live--;
    }
  }

  private instantOver(next: number): void {
    if (this.live > this.maxLive) this.maxLive = this.live;
    this.instant = next;
  }

  /** A node's DaemonSet pods, Ready until `end`, charged their requests (a node that never got Ready ran none). */
  private closeDaemonSets(n: NodeInfo, end: number): void {
    if (Number.isNaN(n.readyAt)) return;
    const req = { requestMillis: n.daemonSets.cpuMillis, usageMillis: 0, requestBytes: n.daemonSets.memoryBytes, usageBytes: 0 };
    const v = podCost(req, n.rates, Math.max(0, end - n.readyAt));
    n.readyAt = Number.NaN;
    this.daemonSetCost += v;
    n.charged += v;
  }

  pod(r: PodRecord): void {
    const key = `${r.revision}/${r.pod}`;
    if (r.event === 'Pending') {
      this.pods.set(key, { revision: r.revision, createdAt: r.time, waited: false, node: undefined, boundAt: Number.NaN, cpuMillis: 0, memoryBytes: 0, user: undefined });
      return;
    }
    const p = this.pods.get(key);
    if (p === undefined) return;
    if (r.event === 'Unschedulable') {
      p.waited = true;
      this.waited++;
    } else if (r.event === 'Scheduled') {
      p.node = this.nodes.get(r.node ?? '');
      p.boundAt = r.time;
      p.cpuMillis = r.requests?.cpuMillis ?? 0;
      p.memoryBytes = r.requests?.memoryBytes ?? 0;
      p.user = r.userContainerRequests;
      if (p.waited) this.maxPending = Math.max(this.maxPending, r.time - p.createdAt);
    } else if (r.event === 'Gone') {
      this.close(p, r.time);
      this.pods.delete(key);
    }
  }

  /**
   * Usage above the request costs extra over the scrape window. OpenCost takes max(request, usage)
   * per container, so only the serving container's use above its own request counts: the
   * queue-proxy and sidecars, whose use is not modelled (no CPU, their memory requests, as the
   * sample counts them), are charged their requests however much the serving container uses.
   */
  podMetrics(r: PodMetricsRecord): void {
    const p = this.pods.get(`${r.revision}/${r.pod}`);
    if (p?.node === undefined || p.user === undefined) return;
    const others = p.memoryBytes - p.user.memoryBytes;
    const use = {
      requestMillis: p.user.cpuMillis,
      usageMillis: Number.isNaN(r.cpuMillis) ? 0 : r.cpuMillis,
      requestBytes: p.user.memoryBytes,
      usageBytes: Number.isNaN(r.memoryBytes) ? 0 : Math.max(0, r.memoryBytes - others),
    };
    const seconds = Math.min(r.windowSeconds, r.time - p.boundAt);
    if (!(seconds > 0)) return;
    const extra = podCost(use, p.node.rates, seconds) - podCost({ ...use, usageMillis: 0, usageBytes: 0 }, p.node.rates, seconds);
    if (extra > 0) this.add(p, extra);
  }

  private add(p: PodInfo, v: number): void {
    this.revisionCost.set(p.revision, (this.revisionCost.get(p.revision) ?? 0) + v);
    p.node!.charged += v;
  }

  private close(p: PodInfo, end: number): void {
    if (p.waited && Number.isNaN(p.boundAt)) this.maxPending = Math.max(this.maxPending, end - p.createdAt);
    if (p.node === undefined) return;
    const req = { requestMillis: p.cpuMillis, usageMillis: 0, requestBytes: p.memoryBytes, usageBytes: 0 };
    this.add(p, podCost(req, p.node.rates, Math.max(0, end - p.boundAt)));
  }

  finish(end: number): { nodes: NodesSummary; cost: CostSummary } {
    this.instantOver(end);
    for (const p of this.pods.values()) this.close(p, end);
    this.pods.clear();
    let total = 0;
    let seconds = 0;
    const idlePerNode: Record<string, number> = {};
    for (const [name, n] of this.nodes) {
      const stop = Number.isNaN(n.end) ? end : n.end;
      this.closeDaemonSets(n, stop);
      // Never launched: no instance, nothing billed.
      const launched = !Number.isNaN(n.start);
      const cost = launched ? nodeCost(n.price, n.start, stop) : 0;
      total += cost;
      if (launched) seconds += stop - n.start;
      idlePerNode[name] = round6(cost - n.charged);
    }
    const perRevision: Record<string, number> = {};
    let attributed = 0;
    for (const [rev, v] of [...this.revisionCost].sort(([a], [b]) => a.localeCompare(b))) {
      perRevision[rev] = round6(v);
      attributed += v;
    }
    return {
      nodes: { max: this.maxLive, nodeHours: round6(seconds / 3600), podsWaitedForNode: this.waited, maxPendingSeconds: Math.round(this.maxPending * 1000) / 1000 },
      cost: { total: round6(total), perRevision, daemonSets: round6(this.daemonSetCost), idle: round6(total - attributed - this.daemonSetCost), perDay: end > 0 ? round6((total * 86400) / end) : 0, idlePerNode },
    };
  }
}

/** Dollars as `knsim plan` and the run's summary print them: four decimals, enough for a short run's cents. */
export const dollars4 = (v: number): string => `$${v.toFixed(4)}`;

/**
 * The idle part of a node cost in words. Idle is the total less what revisions and DaemonSets
 * are charged, and OpenCost charges max(request, usage): pods using more than they request (CPU
 * beyond the request on a node with room) can be charged more than the nodes cost, and idle is
 * then negative, as Kubecost documents. Said so, rather than as a negative share.
 */
export function idleCostText(total: number, idle: number, dollars: (v: number) => string, percentDigits: number): string {
  if (idle >= 0) return `idle ${dollars(idle)} (${(total > 0 ? (100 * idle) / total : 0).toFixed(percentDigits)} %)`;
  return `no idle: revisions and DaemonSets are charged ${dollars(-idle)} more than the nodes cost (revisions' usage above their requests, charged as OpenCost charges it)`;
}
