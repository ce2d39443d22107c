/**
 * The autoscaler-class seam: what the decision loop ({@link DecisionLoop}) calls for one
 * revision, chosen by the revision's `autoscaling.knative.dev/class` annotation. Knative
 * runs one reconciler per class (the KPA for `kpa.autoscaling.knative.dev`, the HPA
 * class for `hpa.autoscaling.knative.dev`); here a class is a factory of per-revision
 * instances, and a registry maps class names to classes.
 *
 * The loop keeps the timing (ticks, pokes, requeues, pending reconciles, stale metrics)
 * and the decision records; a class keeps the decision math and the PodAutoscaler status
 * it reconciles. A new class (the HPA's replica calculator on CPU or memory, with its SKS
 * always in Serve and no scale to zero, or a user-supplied one) is one more
 * {@link AutoscalerClass} registered in an {@link AutoscalerClassRegistry}: neither the
 * loop nor the simulator's model changes.
 */
import { InvalidArgumentError } from '../errors.js';
import { KPA_CLASS } from './annotations.js';
import type { PodStat } from './collection.js';
import type { KpaScaleOutput } from './kpa.js';
import type { PodAutoscalerState } from './pa-status.js';
import type { PipelineReconcileInput } from './pipeline.js';
import { PipelineInstance } from './pipeline-instance.js';
import type { RevisionAutoscaling } from './revision.js';
import { hpaClass } from '../hpa/class.js';

/** Where a stat came from: a scrape of the revision's pods (the estimated revision total) or a push (an activator's). */
export type StatSource = 'scrape' | 'push';

/** How one revision's class instance starts. */
export interface AutoscalerClassSpec {
  /** The revision's resolved settings; `autoscaling.class` is the name this class was chosen by. */
  autoscaling: RevisionAutoscaling;
  /**
   * Ready pods of a revision that was running before this autoscaler started (see
   * `AutoscalerPipelineInit.existingPods`); undefined for a revision created now.
   */
  existingPods?: number | undefined;
  /**
   * The autoscaler process restarted (see `AutoscalerPipelineInit.restart`): the stored PA
   * status and the ready pods now. A class that keeps no state across a restart may ignore it.
   */
  restart?: { pa: PodAutoscalerState; readyPods: number } | undefined;
  /** The revision's name (for classes that report per revision, e.g. a user class's errors). */
  revision?: string | undefined;
}

/** The decision state a class reports at any time, also between evaluations. */
export interface ClassStatus {
  /** The last desired scale the class settled on (the multiscaler's DesiredScale). */
  desiredScale: number;
  /** Spare capacity beyond the burst target (KPA: EBC; a class without an activator reports 0). */
  excessBurstCapacity: number;
  /** The class is scaling on its short window (KPA panic mode; false for classes without one). */
  inPanic: boolean;
}

/** One evaluation of a class's decider. */
export interface ClassEvaluation extends ClassStatus {
  /** The metrics sufficed to decide; when false, `desiredPodCount` is meaningless and the status is unchanged. */
  valid: boolean;
  /** The pod count this evaluation asked for (when valid). */
  desiredPodCount: number;
  /** The PodAutoscaler must be reconciled (the decision changed what it acts on). */
  notify: boolean;
  /** The metric value over the stable window, per revision (NaN unless valid). */
  observedStable: number;
  /** The metric value over the panic window, per revision (NaN unless valid or the class has none). */
  observedPanic: number;
}

/**
 * What one PA reconcile reads besides the class's own state: the time, the revision's pod
 * counts, its Deployment's replicas and its ServerlessService. `sks.provisioned` says
 * whether the SKS exists and names its services; undefined keeps what the class last knew.
 */
export type ClassReconcileInput = Omit<PipelineReconcileInput, 'sks'> & {
  sks: PipelineReconcileInput['sks'] & { provisioned?: boolean | undefined };
};

/**
 * What one PA reconcile decided: the scale the PA heads for (`want`), the Deployment
 * replicas to write (if any), the SKS spec (Serve/Proxy and activators), a requeue, and
 * the new PodAutoscaler status. The KPA's own output; another class fills the same fields
 * (the HPA class: SKS always Serve, `applyReplicas` from its replica calculator).
 */
export type ClassReconcileOutput = KpaScaleOutput;

/** The Deployment replica bounds a class lets writers use. */
export interface ScaleBounds {
  /** Never scale below this; at least 1 when the class does not scale to zero now. */
  min: number;
  /** Never scale above this (0: no upper bound). */
  max: number;
  /** Whether the class may take the revision to zero pods at all. */
  scaleToZero: boolean;
}

/**
 * One revision's autoscaler of some class. Every method takes the time explicitly; an
 * instance never reads a clock, schedules, draws random numbers or does I/O.
 */
