/**
 * The HPA autoscaler class (`hpa.autoscaling.knative.dev`) on the class seam: Knative's
 * HPA-class reconciler (knative/serving pkg/reconciler/autoscaling/hpa/hpa.go) plus the
 * Kubernetes HPA controller it delegates to. The revision's pods are not scraped; the
 * caller feeds metrics-server's view of them through `record` (a stat's `pods`). The
 * loop evaluates on the HPA's 15 s sync (`tickPeriodSeconds`), where the HPA may write the
 * Deployment's replicas; the PA reconcile copies the HPA status into the PA, keeps the SKS
 * in Serve, and never scales below 1.
 */
import { InvalidArgumentError, requireFinite } from '../errors.js';
import { HPA_CLASS } from '../autoscaler/annotations.js';
import type { AutoscalerClass, AutoscalerClassInstance, AutoscalerClassSpec, ClassEvaluation, ClassReconcileInput, ClassReconcileOutput, ClassStatus, ScaleBounds, StatSource } from '../autoscaler/classes.js';
import type { PodStat } from '../autoscaler/collection.js';
import { markActiveCondition, newPodAutoscalerState, type PodAutoscalerState } from '../autoscaler/pa-status.js';
import type { RevisionAutoscaling } from '../autoscaler/revision.js';
import { HpaController, type HpaSyncResult } from './controller.js';
import { isHpaRevisionAutoscaling, makeKnativeHpa, type KnativeHpaSettings } from './knative.js';
import { toHpaInputs, type PodResourceSample } from './pod-sample.js';
import { DEFAULT_HPA_CONTROLLER_CONFIG, type HpaControllerConfig } from './spec.js';

const MIB = 1024 * 1024;

/** SKS numActivators the HPA class writes: 0, which upstream reads as "all activators" when the SKS proxies. */
export const HPA_SKS_NUM_ACTIVATORS = 0;

