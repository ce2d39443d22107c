import { ACTIVATOR_GRACE_SECONDS } from '../core/autoscaler/index.js';
import type { RunSummary } from './summary.js';
import { percentOf } from './percent.js';
import { dollars4, idleCostText } from './cluster-accounting.js';

// No requests answered: no share of them to state (the report's table writes a dash too).
const pct = percentOf;

/** The order the wrote-line lists a run's files in; others follow, sorted. */
const FILE_ORDER = ['summary.json', 'settings.json', 'requests.csv', 'autoscaler.csv', 'pods.csv', 'timeseries.csv', 'requests-per-second.csv', 'latency-buckets.csv', 'latency-cdf.csv'];

const rank = (f: string): number => {
  const i = FILE_ORDER.indexOf(f);
  return i < 0 ? FILE_ORDER.length : i;
};

/**
 * Why requests get 404: Knative programs a Service's route only once a revision is
 * Ready, so a fresh deploy (no `initialPods`) answers 404 until its first pod is.
 */
const NO_ROUTE_WHY = '404: sent before any revision they could go to was Ready; a fresh deploy without initialPods has no route until its first pod is Ready';

/** Why requests got 404 in a run that deleted a Service: its Route went with it. */
const NO_ROUTE_DELETED_WHY = '404: sent before any revision they could go to was Ready, or after their Service was deleted (its Route went with it)';

