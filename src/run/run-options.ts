/**
 * What a run's files depend on besides the events: the recorder's options and the summary's
 * additions. `knsim run` (run-world.ts) and the browser playground's session (web/) both
 * take them from here, so the same scenario gives the same files in both. No file I/O here:
 * the playground bundles this module.
 */
import type { RequestTraceMode, WorldSpec } from '../model/spec.js';
import type { World } from '../model/world.js';
import { enforcedMemoryLimit } from '../model/memory.js';
import { activatorUsesClusterIP } from '../core/traffic/index.js';
import { reportBucketSeconds } from '../output/report/aggregate.js';
import type { RunSummary } from '../output/summary.js';
import { estimateOutputBytes, type OutputFileEstimate } from '../output/output-estimate.js';
import type { RunRecorder, RunRecorderOptions } from './run-recorder.js';

/** What the outputs need to know of the scenario's nodes (undefined without node pools). */
export function clusterOutputs(spec: WorldSpec): { cpuCostShare: number } | undefined {
  const n = spec.cluster.nodes;
  return n === undefined ? undefined : { cpuCostShare: n.cpuCostShare };
}

/** latency-buckets.csv's bucket: the report's time bucket for this run. */
export function latencyBucketSeconds(spec: WorldSpec): number {
  const revisions = spec.services.reduce((n, s) => n + s.revisions.length, 0);
  return reportBucketSeconds(spec.durationSeconds, revisions);
}

/** timeseries.csv has CPU and memory columns when some revision models either. */
export function hasResourceColumns(spec: WorldSpec): boolean {
  return spec.services.some((s) => s.revisions.some((r) => r.work !== undefined || r.memory !== undefined));
}

/**
 * Whether requests can fail with 502 in this run: a revision with injected faults, or with a
 * memory limit its memory model can exceed (OOM kills); node pools with a memory model (the
 * kubelet's evictions under memory pressure); WebSocket sessions (requests queued at a pod whose
 * app got SIGTERM). requests-per-second.csv then has a status502 column.
 */
export function canFailWith502(spec: WorldSpec): boolean {
  // Node pools with a memory model: the kubelet evicts pods under memory pressure (node-eviction.ts), their requests 502.
  const nodeEvictions = spec.cluster.nodes !== undefined && spec.services.some((s) => s.revisions.some((r) => r.memory !== undefined));
  return (
    nodeEvictions ||
    spec.services.some((s) =>
      s.revisions.some(
        (r) =>
          (r.faults?.length ?? 0) > 0 ||
          (r.memory !== undefined && enforcedMemoryLimit(r.resources?.user.memoryLimitBytes) !== undefined) ||
          // A WebSocket app that got SIGTERM takes no new connection: requests queued for it get 502.
          r.webSocket !== undefined ||
          // Deleted with its Service: requests an activator still holds for a slot go to its pods as they
          // free up, refused (502) by one whose queue-proxy has shut down (Revision.delete).
          (s.deletedAtSeconds !== undefined && r.containerConcurrency > 0 && !activatorUsesClusterIP(spec.cluster.meshCompatibilityMode ?? 'auto')),
      ),
    )
  );
}

/** Some revision streams its responses (app.stream): requests.csv has a first_byte_ms column. */
export function streamsResponses(spec: WorldSpec): boolean {
  return spec.services.some((s) => s.revisions.some((r) => r.stream !== undefined));
}

/** Some revision's requests are WebSocket sessions (app.webSocket): requests.csv has a closed_at_shutdown column. */
export function servesWebSockets(spec: WorldSpec): boolean {
  return spec.services.some((s) => s.revisions.some((r) => r.webSocket !== undefined));
}

/** The recorder's options for a run that writes its files to `outDir`. */
export function runRecorderOptions(spec: WorldSpec, outDir: string, trace: RequestTraceMode, series: boolean): RunRecorderOptions {
  return {
    outDir,
    trace,
    series,
    latencyBucketSeconds: latencyBucketSeconds(spec),
    resourceColumns: hasResourceColumns(spec),
    badGatewayColumn: canFailWith502(spec),
    firstByteColumn: streamsResponses(spec),
    webSockets: servesWebSockets(spec),
    cluster: clusterOutputs(spec),
    endSeconds: spec.durationSeconds,
  };
}

/** summary.json of a finished run: the recorder's summary, the scenario's warnings and the activator pool. */
export function finishSummary(spec: WorldSpec, world: World, recorder: RunRecorder, wallSeconds: number, warnings: readonly string[] | undefined): RunSummary {
  const summary = recorder.finish({
    scenario: spec.name,
    seed: spec.seed,
    simulatedSeconds: spec.durationSeconds,
    events: world.sim.events,
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
  });
  if (warnings !== undefined && warnings.length > 0) summary.warnings = [...warnings];
  if (world.activatorPool !== undefined) summary.activatorPool = world.activatorPool.summary(spec.durationSeconds, spec.cluster.activatorReplicas);
  noteOutages(summary, world);
  noteInFlightAtEnd(summary, world);
  return summary;
}

/** An outage from `at` for `downtime`, clipped to the run (null: still going at its end); none if it starts after the run. */
function outage(at: number, downtime: number, durationSeconds: number): { fromSeconds: number; untilSeconds: number | null } | undefined {
  if (!(at < durationSeconds)) return undefined;
  const back = at + downtime;
  return { fromSeconds: at, untilSeconds: back <= durationSeconds ? back : null };
}