export interface AutoscalerClassInstance {
  /** Whether the revision's pods are to be scraped (false: pushed stats are all the class uses). */
  readonly scrapes: boolean;
  /** The stable window over which scraped pods count as old (for the scrape sample order). */
  readonly stableWindowSeconds: number;
  /** Whether the revision is reachable (routed to) as far as the class knows. */
  readonly reachable: boolean;
  /**
   * Optional: how often the loop evaluates this class (default: the KPA decider's 2 s).
   * The HPA class evaluates on the HPA controller's sync period (15 s).
   */
  readonly tickPeriodSeconds?: number;
  /** The PodAutoscaler status as the class keeps it. */
  readonly pa: PodAutoscalerState;
  /** Whether the class believes the SKS exists and names its services. */
  readonly sksProvisioned: boolean;
  /**
   * A metric sample: per-second concurrency and request counts today (a class may read
   * more fields later, e.g. CPU). Returns true when it pokes the class: the loop then
   * evaluates at once (the KPA at scale zero with load arriving).
   */
  record(stat: PodStat, source: StatSource): boolean;
  /**
   * One evaluation with the ready pods (undefined: they could not be counted); `poke` is
   * true when a pushed stat asked for it (see `record`), not a tick.
   */
  evaluate(nowSeconds: number, readyPods: number | undefined, poke?: boolean): ClassEvaluation;
  /** The decision state now (for records of ticks that did not evaluate). */
  status(): ClassStatus;
  /** One PodAutoscaler reconcile; the instance keeps the new PA status. */
  reconcile(input: ClassReconcileInput): ClassReconcileOutput;
  /** The revision's reachability changed; returns true if the PA spec changed (reconcile then). */
  setReachable(reachable: boolean): boolean;
  /**
   * Optional: the PA spec changed in place (patched annotations, a config-autoscaler
   * change) at `nowSeconds`; returns true if anything changed (reconcile then). A class
   * without it keeps the settings it was created with.
   */
  update?(autoscaling: RevisionAutoscaling, nowSeconds: number): boolean;
  /** Take over a PodAutoscaler status written elsewhere (another replica, a restart, a withheld condition). */
  adoptPa(state: PodAutoscalerState): void;
  /** The bounds any replica write must respect now. */
  scaleBounds(): ScaleBounds;
  /** Optional: the class's internal state as plain data, for logs and debugging. */
  snapshot?(): unknown;
}

/** An autoscaler class: a name (the annotation value) and a factory of per-revision instances. */
export interface AutoscalerClass {
  /** The `autoscaling.knative.dev/class` value that selects this class. */
  readonly name: string;
  /** Creates the autoscaler of one revision at time `nowSeconds`. */
  create(spec: AutoscalerClassSpec, nowSeconds: number): AutoscalerClassInstance;
}

/** The KPA as a class instance: core's {@link AutoscalerPipeline} (collection, decider, status, KPA scaler step) and its decision. */
class KpaInstance extends PipelineInstance implements AutoscalerClassInstance {
  protected get panicking(): boolean {
    return this.p.decider.inPanic;
  }

  record(stat: PodStat, source: StatSource): boolean {
    if (source === 'push') return this.p.recordPushed(stat);
    this.p.recordScrape(stat);
    return false;
  }

  evaluate(nowSeconds: number, readyPods: number | undefined): ClassEvaluation {
    const ev = this.p.evaluate(nowSeconds, readyPods);
    const obs = ev.observation;
    return {
      valid: ev.result.scaleValid,
      desiredPodCount: ev.result.desiredPodCount,
      notify: ev.notify,
      observedStable: obs ? obs.observedStable : Number.NaN,
      observedPanic: obs ? obs.observedPanic : Number.NaN,
      desiredScale: ev.status.desiredScale,
      excessBurstCapacity: ev.status.excessBurstCapacity,
      inPanic: ev.inPanic,
    };
  }

  snapshot(): unknown {
    return { status: { ...this.p.status }, pa: { ...this.p.pa }, settings: this.p.settings, inPanic: this.p.decider.inPanic };
  }
}

/** Knative's Pod Autoscaler, the default class. */
export const kpaClass: AutoscalerClass = {
  name: KPA_CLASS,
  create: (spec, nowSeconds) => new KpaInstance(spec, nowSeconds),
};

/** Maps `autoscaling.knative.dev/class` values to classes. */
export class AutoscalerClassRegistry {
  private readonly byName = new Map<string, AutoscalerClass>();

  constructor(classes: readonly AutoscalerClass[] = []) {
    for (const c of classes) this.register(c);
  }

  /** Adds a class; a name registered twice is an error (a class is never silently replaced). */
  register(c: AutoscalerClass): this {
    if (typeof c.name !== 'string' || c.name === '') throw new InvalidArgumentError('class.name', 'must be a non-empty string');
    if (this.byName.has(c.name)) throw new InvalidArgumentError('class.name', `autoscaler class ${JSON.stringify(c.name)} is already registered`);
    this.byName.set(c.name, c);
    return this;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The class named `name`; an unknown name is an {@link InvalidArgumentError} listing the known ones. */
  get(name: string): AutoscalerClass {
    const c = this.byName.get(name);
    if (c === undefined) {
      const known = [...this.byName.keys()].map((n) => JSON.stringify(n)).join(', ');
      throw new InvalidArgumentError('autoscaling.class', `unknown autoscaler class ${JSON.stringify(name)}; registered: ${known}`);
    }
    return c;
  }

  /** The registered class names, in registration order. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}

export { hpaClass };

/** A registry with the classes knsim ships: the KPA and the HPA class. Each call returns a new registry, free to extend. */
export function defaultAutoscalerClasses(): AutoscalerClassRegistry {
  return new AutoscalerClassRegistry([kpaClass, hpaClass]);
}