/** The short human summary `knsim run` prints; `files` are the files written, as listed. */
export function textSummary(s: RunSummary, outDir: string, files: readonly string[]): string {
  const o = s.overall;
  const lines = [
    `knsim: ${s.scenario} — ${s.simulatedSeconds} s simulated (seed ${s.seed}) in ${s.wallSeconds} s, ${s.events} events`,
    `requests ${o.requests.total}: ok ${o.requests.ok}, 503 ${o.requests.status503}, 504 ${o.requests.status504}, client timeouts ${o.requests.clientTimeouts}` +
      (o.requests.noRoute > 0 ? `, no route ${o.requests.noRoute} (${s.serviceDeletions !== undefined ? NO_ROUTE_DELETED_WHY : NO_ROUTE_WHY})` : '') +
      (o.requests.status502 !== undefined ? `, 502 ${o.requests.status502}` : '') +
      ` (errors ${pct(o.requests.total - o.requests.ok, o.requests.total)})` +
      (s.requestsInFlightAtEnd !== undefined ? `; ${s.requestsInFlightAtEnd} more still in flight at the end` : ''),
    // Without a 200 there is no latency to state (summary.json's zeros are no request's).
    o.requests.ok === 0 ? 'latency ms (200s): none (no 200s)' : `latency ms (200s): p50 ${o.latencyMs.p50}  p95 ${o.latencyMs.p95}  p99 ${o.latencyMs.p99}  max ${o.latencyMs.max}`,
    ...(o.firstByteMs !== undefined
      ? [`first byte ms (streamed 200s): p50 ${o.firstByteMs.p50}  p95 ${o.firstByteMs.p95}  p99 ${o.firstByteMs.p99}  max ${o.firstByteMs.max}`]
      : []),
    ...(o.sessionsClosedAtShutdown !== undefined
      ? [`WebSocket sessions closed by a shutdown: ${o.sessionsClosedAtShutdown} of ${o.requests.ok} 200s (by their app at SIGTERM, as its pod's drain ended, or by an activator that exited)`]
      : []),
    `cold-start requests ${o.coldStartRequests}; pod-seconds ${o.podSeconds}; pod-hours ${o.podHours} (ready ${o.readyPodHours}); max ready pods ${o.maxReadyPods}; panic ${o.panicSeconds} s`,
  ];
  if (s.nodes !== undefined) lines.push(nodesText(s.nodes, s.cost));
  if (s.activatorDown !== undefined) {
    lines.push(`crashed activators: ${s.activatorDown.map((d) => `${d.activator} down ${d.fromSeconds}s–${d.untilSeconds === null ? 'end' : `${d.untilSeconds}s`}`).join(', ')} (the requests each held got 503)`);
  }
  for (const r of s.activatorRollouts ?? []) {
    lines.push(
      `activators restarted (rolling) from ${r.fromSeconds}s: ${r.completeSeconds === null ? 'not complete at the end' : `complete at ${r.completeSeconds}s`}, ` +
        `${r.drainedSeconds === null ? 'old ones still draining at the end' : `old ones drained by ${r.drainedSeconds}s`}` +
        (r.failedRequests > 0 ? `; ${r.failedRequests} request${r.failedRequests === 1 ? '' : 's'} an old activator still held at its ${ACTIVATOR_GRACE_SECONDS} s grace period got 503` : ''),
    );
  }
  for (const x of s.activatorDeletions ?? []) {
    lines.push(
      `${x.activator} deleted at ${x.fromSeconds}s: ${x.replacement} ${x.replacementReadySeconds === null ? 'not Ready at the end' : `Ready at ${x.replacementReadySeconds}s`}, ` +
        `${x.drainedSeconds === null ? `${x.activator} still draining at the end` : `${x.activator} drained by ${x.drainedSeconds}s`}` +
        (x.failedRequests > 0 ? `; ${x.failedRequests} request${x.failedRequests === 1 ? '' : 's'} it still held at its ${ACTIVATOR_GRACE_SECONDS} s grace period got 503` : ''),
    );
  }
  for (const x of s.serviceDeletions ?? []) {
    lines.push(
      `Service ${x.service} deleted at ${x.atSeconds}s with ${x.revisions.join(', ')}: ${x.terminatedPods} pod${x.terminatedPods === 1 ? '' : 's'} terminated, ` +
        (x.podsGoneSeconds === null ? 'some still draining at the end' : `all gone by ${x.podsGoneSeconds}s`),
    );
  }
  for (const x of s.nodeDrains ?? []) lines.push(`node ${x.node} ${nodeDrainText(x)}`);
  for (const b of s.podDisruptionBudgets ?? []) lines.push(`PodDisruptionBudget ${disruptionBudgetText(b)}`);
  for (const x of s.nodePoolDrifts ?? []) lines.push(`NodePool ${nodePoolDriftText(x)}`);
  for (const x of s.scaleDownBlocks ?? []) lines.push(`scale-down held: ${scaleDownBlockText(x)}`);
  for (const x of s.provisioningBlocks ?? []) lines.push(`NodePool limits: ${provisioningBlockText(x)}`);
  if (s.autoscalerDown !== undefined) {
    lines.push(`Knative's autoscaler down: ${s.autoscalerDown.map((d) => `${d.fromSeconds}s–${d.untilSeconds === null ? 'end' : `${d.untilSeconds}s`}`).join(', ')} (the KPA scaled nothing meanwhile, not even from zero)`);
  }
  for (const r of s.revisions) {
    const zero = r.scaleToZeroAtSeconds.length > 0 ? `; to zero at ${r.scaleToZeroAtSeconds.map((t) => `${t}s`).join(', ')}` : '';
    lines.push(
      `  ${r.revision}: ${r.requests.total} req, ${r.requests.ok === 0 ? 'no 200s' : `p99 ${r.latencyMs.p99} ms`}${r.firstByteMs !== undefined && r.requests.ok > 0 ? ` (first byte p50 ${r.firstByteMs.p50} ms, p99 ${r.firstByteMs.p99} ms)` : ''}, cold ${r.coldStartRequests}, max ready ${r.maxReadyPods}, pod-s ${r.podSeconds}, ready pod-h ${r.readyPodHours}` +
        (r.timeToFirstReadySeconds !== null ? `, first pod ready at ${r.timeToFirstReadySeconds}s` : '') +
        zero +
        (r.failure !== undefined ? `; Ready False at ${r.failure.atSeconds}s (${r.failure.reason})` : '') +
        ((r.readyFalse?.length ?? 0) > 1 ? `, ${r.readyFalse!.length} times in all` : '') +
        (r.failedScrapes !== undefined ? `; ${r.failedScrapes} scrape${r.failedScrapes === 1 ? '' : 's'} through the private Service got no stat (Metric Ready False, DidNotReceiveStat)` : ''),
    );
  }
  const listed = [...files].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  lines.push(`wrote ${outDir}/ (${listed.join(', ')})`);
  return lines.join('\n');
}