/**
 * summary.json's `autoscalerDown` and `activatorDown` (the outages the scenario's updates put
 * within the run), `activatorRollouts` (the activators' rolling restarts that began in it),
 * `activatorDeletions` (activator pods deleted in it), `serviceDeletions` (Services deleted in it), `nodeDrains` (nodes drained in it),
 * `podDisruptionBudgets` (what the users' budgets allowed and refused), `nodePoolDrifts`
 * (NodePools whose template changed in it), `scaleDownBlocks` (nodes pod annotations kept) and
 * `provisioningBlocks` (pods NodePool limits left Pending).
 */
export function noteOutages(summary: RunSummary, world: World): void {
  const spec = world.spec;
  const d = spec.durationSeconds;
  const down = (spec.autoscalerRestarts ?? []).flatMap((r) => outage(r.atSeconds, r.downtimeSeconds, d) ?? []);
  if (down.length > 0) summary.autoscalerDown = down;
  const crashed = (spec.activatorCrashes ?? []).flatMap((c) => {
    const o = outage(c.atSeconds, c.downtimeSeconds, d);
    return o === undefined ? [] : [{ activator: `activator-${c.activator}`, ...o }];
  });
  if (crashed.length > 0) summary.activatorDown = crashed;
  const ms = (t: number | null): number | null => (t === null ? null : Math.round(t * 1000) / 1000);
  const rollouts = world.activatorRollouts
    .filter((r) => r.record.fromSeconds < d)
    .map((r) => ({ ...r.record, completeSeconds: ms(r.record.completeSeconds), drainedSeconds: ms(r.record.drainedSeconds) }));
  if (rollouts.length > 0) summary.activatorRollouts = rollouts;
  const deletions = world.activatorDeletions
    .filter((x) => x.record.fromSeconds < d)
    .map((x) => ({ ...x.record, replacementReadySeconds: ms(x.record.replacementReadySeconds), drainedSeconds: ms(x.record.drainedSeconds) }));
  if (deletions.length > 0) summary.activatorDeletions = deletions;
  const svcDeletions = [...world.services.values()].flatMap((svc) => {
    const x = svc.deletion;
    if (x === undefined) return [];
    return [{ service: svc.spec.name, atSeconds: ms(x.atSeconds)!, revisions: [...x.revisions], terminatedPods: x.terminatedPods, podsGoneSeconds: ms(svc.podsGoneAt ?? null) }];
  });
  if (svcDeletions.length > 0) summary.serviceDeletions = svcDeletions;
  const budgets = world.cluster?.budgets;
  const drains = world.nodeDrains
    .filter((x) => x.record.fromSeconds < d)
    .map((x) => {
      const { refusedEvictions, ...r } = x.record;
      // The refusals only where budgets could refuse: outputs without budgets keep their shape.
      return {
        ...r,
        ...(budgets !== undefined ? { refusedEvictions } : {}),
        emptySeconds: ms(r.emptySeconds),
        deletedSeconds: ms(r.deletedSeconds),
        ...(r.gaveUpSeconds !== undefined ? { gaveUpSeconds: ms(r.gaveUpSeconds) } : {}),
      };
    });
  if (drains.length > 0) summary.nodeDrains = drains;
  if (budgets !== undefined) summary.podDisruptionBudgets = budgets.records.map((b) => ({ ...b, revisions: [...b.revisions] }));
  const drifts = world.nodePoolDrifts.filter((x) => x.record.atSeconds < d).map((x) => {
    const r = x.finish();
    return { ...r, completeSeconds: ms(r.completeSeconds) };
  });
  if (drifts.length > 0) summary.nodePoolDrifts = drifts;
  const blocks = world.cluster?.scaleDownBlocks.records ?? [];
  if (blocks.length > 0) summary.scaleDownBlocks = blocks.map((b) => ({ ...b, firstSeconds: ms(b.firstSeconds)!, lastSeconds: ms(b.lastSeconds)! }));
  const held = world.cluster?.provisioningBlocks.records ?? [];
  if (held.length > 0) summary.provisioningBlocks = held.map((b) => ({ ...b, firstSeconds: ms(b.firstSeconds)!, lastSeconds: ms(b.lastSeconds)! }));
}

/** The counts are of answered requests; those still waiting or executing when the run ended are counted apart. */
export function noteInFlightAtEnd(summary: RunSummary, world: World): void {
  const inFlight = world.requestsSent - summary.overall.requests.total;
  if (inFlight > 0) summary.requestsInFlightAtEnd = inFlight;
}

/**
 * The bytes runWorld would write for `spec`, file by file, given the requests each client
 * is expected to send (in the order of spec.clients; see scenario/work-estimate.ts).
 */
export function estimateRunOutputs(spec: WorldSpec, opts: { trace: RequestTraceMode; series?: boolean | undefined }, requestsPerClient: readonly number[]): OutputFileEstimate[] {
  return estimateOutputBytes({
    durationSeconds: spec.durationSeconds,
    revisions: spec.services.flatMap((s) => s.revisions.map((r) => ({ service: s.name, revision: r.name }))),
    clients: spec.clients.map((c, i) => ({ name: c.name, service: c.service, requests: requestsPerClient[i] ?? 0 })),
    trace: opts.trace,
    series: opts.series ?? true,
    resourceColumns: hasResourceColumns(spec),
    latencyBucketSeconds: latencyBucketSeconds(spec),
    streamingRevisions: spec.services.reduce((n, s) => n + s.revisions.filter((r) => r.stream !== undefined).length, 0),
  });
}
