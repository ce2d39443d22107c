/**
 * A warning for each Karpenter pool whose nodes take at least `expireAfter` to start: upstream's
 * expiration deletes a NodeClaim `expireAfter` after its creation, Ready or not, so such a pool's
 * launches mostly never serve and pods that need them stay Pending while Karpenter launches again
 * (a churn that also makes the run slow). Taken, as Karpenter takes it, but said.
 */
import { makeSampler } from '../engine/distributions.js';
import type { NodesSpec } from '../model/spec.js';

export function expireBeforeReadyWarnings(file: string, nodes: NodesSpec | undefined): string[] {
  if (nodes?.autoscaler.kind !== 'karpenter') return [];
  const expire = nodes.autoscaler.config.expireAfterSeconds;
  if (!Number.isFinite(expire)) return [];
  const out: string[] = [];
  for (const p of nodes.pools) {
    const startup = p.startupLatency;
    const median = Math.round(makeSampler(startup).quantile(0.5) * 1000) / 1000;
    if (expire > median) continue;
    const which =
      startup.dist === 'constant'
        ? `pool ${p.name}'s startupLatency (${startup.value} s): every NodeClaim launched there is deleted before its node is Ready`
        : `the median of pool ${p.name}'s startupLatency (${median} s): at least half the NodeClaims launched there are deleted before their node is Ready`;
    out.push(`${file}: cluster.nodeAutoscaler.expireAfter: ${expire} s is not longer than ${which} (expiry is forceful), and pods waiting for them stay Pending`);
  }
  return out;
}
