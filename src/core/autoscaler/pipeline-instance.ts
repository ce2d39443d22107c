/**
 * What every class instance built on core's {@link AutoscalerPipeline} does the same way:
 * the SKS and PodAutoscaler state it keeps, the reconciler's scaler step, settings updates
 * and the replica bounds. A class adds only its decision (`record`, `evaluate`) and says
 * whether it is panicking now.
 */
import type { AutoscalerClassSpec, ClassReconcileInput, ClassReconcileOutput, ClassStatus, ScaleBounds } from './classes.js';
import type { PodAutoscalerState } from './pa-status.js';
import { AutoscalerPipeline } from './pipeline.js';
import type { RevisionAutoscaling } from './revision.js';

export abstract class PipelineInstance {
  protected readonly p: AutoscalerPipeline;

  constructor(spec: AutoscalerClassSpec, nowSeconds: number) {
    this.p = new AutoscalerPipeline({ autoscaling: spec.autoscaling, nowSeconds, existingPods: spec.existingPods, restart: spec.restart });
  }

  /** Whether the class scales on its short window now (reported in {@link status}). */
  protected abstract get panicking(): boolean;

  get scrapes(): boolean {
    return this.p.scrapes;
  }

  get stableWindowSeconds(): number {
    return this.p.autoscaling.deciderSpec.stableWindowSeconds;
  }

  get reachable(): boolean {
    return this.p.reachable;
  }

  get pa(): PodAutoscalerState {
    return this.p.pa;
  }

  get sksProvisioned(): boolean {
    return this.p.sksProvisioned;
  }

  status(): ClassStatus {
    const s = this.p.status;
    return { desiredScale: s.desiredScale, excessBurstCapacity: s.excessBurstCapacity, inPanic: this.panicking };
  }

  reconcile(input: ClassReconcileInput): ClassReconcileOutput {
    // The pipeline keeps its own view of the SKS (it ignores `sks.provisioned`); a caller that has read the real one says so.
    const provisioned = input.sks.provisioned;
    if (provisioned !== undefined) this.p.sksProvisioned = provisioned;
    return this.p.reconcile(input);
  }

  setReachable(reachable: boolean): boolean {
    return this.p.setReachable(reachable);
  }

  update(autoscaling: RevisionAutoscaling, nowSeconds: number): boolean {
    return this.p.update(autoscaling, nowSeconds);
  }

  adoptPa(state: PodAutoscalerState): void {
    this.p.pa = state;
  }

  scaleBounds(): ScaleBounds {
    const s = this.p.settings;
    const scaleToZero = this.p.autoscaling.enableScaleToZero;
    const min = s.reachable ? s.minScale : 0;
    return { min: scaleToZero ? min : Math.max(min, 1), max: s.maxScale, scaleToZero };
  }
}
