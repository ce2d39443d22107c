/**
 * Karpenter's decisions (kubernetes-sigs/karpenter) on plain data: the provisioning batch
 * window, the disruption budget, when a node becomes consolidatable, and the cheapest
 * instance type for a set of pods (a modelling choice: the real provisioner simulates
 * every scheduling constraint, knsim only resources).
 */
import { requireInteger, requireNonNegative } from '../errors.js';
import { fits } from './fit.js';
import type { PodResources } from './types.js';
import { templateNode, type NodeTemplate } from './cluster-autoscaler.js';

export interface KarpenterConfig {
  /** BATCH_IDLE_DURATION: the window closes this long after the last trigger… */
  readonly batchIdleSeconds: number;
  /** …or BATCH_MAX_DURATION after it opened, whichever comes first. */
  readonly batchMaxSeconds: number;
  readonly registrationTimeoutSeconds: number;
  /** NodePool disruption.consolidateAfter. */
  readonly consolidateAfterSeconds: number;
  /** NodePool disruption budget `nodes: N%` (rounded up). */
  readonly budgetPercent: number;
  readonly disruptionPollSeconds: number;
  /** Every disruption command waits this long and is re-validated before it runs. */
  readonly validationSeconds: number;
}

export const DEFAULT_KARPENTER_CONFIG: KarpenterConfig = Object.freeze({
  batchIdleSeconds: 1,
  batchMaxSeconds: 10,
  registrationTimeoutSeconds: 15 * 60,
  consolidateAfterSeconds: 0,
  budgetPercent: 10,
  disruptionPollSeconds: 10,
  validationSeconds: 15,
});

/**
 * The provisioner's batch window: it opens at the first provisionable pod, each later one
 * pushes the close to `idle` after it, and it never stays open longer than `max`.
 */
export class ProvisioningBatch {
  private openedAt: number | undefined;
  private lastTrigger = 0;

  constructor(private readonly cfg: Pick<KarpenterConfig, 'batchIdleSeconds' | 'batchMaxSeconds'>) {}

  /** A provisionable pod appeared at `now`; returns when the window will close. */
  trigger(now: number): number {
    if (this.openedAt === undefined) this.openedAt = now;
    this.lastTrigger = now;
    return this.closesAt()!;
  }

  /** When the open window closes, or undefined when none is open. */
  closesAt(): number | undefined {
    if (this.openedAt === undefined) return undefined;
    return Math.min(this.lastTrigger + this.cfg.batchIdleSeconds, this.openedAt + this.cfg.batchMaxSeconds);
  }

  /** Close the window (the provisioner took the batch). */
  close(): void {
    this.openedAt = undefined;
  }
}

/** Nodes a budget of `percent` % lets be disrupted at once: ceil(total × percent / 100), less those already disrupting. */
export function allowedDisruptions(totalNodes: number, percent: number, disrupting = 0): number {
  requireInteger('totalNodes', totalNodes, 0);
  requireNonNegative('percent', percent);
  return Math.max(0, Math.ceil((totalNodes * percent) / 100) - disrupting);
}

/** A node is consolidatable `consolidateAfter` after its last pod event (or its initialization). */
export function consolidatableAt(lastPodEventOrInit: number, cfg: Pick<KarpenterConfig, 'consolidateAfterSeconds'>): number {
  return lastPodEventOrInit + cfg.consolidateAfterSeconds;
}

export interface InstanceType {
  readonly name: string;
  readonly template: NodeTemplate;
  readonly pricePerHour: number;
}

/**
 * The cheapest instance type one new node can be to hold all of `pods` (first fit in the
 * given order), or undefined if none can. Equal prices keep the earlier type.
 */
export function cheapestFitting<T extends InstanceType>(types: readonly T[], pods: readonly PodResources[]): T | undefined {
  let best: T | undefined;
  for (const t of types) {
    let node = templateNode(t.name, t.template);
    let ok = true;
    for (const p of pods) {
      if (!fits(node, p)) {
        ok = false;
        break;
      }
      node = {
        ...node,
        requested: { cpuMillis: node.requested.cpuMillis + p.requests.cpuMillis, memoryBytes: node.requested.memoryBytes + p.requests.memoryBytes },
        pods: node.pods + 1,
      };
    }
    if (ok && (best === undefined || t.pricePerHour < best.pricePerHour)) best = t;
  }
  return best;
}
