/** The effective settings of every revision, as the report's first table shows them. */
export interface RevisionSettings {
  service: string;
  revision: string;
  createdAtSeconds: number;
  containerConcurrency: number;
  timeoutSeconds: number;
  /** spec.responseStartTimeoutSeconds and spec.idleTimeoutSeconds as defaulted; absent when Knative sets none. */
  responseStartTimeoutSeconds?: number;
  idleTimeoutSeconds?: number;
  /** How the app streams its response (app.stream), seconds; intervalSeconds null: the rest at the end. Absent: written whole when done. */
  stream?: { firstByteSeconds: number; intervalSeconds: number | null };
  /** When its requests are WebSocket sessions (app.webSocket): what its app does with them at SIGTERM; absent otherwise. */
  webSocket?: { onSigterm: 'close' | 'drain' };
  /** false when the activator waits for Kubernetes Ready (exec readiness or startup probes); absent otherwise. */
  enableProbeOptimisation?: false;
  /** The serving container's startup probe after the API server's defaulting; absent when it has none. */
  startupProbe?: { initialDelaySeconds: number; periodSeconds: number; failureThreshold: number };
  /** The serving container's liveness probe after the API server's defaulting, with its handler; absent when it has none. */
  livenessProbe?: { handler: string; initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number };
  /**
   * What its pods tell the node autoscalers, when the template says anything (and the scenario has
   * nodes): safe-to-evict "true"/"false", the local volumes that block the Cluster Autoscaler's
   * scale-down, Karpenter's do-not-disrupt (seconds from the pod's start; null: "true", for ever).
   */
  nodeAutoscalerControls?: { safeToEvict?: boolean; blockingLocalVolumes: string[]; doNotDisruptSeconds?: number | null };
  /** The autoscaler class, when not the KPA (hpa.autoscaling.knative.dev). */
  class?: string;
  /** KPA: concurrency or rps; HPA class: cpu (target in % of the request), memory (MiB per pod) or a custom metric. */
  metric: string;
  target: number;
  total: number;
  stableWindowSeconds: number;
  panicWindowSeconds: number;
  panicThresholdPercent: number;
  targetBurstCapacity: number;
  scaleToZeroGracePeriodSeconds: number;
  scaleToZeroPodRetentionPeriodSeconds: number;
  scaleDownDelaySeconds: number;
  enableScaleToZero: boolean;
  minScale: number;
  maxScale: number;
  initialScale: number;
  activationScale: number;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
}

export interface RunSettings {
  scenario: string;
  description: string;
  seed: number;
  durationSeconds: number;
  activators: number;
  /** config-network mesh-compatibility-mode when not the default, auto: how the activators reach pods. */
  meshCompatibilityMode?: 'enabled' | 'disabled';
  /** config-network ingress-class, when set: how the ingress spreads requests over a revision's endpoints. */
  ingressClass?: string;
  revisions: RevisionSettings[];
  clients: Array<{ name: string; service: string; kind: string; tag: string | null }>;
}