function sameSpec(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

class HpaInstance implements AutoscalerClassInstance {
  readonly scrapes = false;
  pa: PodAutoscalerState;
  sksProvisioned = false;
  private settings: KnativeHpaSettings;
  private autoscaling: RevisionAutoscaling;
  private readonly hpa: HpaController;
  /** Whether the revision is routed to (its minScale holds only then). */
  reachable: boolean;
  readonly tickPeriodSeconds: number;
  /** scale.spec.replicas as last written or read. */
  private replicas: number;
  private samples: readonly PodResourceSample[] | undefined;
  private samplesAt = Number.NaN;
  private pendingApply: number | undefined;
  private last: HpaSyncResult | undefined;

  constructor(spec: AutoscalerClassSpec, nowSeconds: number, config: HpaControllerConfig) {
    const a = spec.autoscaling;
    if (!isHpaRevisionAutoscaling(a)) {
      throw new InvalidArgumentError('autoscaling', `the ${HPA_CLASS} class needs settings from resolveHpaRevisionAutoscaling (an "hpa" field)`);
    }
    this.autoscaling = a;
    this.settings = a.hpa;
    this.reachable = a.deciderSpec.reachable;
    this.pa = newPodAutoscalerState(nowSeconds);
    this.hpa = new HpaController(makeKnativeHpa(this.settings), nowSeconds, config);
    this.tickPeriodSeconds = this.hpa.config.syncPeriodSeconds;
    this.replicas = spec.existingPods ?? a.initialScale;
    if (spec.existingPods !== undefined && spec.existingPods > 0) {
      // A revision running before this autoscaler started reached its scale long ago (as the KPA takes one over).
      this.pa = { ...this.pa, scaleTargetInitialized: true, desiredScale: spec.existingPods, actualScale: spec.existingPods };
      this.sksProvisioned = true;
    }
  }

  get stableWindowSeconds(): number {
    return this.autoscaling.deciderSpec.stableWindowSeconds;
  }

  /** The HPA controller of this revision (its status, history and next sync). */
  get controller(): HpaController {
    return this.hpa;
  }

  record(stat: PodStat, _source: StatSource): boolean {
    if (stat.pods !== undefined) {
      this.samples = stat.pods;
      this.samplesAt = requireFinite('stat.timeSeconds', stat.timeSeconds);
    }
    return false;
  }

  evaluate(nowSeconds: number, _readyPods: number | undefined): ClassEvaluation {
    if (nowSeconds < this.hpa.nextSyncSeconds) return { ...this.idle(), notify: false };
    const before = this.hpa.status;
    const inputs = toHpaInputs(this.samples ?? [], Number.isNaN(this.samplesAt) ? nowSeconds : this.samplesAt);
    const resourceMetrics = this.samples === undefined ? {} : { cpu: inputs.cpu, memory: inputs.memory };
    const r = this.hpa.sync({ nowSeconds, currentReplicas: this.replicas, pods: inputs.pods, resourceMetrics });
    this.last = r;
    if (r.rescale) {
      this.pendingApply = r.desiredReplicas;
      this.replicas = r.desiredReplicas;
    }
    const changed = r.rescale || before.desiredReplicas !== r.status.desiredReplicas || before.currentReplicas !== r.status.currentReplicas || !this.pa.scaleTargetInitialized;
    return { ...this.idle(), notify: changed };
  }

  private idle(): Omit<ClassEvaluation, 'notify'> {
    const r = this.last;
    const m = r?.status.currentMetrics[0];
    // In the target's unit (scalingMetric): percent, MiB for memory, the custom value per pod.
    const observed = m === undefined ? Number.NaN : m.kind === 'Utilization' ? m.current : m.current / 1000 / (m.metric === 'memory' ? MIB : 1);
    return {
      valid: r !== undefined && r.error === undefined,
      desiredPodCount: r?.desiredReplicas ?? this.replicas,
      observedStable: observed,
      observedPanic: Number.NaN,
      ...this.status(),
    };
  }

  status(): ClassStatus {
    return { desiredScale: this.hpa.hasSynced ? this.hpa.status.desiredReplicas : -1, excessBurstCapacity: 0, inPanic: false };
  }

  reconcile(input: ClassReconcileInput): ClassReconcileOutput {
    const now = requireFinite('nowSeconds', input.nowSeconds);
    this.sksProvisioned = input.sks.provisioned ?? true;
    const apply = this.pendingApply;
    this.pendingApply = undefined;
    if (apply === undefined) this.replicas = input.deploymentReplicas;
    const st = this.hpa.status;
    let pa = markActiveCondition(this.pa, 'Active', '', now);
    pa = { ...pa, desiredScale: st.desiredReplicas, actualScale: st.currentReplicas };
    // Only once the SKS is Ready, which its reconciler marks only with a ready private endpoint
    // (NoHealthyBackends before): so never before a pod is Ready, whatever the HPA status says
    // (serverlessservice.go reconcilePublicEndpoints; hpa.go ReconcileKind). The HPA's status is
    // compared as it is: 0 replicas before its first sync.
    if (!pa.scaleTargetInitialized && this.sksProvisioned && input.pods.ready > 0) {
      const min = this.settings.minScale;
      const threshold = Math.max(min, this.autoscaling.initialScale);
      if (st.currentReplicas >= threshold) pa = { ...pa, scaleTargetInitialized: true };
    }
    this.pa = pa;
    return {
      want: st.desiredReplicas,
      applyReplicas: apply,
      sksMode: 'Serve',
      numActivators: HPA_SKS_NUM_ACTIVATORS,
      requeueAfterSeconds: undefined,
      asyncProbe: false,
      state: pa,
    };
  }

  setReachable(reachable: boolean): boolean {
    if (reachable === this.reachable) return false;
    this.reachable = reachable;
    return this.respec({ ...this.settings, minScale: reachable ? this.autoscaling.minScale : 0 });
  }

  update(autoscaling: RevisionAutoscaling, _nowSeconds: number): boolean {
    if (!isHpaRevisionAutoscaling(autoscaling)) {
      throw new InvalidArgumentError('autoscaling', `the ${HPA_CLASS} class needs settings from resolveHpaRevisionAutoscaling (an "hpa" field)`);
    }
    this.autoscaling = autoscaling;
    return this.respec({ ...autoscaling.hpa, minScale: this.reachable ? autoscaling.hpa.minScale : 0 });
  }

  private respec(s: KnativeHpaSettings): boolean {
    const before = makeKnativeHpa(this.settings);
    const after = makeKnativeHpa(s);
    this.settings = s;
    if (sameSpec(before, after)) return false;
    this.hpa.updateSpec(after);
    return true;
  }

  adoptPa(state: PodAutoscalerState): void {
    this.pa = state;
  }

  scaleBounds(): ScaleBounds {
    const spec = this.hpa.spec;
    return { min: Math.max(1, spec.minReplicas), max: this.settings.maxScale, scaleToZero: false };
  }

  snapshot(): unknown {
    return { pa: { ...this.pa }, replicas: this.replicas, hpa: this.hpa.snapshot() };
  }
}

/** The HPA class with the HPA controller's flags `config` (default: kube-controller-manager's). */
export function makeHpaClass(config: HpaControllerConfig = DEFAULT_HPA_CONTROLLER_CONFIG): AutoscalerClass {
  return { name: HPA_CLASS, create: (spec, nowSeconds) => new HpaInstance(spec, nowSeconds, config) };
}

/** Knative's HPA class with the default HPA controller (15 s sync, 0.1 tolerance). */
export const hpaClass: AutoscalerClass = makeHpaClass();