/**
 * A run with node pools: what `knsim plan` leads with (peak nodes, the pods that waited for room,
 * the cost), so the capacity answer is not only in summary.json.
 */
export function nodesText(n: NonNullable<RunSummary['nodes']>, cost: RunSummary['cost']): string {
  const waited = n.podsWaitedForNode === 0 ? 'no pod waited for node room' : `${n.podsWaitedForNode} pod${n.podsWaitedForNode === 1 ? '' : 's'} waited for node room (longest ${n.maxPendingSeconds} s)`;
  const money = cost === undefined ? '' : `; cost ${dollars4(cost.total)} (${dollars4(cost.perDay)} per simulated day), ${idleCostText(cost.total, cost.idle, dollars4, 1)}`;
  return `nodes: peak ${n.max} (${n.nodeHours} node-hours), ${waited}${money}`;
}

/** A budget's name, what it selects and what it allowed and refused: `api-pdb (api-00001): 3 disruptions allowed, 39 evictions refused`. */
export function disruptionBudgetText(b: NonNullable<RunSummary['podDisruptionBudgets']>[number]): string {
  const sel = b.revisions.length === 0 ? 'selects no pod' : b.revisions.join(', ');
  const forced = b.forcedDeletions > 0 ? `, ${b.forcedDeletions} pod${b.forcedDeletions === 1 ? '' : 's'} deleted past it (Karpenter's terminationGracePeriod)` : '';
  return `${b.name} (${sel}): ${b.disruptions} disruption${b.disruptions === 1 ? '' : 's'} allowed, ${b.refusedEvictions} eviction${b.refusedEvictions === 1 ? '' : 's'} refused${forced}`;
}

/** A drift, after "NodePool": `std-4 drifted at 300s: 3 nodes Drifted, 2 replacement nodes launched for their pods, all deleted by 605.235s`. */
export function nodePoolDriftText(x: NonNullable<RunSummary['nodePoolDrifts']>[number], unit = 's'): string {
  const head = `${x.pool} drifted at ${x.atSeconds}${unit}`;
  if (x.driftedNodes === 0) return `${head}: no node newly Drifted (the pool had none that was not already Drifted or being removed)`;
  const marked = `${x.driftedNodes} node${x.driftedNodes === 1 ? '' : 's'} Drifted`;
  const failed = x.replacementsNotLaunched ?? 0;
  const notLaunched = failed > 0 ? ` (${failed} more asked for, not launched)` : '';
  const launched = `${x.replacementNodes} replacement node${x.replacementNodes === 1 ? '' : 's'} launched for their pods${notLaunched}`;
  const done =
    x.completeSeconds !== null ? `all deleted by ${x.completeSeconds}${unit}` : `${x.deletedNodes} of them deleted by the end, ${x.driftedNodes - x.deletedNodes} still there`;
  return `${head}: ${marked}, ${launched}, ${done}`;
}

const BLOCKED_BY = {
  NotSafeToEvictAnnotation: 'annotated cluster-autoscaler.kubernetes.io/safe-to-evict: "false"',
  LocalStorageRequested: 'with a local volume (an emptyDir on disk or a hostPath: name it in safe-to-evict-local-volumes, or set skipNodesWithLocalStorage false)',
  DoNotDisrupt: 'annotated karpenter.sh/do-not-disrupt',
  NotEnoughPdb: 'whose PodDisruptionBudget allowed no disruption',
  ScaleDownDisabledAnnotation: 'annotated cluster-autoscaler.kubernetes.io/scale-down-disabled: "true"',
  Nominated: 'nominated for a pending pod',
} as const;

/**
 * Nodes pod annotations kept, after "scale-down held:": `the Cluster Autoscaler could not remove 2 nodes
 * below its utilization threshold: pods of api-00001 annotated … (NotSafeToEvictAnnotation), from 70s to 86390s`.
 */
