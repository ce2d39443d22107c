import { KPA_CLASS } from '../core/autoscaler/index.js';
import type { DisruptionControls } from '../core/capacity/index.js';
import { scalingMetric } from '../model/scaling-metric.js';
import type { WorldSpec } from '../model/spec.js';
import type { RevisionSettings, RunSettings } from '../output/settings.js';

/** The run's settings.json: the effective settings of every revision and client. */
export function runSettings(w: WorldSpec, description = ''): RunSettings {
  return {
    scenario: w.name,
    description,
    seed: w.seed,
    durationSeconds: w.durationSeconds,
    activators: w.cluster.activatorReplicas,
    ...(w.cluster.meshCompatibilityMode !== undefined && w.cluster.meshCompatibilityMode !== 'auto' ? { meshCompatibilityMode: w.cluster.meshCompatibilityMode } : {}),
    ...(w.cluster.ingressClass !== undefined ? { ingressClass: w.cluster.ingressClass } : {}),
    revisions: w.services.flatMap((s) =>
      s.revisions.map((r) => {
        const a = r.autoscaling;
        const d = a.deciderSpec;
        return {
          service: s.name,
          revision: r.name,
          createdAtSeconds: r.createdAtSeconds,
          containerConcurrency: r.containerConcurrency,
          timeoutSeconds: r.timeoutSeconds,
          ...(r.responseStartTimeoutSeconds !== undefined ? { responseStartTimeoutSeconds: r.responseStartTimeoutSeconds } : {}),
          ...(r.idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds: r.idleTimeoutSeconds } : {}),
          ...(r.stream !== undefined ? { stream: { firstByteSeconds: r.stream.firstByteSeconds, intervalSeconds: Number.isFinite(r.stream.intervalSeconds) ? r.stream.intervalSeconds : null } } : {}),
          ...(r.webSocket !== undefined ? { webSocket: { onSigterm: r.webSocket.onSigterm } } : {}),
          ...(r.enableProbeOptimisation === false ? { enableProbeOptimisation: false } : {}),
          ...(r.startupProbe !== undefined ? { startupProbe: { ...r.startupProbe } } : {}),
          ...(r.livenessProbe !== undefined ? { livenessProbe: { ...r.livenessProbe } } : {}),
          ...(r.disruptionControls !== undefined ? { nodeAutoscalerControls: controlsOf(r.disruptionControls) } : {}),
          ...(a.class !== KPA_CLASS ? { class: a.class } : {}),
          ...scalingMetric(a),
          total: d.totalValue,
          stableWindowSeconds: d.stableWindowSeconds,
          panicWindowSeconds: a.panicWindowSeconds,
          panicThresholdPercent: Math.round(d.panicThreshold * 100),
          targetBurstCapacity: d.targetBurstCapacity,
          scaleToZeroGracePeriodSeconds: a.scaleToZeroGracePeriodSeconds,
          scaleToZeroPodRetentionPeriodSeconds: a.scaleToZeroPodRetentionPeriodSeconds,
          scaleDownDelaySeconds: d.scaleDownDelaySeconds,
          enableScaleToZero: a.enableScaleToZero,
          minScale: a.minScale,
          maxScale: a.maxScale,
          initialScale: a.initialScale,
          activationScale: a.activationScale,
          maxScaleUpRate: d.maxScaleUpRate,
          maxScaleDownRate: d.maxScaleDownRate,
        };
      }),
    ),
    clients: w.clients.map((c) => ({ name: c.name, service: c.service, kind: c.kind, tag: c.tag ?? null })),
  };
}

/** A revision's node-autoscaler controls for settings.json (JSON has no Infinity: "true" is null). */
function controlsOf(c: DisruptionControls): NonNullable<RevisionSettings['nodeAutoscalerControls']> {
  const d = c.doNotDisruptSeconds;
  return {
    ...(c.safeToEvict !== undefined ? { safeToEvict: c.safeToEvict } : {}),
    blockingLocalVolumes: [...c.blockingLocalVolumes],
    ...(d !== undefined ? { doNotDisruptSeconds: Number.isFinite(d) ? d : null } : {}),
  };
}
