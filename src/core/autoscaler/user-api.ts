/**
 * The interface of a user-written autoscaler class, version `knsim.dev/v1`.
 *
 * A module default-exports `defineAutoscaler({ apiVersion: 'knsim.dev/v1', create })`.
 * For each revision whose `autoscaling.knative.dev/class` names the class, knsim calls
 * `create` once, then the instance's `decide` on every tick of the class (every
 * `tickSeconds`, 2 s by default, like the KPA's decider) and on a poke (an activator's
 * stat while the revision is at zero). `decide` gets the same metrics the KPA sees — per
 * second concurrency and requests (and CPU when the simulator feeds it), the stable and
 * panic window averages the KPA would compute — with the time injected, and returns the
 * desired scale and, optionally, the SKS mode. The KPA's reconciler does the rest
 * (scale-to-zero grace, activator probes, the PodAutoscaler status, min/max-scale).
 *
 * Rules a module must keep (each broken rule fails the run with a one-line error naming
 * the module, the class and the time): `decide` returns synchronously, within the call's
 * time budget, a finite desired scale ≥ 0; it reads no clock (`Date.now`) and draws no
 * random numbers (`Math.random`) — both throw — so that runs are deterministic.
 *
 * This file imports nothing: user modules bundle it as is. The version is a contract:
 * fields are added in a new version, never renamed or removed in this one.
 */

/** The one version of the interface this knsim implements. */
export const AUTOSCALER_API_VERSION = 'knsim.dev/v1';

/** The revision's resolved autoscaling settings (config-autoscaler, then its annotations). */
export interface AutoscalerSettings {
  /** The scaling metric (`autoscaling.knative.dev/metric`): 'concurrency' or 'rps'. */
  readonly metric: 'concurrency' | 'rps';
  /** Per-pod target of the metric (target × utilization). */
  readonly target: number;
  /** Per-pod capacity of the metric (the target before utilization). */
  readonly totalValue: number;
  /** target-burst-capacity (−1: the activator always stays in the path). */
  readonly targetBurstCapacity: number;
  readonly stableWindowSeconds: number;
  readonly panicWindowSeconds: number;
  /** panic-threshold-percentage as a ratio (2 = 200 %). */
  readonly panicThreshold: number;
  readonly maxScaleUpRate: number;
  readonly maxScaleDownRate: number;
  readonly scaleDownDelaySeconds: number;
  /** min-scale (0 when the revision is unreachable). */
  readonly minScale: number;
  /** max-scale (0: no upper bound). */
  readonly maxScale: number;
  readonly initialScale: number;
  readonly activationScale: number;
  readonly enableScaleToZero: boolean;
  readonly scaleToZeroGracePeriodSeconds: number;
  /** spec.containerConcurrency (0: unlimited). */
  readonly containerConcurrency: number;
  /** Whether the route sends the revision traffic. */
  readonly reachable: boolean;
}

/** One second of the revision's metrics, summed over the scraped pods and the activators. */
export interface MetricSample {
  /** The second, on the caller's clock (whole seconds). */
  readonly timeSeconds: number;
  /** Average concurrent requests in that second (revision total). */
  readonly concurrency: number;
  /** Requests that arrived in that second (revision total). */
  readonly rps: number;
  /** The revision's CPU usage (millicores, metrics-server's view) when the caller feeds it; absent otherwise. */
  readonly cpuMillicores?: number;
}

/** A pair of window averages as the KPA computes them (revision totals). */
export interface WindowAverages {
  readonly concurrency: number;
  readonly rps: number;
}

/** What one `decide` call sees. */
export interface AutoscalerInput {
  /** The time, in seconds (the simulator: from the start of the run). Never read a clock. */
  readonly nowSeconds: number;
  /** Ready pods of the revision now. */
  readonly readyPods: number;
  /** The KPA's stable-window averages (the collector's, same aggregation). */
  readonly stable: WindowAverages;
  /** The KPA's panic-window averages. */
  readonly panic: WindowAverages;
  /** Per-second samples over the stable window, oldest first; seconds with no data are absent. */
  readonly history: readonly MetricSample[];
  readonly settings: AutoscalerSettings;
  /** The desired scale the class last decided (−1 before its first decision). */
  readonly previousDesiredScale: number;
  /** True when this call is a poke (an activator reported load while the revision is at zero), not a tick. */
  readonly poke: boolean;
}

/** What `decide` returns. */
export interface AutoscalerDecision {
  /** Pods wanted: a finite number ≥ 0, rounded up. The annotations' min/max-scale still apply. */
  desiredScale: number;
  /**
   * The SKS mode: 'Proxy' keeps the activator in the request path (it buffers during
   * cold starts), 'Serve' routes straight to the pods. Default: the KPA's rule — Proxy
   * while the spare capacity (ready pods × totalValue − panic load) is below
   * target-burst-capacity. With target-burst-capacity −1 the activator stays in the path
   * ('Serve' is not taken): the KPA reconciler then scrapes no pod.
   */
  sksMode?: 'Serve' | 'Proxy';
  /** Shown as "in panic" in autoscaler.csv; default false. */
  inPanic?: boolean;
  /** Extra lower bound for this decision (a whole number ≥ 0). */
  minScale?: number;
  /** Extra upper bound for this decision (a whole number ≥ 1). */
  maxScale?: number;
  /** false: never below one pod, whatever `desiredScale` says. Default true. */
  scaleToZero?: boolean;
}

/** One revision's autoscaler, made by {@link AutoscalerDefinition.create}. */
export interface AutoscalerInstance {
  /** One decision. Synchronous; no clocks, no randomness, no I/O. */
  decide(input: AutoscalerInput): AutoscalerDecision;
  /** Optional: the instance's state as plain JSON data (logs, and `create`'s `state` after a restart). */
  snapshot?(): unknown;
}

/** What `create` receives. */
export interface AutoscalerContext {
  /** The class name the revision asked for (`autoscaling.knative.dev/class`). */
  readonly className: string;
  /** The revision's name. */
  readonly revision: string;
  readonly nowSeconds: number;
  readonly settings: AutoscalerSettings;
  /** Ready pods of a revision that was running before the autoscaler started; undefined for a new one. */
  readonly existingPods: number | undefined;
  /** A previous instance's `snapshot()`, when a controller restarts; undefined in the simulator. */
  readonly state: unknown;
}

/** A module's default export. */
export interface AutoscalerDefinition {
  /** Must be {@link AUTOSCALER_API_VERSION}. */
  apiVersion: 'knsim.dev/v1';
  /** One line for reports. */
  description?: string;
  /** Seconds between ticks (default 2, the KPA decider's period). */
  tickSeconds?: number;
  /** Makes the autoscaler of one revision. */
  create(ctx: AutoscalerContext): AutoscalerInstance;
}

/** Identity with types: `export default defineAutoscaler({ apiVersion: 'knsim.dev/v1', create(ctx) { ... } })`. */
export function defineAutoscaler(definition: AutoscalerDefinition): AutoscalerDefinition {
  return definition;
}