export function scaleDownBlockText(x: NonNullable<RunSummary['scaleDownBlocks']>[number], unit = 's'): string {
  const nodes = `${x.nodes} node${x.nodes === 1 ? '' : 's'}`;
  const who = x.autoscaler === 'cluster-autoscaler' ? `the Cluster Autoscaler could not remove ${nodes} below its utilization threshold` : `Karpenter could not disrupt ${nodes} (consolidation, drift)`;
  const when = x.firstSeconds === x.lastSeconds ? `at ${x.firstSeconds}${unit}` : `from ${x.firstSeconds}${unit} to ${x.lastSeconds}${unit}`;
  // Held by the nodes' own state (an annotation set on their pool, a nomination), or by their pods.
  const holder = x.pools !== undefined ? `nodes of pool${x.pools.length === 1 ? '' : 's'} ${x.pools.join(', ')}` : `pods of ${x.revisions.join(', ')}`;
  const by = x.pools !== undefined && x.reason === 'DoNotDisrupt' ? 'annotated karpenter.sh/do-not-disrupt: "true"' : BLOCKED_BY[x.reason];
  return `${who}: ${holder} ${by} (${x.reason}), ${when}`;
}

/** Pods NodePool limits refused a node, after "NodePool limits:": `pool std refused a node to 2 pods of s2-00001, s3-00001 at passes from 3s to 113s: FailedScheduling "Failed to schedule pod, …"`. */
export function provisioningBlockText(x: NonNullable<RunSummary['provisioningBlocks']>[number], unit = 's'): string {
  const when = x.firstSeconds === x.lastSeconds ? `at ${x.firstSeconds}${unit}` : `from ${x.firstSeconds}${unit} to ${x.lastSeconds}${unit}`;
  return `pool ${x.pool} refused a node to ${x.pods} pod${x.pods === 1 ? '' : 's'} of ${x.revisions.join(', ')} at passes ${when}: ${x.reason} "${x.message}"`;
}

/** What became of a drained node, after its name: `drained at 300s: …`. */
export function nodeDrainText(x: NonNullable<RunSummary['nodeDrains']>[number], unit = 's'): string {
  const at = `${x.fromSeconds}${unit}`;
  if (x.outcome === 'NotFound') return `not drained at ${at}: no such node then (not yet requested, still launching, or deleted)`;
  const refused = x.refusedEvictions ?? 0;
  const pods = `${x.evictedPods} pod${x.evictedPods === 1 ? '' : 's'} evicted` + (refused > 0 ? ` (${refused} eviction${refused === 1 ? '' : 's'} refused by a PodDisruptionBudget, retried)` : '');
  // With refusals, some pods may never have been evicted: "left", not "terminating".
  const empty = x.emptySeconds === null ? (refused > 0 ? 'pods still on it at the end' : 'pods still terminating at the end') : `empty at ${x.emptySeconds}${unit}`;
  const deleted = x.deletedSeconds === null ? 'not deleted by the end' : `deleted at ${x.deletedSeconds}${unit}`;
  const already = x.outcome === 'AlreadyRemoving' ? ' (the node autoscaler was already removing it)' : '';
  if (x.gaveUpSeconds !== undefined && x.gaveUpSeconds !== null) {
    const gave = `kubectl drain gave up at ${x.gaveUpSeconds}${unit} (--timeout)`;
    // The node autoscaler goes on removing a node it was removing; one the user was removing stays cordoned.
    if (x.outcome === 'AlreadyRemoving') return `drained at ${at}${already}: ${pods}; ${gave}, the autoscaler's drain went on: ${empty}, ${deleted}`;
    return `drained at ${at}${already}: ${pods}; ${gave}, the node kept cordoned${x.emptySeconds === null ? ' with pods on it' : `, empty at ${x.emptySeconds}${unit}`}`;
  }
  return `drained at ${at}${already}: ${pods}, ${empty}, ${deleted}`;
}
