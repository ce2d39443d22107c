/**
 * The controller adapter: knsim's autoscaler (core's {@link DecisionLoop}, the one the
 * simulator runs) driven by a real cluster. The adapter does the Kubernetes I/O only:
 * it watches pods, PodAutoscalers and SKSs (informers, see {@link WatchedCollection}),
 * scrapes queue-proxies, and writes replicas, SKSs and PA status as the loop decides.
 *
 * - config-autoscaler and config-deployment are watched (see `reloadConfig`, `reloadDeployment`):
 *   a write of either is taken at once, and every PA reconciled then (see `globalResync`).
 * - Every resync: list the Revisions to manage (apply: those of the knsim class and of the
 *   user classes given in `autoscalerClasses`; shadow: every KPA-, knsim- or user-class revision);
 *   read either ConfigMap again if it is not watched (no watch given, or the watch refused).
 * - Every 1 s: take each namespace's revision pods as the informer has them, scrape a sample of each revision's
 *   queue-proxies into its metric collection, and run reconciles that are due (an informer
 *   event of a pod, of the PA or of an SKS it controls, requeue time reached, or a held one).
 * - Every 2 s: take the PodAutoscalers as last seen (reachability; Knative's own decision), evaluate
 *   each revision's decider, reconcile when the multiscaler would notify, and report.
 *
 * In apply mode the controller is also the reconciler of knsim's PodAutoscaler class (what
 * Knative's KPA does for its own): for each knsim-class PodAutoscaler it keeps the
 * revision's ServerlessService as the KPA step decides (Serve/Proxy, activators) and writes
 * the PodAutoscaler's status (service names, scales, Active / ScaleTargetInitialized /
 * SKSReady / Ready), which Knative needs to mark the revision Ready. Every informer event of
 * the PA (any write, someone else's: its own status writes are followed up at once) or of
 * an SKS it controls enqueues it, as upstream's KPA controller does.
 *
 * Ticks driven from outside `run` (tests, tools) list pods, PAs and SKSs once per tick instead:
 * a pod, PA or SKS listed with another version than before stands for its event.
 *
 * Writes (apply mode only, never with dry-run or in shadow mode) are Deployment scale
 * patches through {@link ScaleWriter} and SKS / PA status writes through
 * {@link ClassReconciler}, and only while this replica leads (Lease).
 */
import { setMaxListeners } from 'node:events';
import type { AutoscalerClass, AutoscalerClassRegistry, AutoscalerConfig, DecisionTick, LoopReconcile, LoopReconcileInput, SksMode } from '../core/autoscaler/index.js';
import {
  AutoscalerConfigError,
  DECIDER_PERIOD_SECONDS,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  DecisionLoop,
  FieldError,
  KPA_CLASS,
  MIN_ACTIVATORS,
  SCRAPE_PERIOD_SECONDS,
  defaultAutoscalerClasses,
} from '../core/autoscaler/index.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { ClassReconciler, classWriteDone } from './class-reconciler.js';
import type { Clock } from './clock.js';
import type { ShadowRow } from './decision-csv.js';
import { configMapsPath, isForbidden, listConfigMapItems, nameSelector } from './config-watch.js';
import { describeError, type KubeClients } from './kube.js';
import type { LeaderElector } from './leader.js';
import type { Logger } from './log.js';
import { DEFAULT_RESYNC_SECONDS, WatchedCollection, type WatchEventType } from './informer.js';
import type { V1Pod } from '@kubernetes/client-node';
import { groupByRevision, listRevisionPodItems, listRevisionPods, podCounts, podInfo, podsPath, REVISION_LABEL, revisionsWithPodEvents, scrapeablePods, type PodCounts, type PodInfo } from './pods.js';
import { adoptPodAutoscalerStatus, desiredPodAutoscalerStatus, statusBody, type SksView } from './podautoscaler-status.js';
import { fetchQueueProxyStat, podMetricsUrl, SCRAPE_TIMEOUT_SECONDS, scrapeRevision, type ScrapeUrl } from './qp-scraper.js';
import {
  adapterAutoscaling,
  configDataKey,
  deploymentConfigErrorLine,
  deploymentName,
  KNSIM_CLASS,
  listPodAutoscalerItems,
  listPodAutoscalers,
  listRevisions,
  parsePodAutoscaler,
  podAutoscalersByName,
  podAutoscalersPath,
  type LoadedAutoscalerConfig,
  type LoadedDeploymentConfig,
  type PodAutoscalerObject,
  type RevisionObject,
} from './revisions.js';
import { ScaleWriter, type ScaleRead } from './scale-writer.js';
import { reconcileAction } from './scale-actions.js';
import {
  activatorEndpointsPopulated,
  activatorEndpointsPopulatedSince,
  controlledBy,
  controllingPodAutoscaler,
  listServerlessServiceItems,
  listServerlessServices,
  parseServerlessService,
  serverlessServicesByName,
  serverlessServicesPath,
  sksNotReadyMessage,
  sksReady,
  type ServerlessServiceObject,
} from './sks.js';

export type ControllerMode = 'shadow' | 'apply';

/** How the controller takes config-autoscaler again (see `ControllerOptions.reloadConfig`). */
export interface ConfigReload {
  where: string;
  load: () => Promise<LoadedAutoscalerConfig>;
  watch?: { namespace: string; name: string; parse: (configMap: unknown) => LoadedAutoscalerConfig } | undefined;
  /**
   * The read at the start was refused (403; reported there, Knative's defaults plus the
   * overrides used meanwhile): taken as `DeploymentReload.refusedAtStart` says.
   */
  refusedAtStart?: boolean | undefined;
}

/** How the controller takes config-deployment again, as config-autoscaler (see `ControllerOptions.reloadDeployment`). */
export interface DeploymentReload {
  where: string;
  load: () => Promise<LoadedDeploymentConfig>;
  watch?: { namespace: string; name: string; parse: (configMap: unknown) => LoadedDeploymentConfig } | undefined;
  /**
   * The read at the start was refused (403; reported there, Knative's 600 s used meanwhile): its
   * watch is retried on the reflector's backoff as the other watches are, a 403 not giving it up
   * nor logged again, and the ConfigMap is taken once a list of it is answered.
   */
  refusedAtStart?: boolean | undefined;
}

export { isScaleAction } from './scale-actions.js';

export interface ControllerOptions {
  kube: KubeClients;
  clock: Clock;
  logger: Logger;
  mode: ControllerMode;
  /** Compute and log writes without sending them (apply mode). */
  dryRun: boolean;
  namespaces: readonly string[];
  /** Only revisions matching this label selector. */
  labelSelector?: string | undefined;
  /** The cluster's `config-autoscaler` (plus overrides), parsed. */
  config: AutoscalerConfig;
  /**
   * Takes `config-autoscaler` again (plus overrides) while `run` runs: a changed config is
   * applied to every managed revision, as Knative's config store does; one Knative would
   * refuse (an AutoscalerConfigError) is reported and the last good one kept. `where` names
   * the ConfigMap in that report (`knative-serving/config-autoscaler`). With `watch`, an
   * informer on that ConfigMap delivers each write at once, as Knative's InformedWatcher
   * does (`parse` reads an event's object); without it, or once the API server refuses the
   * watch (403), `load` reads it at every revision resync.
   */
  reloadConfig?: ConfigReload | undefined;
  /** The ConfigMap data `config` was parsed from, if known: a later read with other data resyncs every PA. */
  configData?: Readonly<Record<string, string>> | undefined;
  /** The ConfigMap's resourceVersion as of that read, if known: a later read with another one resyncs every PA too. */
  configResourceVersion?: string | undefined;
  /** The cluster's `config-deployment` progress-deadline, seconds (Knative's 600 when not given). */
  progressDeadlineSeconds?: number | undefined;
  /**
   * Takes `config-deployment` again while `run` runs, as `reloadConfig` does config-autoscaler:
   * upstream's KPA controller keeps it in the same config store and resyncs every PA of its
   * class when it changes (its progress-deadline sets when an activating PA gives up).
   */
  reloadDeployment?: DeploymentReload | undefined;
  /** config-deployment's resourceVersion as of the read that gave `progressDeadlineSeconds`, if known. */
  deploymentResourceVersion?: string | undefined;
  /** Let revisions go to zero (see `adapterAutoscaling`). */
  allowScaleToZero: boolean;
  /**
   * User-written classes (already loaded, see `knsim controller --autoscaler-class`): revisions
   * whose `autoscaling.knative.dev/class` names one are managed as knsim-class ones, their
   * loops running that class. Names ending in `.knative.dev`, or knsim's own class, are refused.
   */
  autoscalerClasses?: readonly AutoscalerClass[] | undefined;
  /** Hold decisions when ready pods have had no good scrape for this long (default 5 s). */
  staleAfterSeconds?: number;
  /** Subtract queue-proxies' proxied counts (only right when activator stats arrive too). */
  subtractProxied?: boolean;
  /** Where pods' autoscaler metrics are served (default http://<podIP>:9090/metrics). */
  scrapeUrl?: ScrapeUrl;
  scrapeTimeoutSeconds?: number;
  /** Uniform in [0, 1): scrape order shuffles and backoff jitter. */
  random?: () => number;
  /** Receives every decision row (CSV writer, tests). */
  onRow?: (row: ShadowRow) => void;
  /** Required in apply mode without dry-run: writes only while leading. */
  leader?: LeaderElector | undefined;
  backoff?: BackoffOptions;
  /**
   * Periods of the run loop (tests may shorten them): scrape 1 s and decide 2 s as upstream;
   * revisions listed every `resyncSeconds` (10 s); the informers of pods, PodAutoscalers and
   * ServerlessServices relist every `watchResyncSeconds` (upstream's 10 h).
   */
  periods?: { scrapeSeconds?: number; decideSeconds?: number; resyncSeconds?: number; watchResyncSeconds?: number };
}

interface Managed {
  rev: RevisionObject;
  /** Core's decision loop of the revision (the one the simulator runs). */
  loop: DecisionLoop;
  deployment: string;
  reachable: boolean;
  /** Shadow mode: the replicas knsim would have set. */
  virtualReplicas: number;
  /** Last scale read (apply / dry-run), reused by the next write as its precondition. */
  lastRead: ScaleRead | undefined;
  /** The Deployment's replicas as last read or written. */
  knownReplicas: number | undefined;
  lastLogged: string;
  /** Apply mode: the PodAutoscaler as last seen (list, or a status write's answer). */
  pa: Seen<PodAutoscalerObject | undefined>;
  /** Apply mode: the SKS as last seen (null: none; undefined: not known yet). */
  sks: Seen<ServerlessServiceObject | null | undefined>;
  /** The SKS as the last reconcile left it (see {@link sksSignature}): another state reconciles again. */
  sksActedOn: string | undefined;
  /** The PA status last adopted or written (wire JSON): any other is someone else's, and adopted. */
  statusSeen: string | undefined;
  /**
   * The resourceVersions of this controller's own status writes whose watch events have not
   * come yet: the follow-up reconciles of `reconcile` stood for them (oldest first, a few kept).
   */
  ownPaVersions: string[];
  /**
   * While a status write of this controller is in flight: the PA events that arrived
   * meanwhile, in watch order (one may be the write's own, come before its reply); see
   * {@link releasePaEvents}.
   */
  heldPaEvents: HeldPaEvent[] | undefined;
  /** A reconcile is under way (the scrape and decide loops run concurrently). */
  reconciling: boolean;
  /**
   * Enqueued while `reconciling` (client-go's workqueue: a key being processed is marked
   * dirty, and queued again the moment its processing is done): one more reconcile runs then.
   */
  dirty: boolean;
  /** The ConfigMap whose resync made it dirty, if one did: the rerun writes that resync's row. */
  dirtyBy: string | undefined;
  /** The current reconcile changed the PA status (or, dry-run, would have): it runs once more. */
  paUpdated: boolean;
  /** Dry-run: the loop's PA state (JSON) as of the last status that would have been written. */
  dryRunState: string | undefined;
}

/**
 * A value as of some point in the controller's sequence of API calls: a list's answer is
 * as of when it was sent, a write's answer as of when it came back, so a list that was
 * under way while a write completed cannot replace the newer written object.
 */
interface Seen<T> {
  value: T;
  seq: number;
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Reconciles run at once after status writes of one reconcile (see `reconcile`). */
const FOLLOW_UP_RECONCILES = 3;

/** Own status writes whose watch events are awaited (see `ownPaVersions`): more would mean events were lost. */
const OWN_VERSIONS_KEPT = 8;

interface HeldPaEvent {
  pa: PodAutoscalerObject;
  type: WatchEventType;
}

interface NamespaceWatch {
  pods: WatchedCollection;
  pas: WatchedCollection;
  paSeq: number;
  /** Apply mode only. */
  skss: WatchedCollection | undefined;
  sksSeq: number;
}

/** What about an SKS makes its PA reconcile again when it changes. */
function sksSignature(sks: ServerlessServiceObject | null | undefined): string {
  if (sks === undefined) return 'unknown';
  if (sks === null) return 'none';
  const populated = sks.status.conditions.find((c) => c.type === 'ActivatorEndpointsPopulated');
  return JSON.stringify([
    sks.generation,
    sks.status.observedGeneration,
    sks.spec.mode,
    sks.spec.numActivators,
    sks.status.serviceName,
    sks.status.privateServiceName,
    sksReady(sks),
    sksNotReadyMessage(sks),
    populated?.status,
    populated?.lastTransitionTime,
  ]);
}

export class Controller {
  private readonly o: ControllerOptions;
  private readonly writer: ScaleWriter;
  private readonly revisions = new Map<string, RevisionObject>();
  private readonly managed = new Map<string, Managed>();
  private readonly classes: ClassReconciler;
  private readonly pods = new Map<string, { at: number; byRevision: Map<string, PodInfo[]> }>();
  private readonly pas = new Map<string, { seq: number; byName: Map<string, PodAutoscalerObject> }>();
  private readonly skss = new Map<string, { seq: number; byName: Map<string, ServerlessServiceObject> }>();
  /** While `run` runs: each namespace's informers, and the sequence number of their last change. */
  private readonly watched = new Map<string, NamespaceWatch>();
  /** Orders API answers (see {@link Seen}). */
  private seq = 0;
  /** While `run` runs: the ticks do not wait for the reconciles they start (see {@link reconcileApart}). */
  private detached = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly readBackoffs = new Map<string, Backoff>();
  private readonly staleAfter: number;
  private readonly random: () => number;
  /** The user classes by name, and the registry every loop looks its class up in. */
  private readonly userClasses: ReadonlySet<string>;
  private readonly registry: AutoscalerClassRegistry;
  /** The config-autoscaler in force: the last good one read. */
  private config: AutoscalerConfig;
  /** The last refused config-autoscaler's error, so it is reported once, not at every resync. */
  private refusedConfig: string | undefined;
  /** The config-autoscaler data last read (see {@link syncConfig}); undefined: not known yet. */
  private configData: string | undefined;
  /** The config-autoscaler resourceVersion last read; undefined: not known yet. */
  private configVersion: string | undefined;
  /** Whether the run loop's resync reads config-autoscaler (not watched, or the watch refused). */
  private configPolled = true;
  /** config-autoscaler, refused at the start, has been read since (see `ConfigReload.refusedAtStart`). */
  private configRead = false;
  /** config-deployment's progress deadline in force (undefined: Knative's 600 s), its resourceVersion, its last refusal. */
  private progressDeadline: number | undefined;
  private deploymentVersion: string | undefined;
  private refusedDeployment: string | undefined;
  /** config-deployment, refused at the start, has been read since (see `DeploymentReload.refusedAtStart`). */
  private deploymentRead = false;
  /** Whether the run loop's resync reads config-deployment (not watched, or the watch refused). */
  private deploymentPolled = true;

  constructor(o: ControllerOptions) {
    if (o.mode === 'apply' && !o.dryRun && !o.leader) throw new Error('apply mode without --dry-run needs leader election');
    this.o = o;
    this.config = o.config;
    this.configData = o.configData === undefined ? undefined : configDataKey(o.configData);
    this.configVersion = o.configResourceVersion;
    this.progressDeadline = o.progressDeadlineSeconds;
    this.deploymentVersion = o.deploymentResourceVersion;
    this.registry = defaultAutoscalerClasses();
    for (const c of o.autoscalerClasses ?? []) {
      if (c.name.endsWith('.knative.dev') || c.name === KNSIM_CLASS) throw new Error(`autoscaler class ${JSON.stringify(c.name)} is reserved (Knative's or knsim's own)`);
      this.registry.register(c);
    }
    this.userClasses = new Set((o.autoscalerClasses ?? []).map((c) => c.name));
    this.staleAfter = o.staleAfterSeconds ?? 5;
    this.random = o.random ?? Math.random;
    const backoff = o.backoff ?? DEFAULT_BACKOFF;
    const writerOptions = {
      kube: o.kube,
      clock: o.clock,
      logger: o.logger,
      dryRun: o.dryRun || o.mode === 'shadow',
      mayWrite: () => o.mode === 'apply' && !o.dryRun && (o.leader?.isLeader() ?? false),
      newBackoff: () => new Backoff({ ...backoff, random: this.random }),
    };
    this.writer = new ScaleWriter(writerOptions);
    this.classes = new ClassReconciler(writerOptions);
  }

  private nextSeq(): number {
    return ++this.seq;
  }

  /**
   * Notes the PA as seen at `seq`; in apply mode a new PA or a changed spec reconciles again.
   * Listed, not watched (ticks driven from outside), any other write of it since (another
   * resourceVersion: a status, label or annotation patch by someone else) is its update event.
   */
  private observePa(m: Managed, pa: PodAutoscalerObject | undefined, seq: number): void {
    if (seq < m.pa.seq) return;
    const before = m.pa.value;
    m.pa = { value: pa, seq };
    if (this.o.mode !== 'apply' || pa === undefined) return;
    const written = !this.watched.has(m.rev.namespace) && before?.resourceVersion !== pa.resourceVersion;
    if (before === undefined || before.generation !== pa.generation || written) this.enqueue(m);
  }

  /**
   * The PA informer saw an add, update or delete of a PodAutoscaler (any write: spec, status,
   * labels, annotations, whoever wrote it): in apply mode its revision's PA reconciles at the
   * next scrape tick (one pending reconcile however many events), with the PA as the event
   * has it, as upstream's KPA controller enqueues its class's PAs on every informer event.
   * The events of this controller's own status writes enqueue nothing: the follow-up
   * reconciles of `reconcile` already ran for them, and the PA they hold is no newer. One can
   * come before its write's reply, so events arriving while a write is in flight are held
   * until the reply says which is its own (see {@link releasePaEvents}).
   */
  private paEvent(ns: string, obj: unknown, type: WatchEventType): void {
    const pa = parsePodAutoscaler(obj, ns);
    const m = pa === undefined ? undefined : this.managed.get(key(ns, pa.name));
    if (pa === undefined || m === undefined || this.o.mode !== 'apply') return;
    if (m.heldPaEvents !== undefined) m.heldPaEvents.push({ pa, type });
    else this.takePaEvent(m, pa, type, true);
  }

  /**
   * One PA event: the event of an own status write enqueues nothing; any other enqueues the
   * PA, and, unless an own write's reply is known to be newer (`newer` false), is the PA as last seen.
   */
  private takePaEvent(m: Managed, pa: PodAutoscalerObject, type: WatchEventType, newer: boolean): void {
    const own = type === 'delete' || pa.resourceVersion === undefined ? -1 : m.ownPaVersions.indexOf(pa.resourceVersion);
    if (own >= 0) {
      m.ownPaVersions.splice(0, own + 1);
      return;
    }
    if (newer) m.pa = { value: type === 'delete' ? undefined : pa, seq: this.nextSeq() };
    this.enqueue(m);
  }

  /**
   * The PA events held while a status write was in flight, once its reply is in (`written`:
   * the resourceVersion it wrote; undefined: nothing written, or the reply lost). The write's
   * own event is dropped; those before it in watch order are older than the reply's PA and only
   * enqueue the PA (someone else wrote it), those after it are taken as any event. If its event
   * has not come yet, every held one is older, and its version is awaited (`ownPaVersions`).
   */
  private releasePaEvents(m: Managed, held: readonly HeldPaEvent[], written: string | undefined): void {
    const at = written === undefined ? -1 : held.findIndex((e) => e.type !== 'delete' && e.pa.resourceVersion === written);
    if (written !== undefined && at < 0) m.ownPaVersions = [...m.ownPaVersions, written].slice(-OWN_VERSIONS_KEPT);
    held.forEach((e, i) => {
      if (i !== at) this.takePaEvent(m, e.pa, e.type, written === undefined || (at >= 0 && i > at));
    });
  }

  /**
   * The SKS informer saw an add, update or delete of a ServerlessService that a PodAutoscaler
   * controls: that PA's revision reconciles at the next scrape tick, with the SKS as the event
   * has it, as upstream's KPA controller enqueues the controller of every SKS event (its own
   * writes' too). The not-owned backoff ends: whatever made the SKS someone else's may be gone.
   */
  private sksEvent(ns: string, obj: unknown, type: WatchEventType): void {
    const sks = parseServerlessService(obj, ns);
    const owner = sks === undefined ? undefined : controllingPodAutoscaler(sks);
    const m = owner === undefined ? undefined : this.managed.get(key(ns, owner));
    if (sks === undefined || m === undefined || this.o.mode !== 'apply') return;
    // The PA's own SKS has its name; another one it controls only enqueues it.
    if (sks.name === m.rev.name) m.sks = { value: type === 'delete' ? null : sks, seq: this.nextSeq() };
    this.enqueue(m);
    this.classes.sksChanged({ namespace: ns, name: m.rev.name });
  }

  /**
   * A pod of a revision was added, updated or deleted: its PA reconciles (at the next scrape
   * tick; one pending reconcile however many events), as upstream's KPA controller enqueues
   * the PA on any event of its revision's pods, not only on a change of the pod counts.
   */
  private podEvent(ns: string, pod: unknown): void {
    const revision = podInfo(pod as V1Pod)?.revision;
    const m = revision === undefined ? undefined : this.managed.get(key(ns, revision));
    if (m !== undefined) this.enqueue(m);
  }

  /**
   * The PA is put in the workqueue (an informer event, a config resync): it reconciles at the
   * next tick, or, if a reconcile of it is under way, once more as soon as that one ends, as
   * client-go's workqueue marks a key being processed dirty and hands it out again at Done.
   * The retries a reconcile asks for itself are not enqueues (upstream requeues those with a
   * delay): they wait for the next tick.
   */
  private enqueue(m: Managed): void {
    m.loop.requestReconcile();
    if (m.reconciling) m.dirty = true;
  }

  /** Notes the SKS as seen at `seq`; if it differs from what the last reconcile acted on, reconciles again. */
  private observeSks(m: Managed, sks: ServerlessServiceObject | null | undefined, seq: number): void {
    if (seq < m.sks.seq) return;
    m.sks = { value: sks, seq };
    if (this.o.mode === 'apply' && m.sksActedOn !== undefined && sksSignature(sks) !== m.sksActedOn) {
      this.enqueue(m);
      // A changed SKS is looked at now (as a watch event is, upstream), not after the not-owned backoff.
      if (m.pa.value !== undefined) this.classes.sksChanged(m.pa.value);
    }
  }

  /** Whether this controller writes at all (apply mode, no dry-run). */
  get writes(): boolean {
    return this.o.mode === 'apply' && !this.o.dryRun;
  }

  /** Reconciles started by the run loop's ticks and not finished yet (for tests and status). */
  get reconcilesInFlight(): number {
    return this.inFlight.size;
  }

  /** This controller's PA status writes whose watch events have not come yet (for tests and status). */
  get ownStatusWritesAwaited(): number {
    let n = 0;
    for (const m of this.managed.values()) n += m.ownPaVersions.length;
    return n;
  }

  /** The managed revisions' loops (for tests and status). */
  loops(): DecisionLoop[] {
    return [...this.managed.values()].map((m) => m.loop);
  }

  private readBackoff(k: string): Backoff {
    let b = this.readBackoffs.get(k);
    if (!b) {
      b = new Backoff({ ...(this.o.backoff ?? DEFAULT_BACKOFF), random: this.random });
      this.readBackoffs.set(k, b);
    }
    return b;
  }

  /** Runs `fn` unless its backoff forbids; failures back off. Returns undefined on failure or while backing off. */
  private async guardedRead<T>(k: string, what: string, fn: () => Promise<T>): Promise<T | undefined> {
    const b = this.readBackoff(k);
    if (!b.ready(this.o.clock.now())) return undefined;
    try {
      const v = await fn();
      b.succeed();
      return v;
    } catch (e) {
      const delay = b.fail(this.o.clock.now());
      this.o.logger.warn(`${what} failed; backing off`, { reason: describeError(e), retryInSeconds: Math.round(delay * 1000) / 1000 });
      return undefined;
    }
  }

  /** Whether the revision's class is one this controller is the reconciler of (knsim's or a user class). */
  private ownClass(rev: RevisionObject): boolean {
    return rev.autoscalerClass === KNSIM_CLASS || this.userClasses.has(rev.autoscalerClass);
  }

  private wants(rev: RevisionObject): boolean {
    if (this.o.mode === 'apply') return this.ownClass(rev);
    const cls = rev.autoscalerClass === '' ? this.config.podAutoscalerClass : rev.autoscalerClass;
    return cls === KPA_CLASS || this.ownClass(rev);
  }

  /**
   * A user class's module failed (threw, broke a rule of the interface, ran over its time
   * budget): the revision is no longer managed (its Deployment keeps its replicas) until
   * the controller restarts. Anything else is rethrown: it is knsim's bug, not the module's.
   */
  private userClassFailed(rev: RevisionObject, e: unknown): void {
    if (!this.userClasses.has(rev.autoscalerClass)) throw e;
    const k = key(rev.namespace, rev.name);
    this.managed.delete(k);
    this.classFailed.add(k);
    this.o.logger.error('autoscaler class failed; stopped managing the revision', { revision: k, class: rev.autoscalerClass, reason: describeError(e) });
  }

  /** The revision's autoscaling under the config in force. @throws for settings Knative would refuse. */
  private autoscalingOf(rev: RevisionObject, reachable: boolean) {
    const userClass = this.userClasses.has(rev.autoscalerClass) ? rev.autoscalerClass : undefined;
    return adapterAutoscaling(this.config, rev, { reachable, allowScaleToZero: this.o.allowScaleToZero, userClass, progressDeadlineSeconds: this.progressDeadline });
  }

  /**
   * Reads config-autoscaler again (see `reloadConfig`). A missing ConfigMap changes nothing
   * (Knative's watcher ignores the delete of a ConfigMap it has no default for); a value
   * Knative would refuse is logged once, naming the ConfigMap, the key and the rule, and the
   * last good config stays (knative.dev/pkg configmap UntypedStore.OnConfigChanged). Any other
   * write of it — one that changes no setting, only its labels or annotations, or a delete
   * and re-create with the same data (a new resourceVersion, as the watcher's update or add
   * event), or the first good read after a refused one — is stored, and every managed
   * revision takes the new config and has its PA reconciled at once, whether its settings
   * changed or not: upstream's KPA controller resyncs every PA of its class on each config
   * change it stores, whatever changed in the ConfigMap (see {@link globalResync}).
   */
  async syncConfig(): Promise<void> {
    const reload = this.o.reloadConfig;
    if (reload === undefined) return;
    const loaded = await this.guardedRead('config-autoscaler', `read ${reload.where}`, () =>
      reload.load().catch((e: unknown) => {
        if (e instanceof AutoscalerConfigError) return e;
        throw e;
      }),
    );
    if (loaded !== undefined) await this.takeConfig(reload.where, loaded);
  }

  /**
   * The config-autoscaler watch saw an add or update: taken as a read of it is (see
   * `syncConfig`). A delete changes nothing (Knative's watcher ignores it: config-autoscaler
   * has no default ConfigMap), nor does a relist's add of the object already taken.
   */
  private configEvent(obj: unknown, type: WatchEventType): void {
    const reload = this.o.reloadConfig;
    if (reload?.watch === undefined || type === 'delete') return;
    let loaded: LoadedAutoscalerConfig | AutoscalerConfigError;
    try {
      loaded = reload.watch.parse(obj);
    } catch (e) {
      // Thrown here it would end the process from inside the informer's callback: logged instead, the config kept.
      if (!(e instanceof AutoscalerConfigError)) {
        this.o.logger.error(`${reload.where}: cannot take the watched object; keeping the last good config`, { reason: describeError(e) });
        return;
      }
      loaded = e;
    }
    // Within `run` (the only place events come from) the resync's reconciles go on apart.
    void this.takeConfig(reload.where, loaded).catch((e: unknown) => this.o.logger.error('config resync failed', { reason: describeError(e) }));
  }

  /** Applies config-autoscaler as read or watched (see `syncConfig`); resolves once its resync's reconciles have. */
  private takeConfig(where: string, loaded: LoadedAutoscalerConfig | AutoscalerConfigError): Promise<void> {
    if (loaded instanceof AutoscalerConfigError) {
      if (loaded.message !== this.refusedConfig) {
        this.refusedConfig = loaded.message;
        this.o.logger.error(`${where}: ${loaded.key}=${JSON.stringify(loaded.value)}: ${loaded.first.message}; keeping the last good config`);
      }
      return Promise.resolve();
    }
    const afterRefused = this.refusedConfig !== undefined;
    this.refusedConfig = undefined;
    if (!loaded.found) return Promise.resolve();
    if (this.o.reloadConfig?.refusedAtStart === true && !this.configRead) {
      this.configRead = true;
      this.o.logger.info(`${where} read after the refusal at the start`);
    }
    const data = loaded.data === undefined ? undefined : configDataKey(loaded.data);
    const dataChanged = data !== undefined && this.configData !== undefined && data !== this.configData;
    if (data !== undefined) this.configData = data;
    // The informed watcher ignores only an update with the resourceVersion it already has.
    const version = loaded.resourceVersion;
    const written = version !== undefined && this.configVersion !== undefined && version !== this.configVersion;
    if (version !== undefined) this.configVersion = version;
    if (!afterRefused && !dataChanged && !written && JSON.stringify(loaded.config) === JSON.stringify(this.config)) return Promise.resolve();
    this.config = loaded.config;
    this.o.logger.info('config-autoscaler changed; applying it', { configMap: where });
    return this.globalResync('config-autoscaler');
  }

  /**
   * Reads config-deployment again (see `reloadDeployment`), taken as config-autoscaler is:
   * a missing ConfigMap changes nothing, one Knative would refuse (any key its parser checks:
   * an unset queue-sidecar-image, a malformed quantity, …) is logged once, naming the key and
   * the rule, and the last good one kept, as its config store keeps it; any other write of it (a new resourceVersion, even
   * one to keys knsim does not use: upstream's store takes the whole ConfigMap) resyncs
   * every PA at once with the deadline it gives.
   */
  async syncDeploymentConfig(): Promise<void> {
    const reload = this.o.reloadDeployment;
    if (reload === undefined) return;
    const loaded = await this.guardedRead('config-deployment', `read ${reload.where}`, () =>
      reload.load().catch((e: unknown) => {
        if (e instanceof FieldError) return e;
        throw e;
      }),
    );
    if (loaded !== undefined) await this.takeDeployment(reload.where, loaded);
  }

  /** The config-deployment watch saw an add or update (a delete changes nothing, as for config-autoscaler). */
  private deploymentEvent(obj: unknown, type: WatchEventType): void {
    const reload = this.o.reloadDeployment;
    if (reload?.watch === undefined || type === 'delete') return;
    let loaded: LoadedDeploymentConfig | FieldError;
    try {
      loaded = reload.watch.parse(obj);
    } catch (e) {
      if (!(e instanceof FieldError)) {
        this.o.logger.error(`${reload.where}: cannot take the watched object; keeping the last good config`, { reason: describeError(e) });
        return;
      }
      loaded = e;
    }
    void this.takeDeployment(reload.where, loaded).catch((e: unknown) => this.o.logger.error('config resync failed', { reason: describeError(e) }));
  }

  /** Applies config-deployment as read or watched (see `syncDeploymentConfig`). */
  private takeDeployment(where: string, loaded: LoadedDeploymentConfig | FieldError): Promise<void> {
    if (loaded instanceof FieldError) {
      if (loaded.message !== this.refusedDeployment) {
        this.refusedDeployment = loaded.message;
        this.o.logger.error(`${deploymentConfigErrorLine(where, loaded)}; keeping the last good config`);
      }
      return Promise.resolve();
    }
    const afterRefused = this.refusedDeployment !== undefined;
    this.refusedDeployment = undefined;
    if (!loaded.found) return Promise.resolve();
    if (this.o.reloadDeployment?.refusedAtStart === true && !this.deploymentRead) {
      this.deploymentRead = true;
      this.o.logger.info(`${where} read after the refusal at the start`, { progressDeadlineSeconds: loaded.progressDeadlineSeconds });
    }
    const version = loaded.resourceVersion;
    // Without a version to compare (none read before), only another deadline is a change.
    const written = version !== undefined && version !== this.deploymentVersion && (this.deploymentVersion !== undefined || this.progressDeadline !== undefined);
    if (version !== undefined) this.deploymentVersion = version;
    if (!afterRefused && !written && loaded.progressDeadlineSeconds === (this.progressDeadline ?? DEFAULT_PROGRESS_DEADLINE_SECONDS)) return Promise.resolve();
    this.progressDeadline = loaded.progressDeadlineSeconds;
    this.o.logger.info('config-deployment changed; applying it', { configMap: where, progressDeadlineSeconds: loaded.progressDeadlineSeconds });
    return this.globalResync('config-deployment');
  }

  /**
   * A config change the store took: every PA of the class is reconciled at once, whether its
   * settings changed or not — upstream's KPA controller puts every PA of its class in its
   * workqueue (FilteredGlobalResync over the PA informer, the slow lane), served right away,
   * not at a scrape tick. Here that is every revision of the class as last listed: the managed
   * ones take their settings under the config now in force; the others (listed since the
   * last tick, or refused under the old config) are taken on under it. Each such reconcile
   * writes a decision row of its own, its action naming the ConfigMap (see {@link resyncReconcile}).
   * A PA with no fresh pod counts yet (none listed within the stale limit) stays enqueued for
   * the next tick. Within `run` the reconciles go on apart; resolves once they have started
   * (or, ticks driven from outside, finished).
   */
  private async globalResync(what: string): Promise<void> {
    // Revisions refused under the old config are looked at again under the new one.
    this.invalid.clear();
    const now = this.o.clock.now();
    const work: Promise<void>[] = [];
    const podsByNs = new Map<string, Map<string, PodInfo[]> | undefined>();
    for (const rev of [...this.revisions.values()]) {
      const k = key(rev.namespace, rev.name);
      const ns = rev.namespace;
      if (!podsByNs.has(ns)) podsByNs.set(ns, this.podsNow(ns, now));
      const pods = podsByNs.get(ns);
      let m = this.managed.get(k);
      if (m === undefined) {
        // Not managed yet: taken on under the new config (the next tick would do it, later).
        if (pods === undefined) continue;
        m = this.ensureManaged(rev, pods.get(rev.name) ?? [], now);
        if (m === undefined) continue;
      } else {
        this.enqueue(m);
        let autoscaling;
        try {
          autoscaling = this.autoscalingOf(m.rev, true);
        } catch (e) {
          this.o.logger.error(`revision has invalid autoscaling settings under the new ${what}; keeping its settings`, { revision: k, reason: describeError(e) });
          autoscaling = undefined;
        }
        if (autoscaling !== undefined) {
          try {
            m.loop.update(autoscaling, now);
          } catch (e) {
            this.userClassFailed(m.rev, e);
            continue;
          }
        }
      }
      if (pods === undefined) continue;
      const counts = podCounts(pods.get(rev.name) ?? []);
      const managed = m;
      work.push(this.reconcileApart(managed, () => this.resyncReconcile(managed, counts, what)));
    }
    await Promise.all(work);
  }

  /**
   * One reconcile a config change caused, and its decision row: at its instant, with no decider
   * evaluation (`valid` false, the observed averages empty, `knsim_desired` the PA's last), and
   * its action prefixed with the ConfigMap (`config-autoscaler: scale 1->3`), so a scale it
   * makes is in the CSV and counted. A PA whose reconcile is under way is marked dirty: its
   * rerun, when that one ends, writes the row (see {@link reconcileDirty}).
   */
  private async resyncReconcile(m: Managed, counts: PodCounts, cause: string): Promise<void> {
    if (m.reconciling) {
      m.dirty = true;
      m.dirtyBy = cause;
      return;
    }
    const now = this.o.clock.now();
    const action = await this.reconcile(m, counts);
    const d: DecisionTick = { nowSeconds: now, poke: false, readyPods: counts.ready, evaluation: undefined, hold: undefined, notify: false };
    this.emit(m, d, this.pas.get(m.rev.namespace)?.byName.get(m.rev.name), action, cause);
  }

  /**
   * A namespace's revision pods as a reconcile started now reads them: the informer's cache
   * while `run` runs (upstream's lister), else the last list if within the stale limit;
   * undefined if neither is there.
   */
  private podsNow(ns: string, now: number): Map<string, PodInfo[]> | undefined {
    const w = this.watched.get(ns);
    if (w) return w.pods.synced ? groupByRevision(w.pods.items()) : undefined;
    const listing = this.pods.get(ns);
    return listing !== undefined && now - listing.at <= this.staleAfter ? listing.byRevision : undefined;
  }

  /** Lists the revisions to manage; forgets deleted ones. */
  async syncRevisions(): Promise<void> {
    for (const ns of this.o.namespaces) {
      const list = await this.guardedRead(`revisions/${ns}`, 'list revisions', () => listRevisions(this.o.kube, ns, this.o.labelSelector));
      if (list === undefined) continue;
      const seen = new Set<string>();
      for (const rev of list) {
        if (!this.wants(rev)) continue;
        const k = key(rev.namespace, rev.name);
        seen.add(k);
        this.revisions.set(k, rev);
      }
      for (const k of [...this.revisions.keys()]) {
        if (k.startsWith(`${ns}/`) && !seen.has(k)) {
          this.revisions.delete(k);
          this.classFailed.delete(k);
          if (this.managed.delete(k)) this.o.logger.info('revision gone; stopped managing it', { revision: k });
        }
      }
    }
  }

  private ensureManaged(rev: RevisionObject, pods: readonly PodInfo[], now: number): Managed | undefined {
    const k = key(rev.namespace, rev.name);
    const existing = this.managed.get(k);
    if (existing) return existing;
    if (this.classFailed.has(k)) return undefined;
    const paList = this.pas.get(rev.namespace);
    const pa = paList?.byName.get(rev.name);
    const reachable = pa?.reachable ?? true;
    let autoscaling;
    try {
      const userClass = this.userClasses.has(rev.autoscalerClass) ? rev.autoscalerClass : undefined;
      autoscaling = this.autoscalingOf(rev, reachable);
    } catch (e) {
      if (!this.invalid.has(k)) this.o.logger.error('revision has invalid autoscaling settings; not managing it', { revision: k, reason: describeError(e) });
      this.invalid.add(k);
      return undefined;
    }
    const ready = podCounts(pods).ready;
    // A revision created less than a stable window ago starts as new (PA activating);
    // an older one is taken over as running with the pods it has.
    const isNew = rev.createdSeconds !== undefined && now - rev.createdSeconds < autoscaling.deciderSpec.stableWindowSeconds;
    let loop: DecisionLoop;
    try {
      loop = new DecisionLoop({
        revision: rev.name,
        autoscaling,
        nowSeconds: now,
        existingPods: isNew ? undefined : ready,
        staleAfterSeconds: this.staleAfter,
        classes: this.registry,
      });
    } catch (e) {
      // A user class's `create` failed.
      this.userClassFailed(rev, e);
      return undefined;
    }
    const m: Managed = {
      rev,
      loop,
      deployment: deploymentName(rev.name, pa),
      reachable,
      virtualReplicas: isNew ? autoscaling.initialScale : ready,
      lastRead: undefined,
      knownReplicas: undefined,
      lastLogged: '',
      pa: { value: pa, seq: paList?.seq ?? 0 },
      sks: { value: undefined, seq: 0 },
      sksActedOn: undefined,
      statusSeen: undefined,
      ownPaVersions: [],
      heldPaEvents: undefined,
      reconciling: false,
      dirty: false,
      dirtyBy: undefined,
      paUpdated: false,
      dryRunState: undefined,
    };
    const sksList = this.skss.get(rev.namespace);
    if (sksList) m.sks = { value: sksList.byName.get(rev.name) ?? null, seq: sksList.seq };
    // As Knative reconciles every PodAutoscaler when it starts: create the SKS and report
    // status at once, not only at knsim's first scaling decision.
    if (this.o.mode === 'apply') loop.requestReconcile();
    this.managed.set(k, m);
    this.o.logger.info('managing revision', {
      revision: k,
      mode: this.o.mode,
      deployment: m.deployment,
      target: autoscaling.deciderSpec.targetValue,
      metric: autoscaling.metric,
      minScale: autoscaling.minScale,
      maxScale: autoscaling.maxScale,
      scaleToZero: autoscaling.enableScaleToZero,
      takenOverWithPods: isNew ? undefined : ready,
    });
    return m;
  }

  private readonly invalid = new Set<string>();
  /** Revisions whose user class failed (see {@link userClassFailed}). */
  private readonly classFailed = new Set<string>();

  /**
   * A namespace's revision pods: from its informer while `run` runs (undefined while the
   * informer is not synced, as a failed list), else listed once (ticks driven from outside).
   */
  private async readPods(ns: string): Promise<Map<string, PodInfo[]> | undefined> {
    const w = this.watched.get(ns);
    if (!w) return this.guardedRead(`pods/${ns}`, 'list pods', () => listRevisionPods(this.o.kube, ns));
    return w.pods.synced ? groupByRevision(w.pods.items()) : undefined;
  }

  /** A namespace's PodAutoscalers and the sequence number they are as of (see {@link readPods}). */
  private async readPas(ns: string): Promise<{ seq: number; byName: Map<string, PodAutoscalerObject> } | undefined> {
    const w = this.watched.get(ns);
    if (w) return w.pas.synced ? { seq: w.paSeq, byName: podAutoscalersByName(w.pas.items(), ns) } : undefined;
    const seq = this.nextSeq();
    const byName = await this.guardedRead(`podautoscalers/${ns}`, 'list podautoscalers', () => listPodAutoscalers(this.o.kube, ns));
    return byName === undefined ? undefined : { seq, byName };
  }

  /** A namespace's ServerlessServices and the sequence number they are as of (see {@link readPods}). */
  private async readSkss(ns: string): Promise<{ seq: number; byName: Map<string, ServerlessServiceObject> } | undefined> {
    const w = this.watched.get(ns)?.skss;
    if (w) return w.synced ? { seq: this.watched.get(ns)?.sksSeq ?? 0, byName: serverlessServicesByName(w.items(), ns) } : undefined;
    const seq = this.nextSeq();
    const byName = await this.guardedRead(`serverlessservices/${ns}`, 'list serverlessservices', () => listServerlessServices(this.o.kube, ns));
    return byName === undefined ? undefined : { seq, byName };
  }

  /** The 1 s tick: pods, scrapes, due reconciles. */
  async scrapeTick(): Promise<void> {
    const { clock } = this.o;
    await Promise.all(
      this.o.namespaces.map(async (ns) => {
        const byRevision = await this.readPods(ns);
        const now = clock.now();
        if (byRevision === undefined) return;
        // Listed, not watched (ticks driven from outside): the pods whose versions differ from the last list's are the events.
        const before = this.watched.has(ns) ? undefined : this.pods.get(ns)?.byRevision;
        if (before !== undefined) {
          for (const rev of revisionsWithPodEvents(before, byRevision)) {
            const m = this.managed.get(key(ns, rev));
            if (m !== undefined) this.enqueue(m);
          }
        }
        this.pods.set(ns, { at: now, byRevision });
        const work: Promise<void>[] = [];
        for (const rev of this.revisions.values()) {
          if (rev.namespace !== ns) continue;
          const pods = byRevision.get(rev.name) ?? [];
          const m = this.ensureManaged(rev, pods, now);
          if (!m) continue;
          work.push(this.scrapeOne(m, pods, now));
        }
        await Promise.all(work);
      }),
    );
  }

  private async scrapeOne(m: Managed, pods: readonly PodInfo[], now: number): Promise<void> {
    const counts = podCounts(pods);
    m.loop.observePods(now, counts);
    if (m.loop.scrapes) {
      const timeout = this.o.scrapeTimeoutSeconds ?? SCRAPE_TIMEOUT_SECONDS;
      const url = this.o.scrapeUrl ?? podMetricsUrl();
      const res = await scrapeRevision({
        pods: scrapeablePods(pods),
        nowSeconds: now,
        stableWindowSeconds: m.loop.stableWindowSeconds,
        randomInt: (b) => Math.min(b - 1, Math.floor(this.random() * b)),
        fetchStat: (p) => fetchQueueProxyStat(url(p), timeout),
        subtractProxied: this.o.subtractProxied ?? false,
      });
      const t = this.o.clock.now();
      if (res.kind === 'stat') m.loop.recordScrape({ timeSeconds: t, ...res.stat });
      else if (res.kind === 'no-pods') m.loop.recordEmptyScrape(t);
      else this.o.logger.warn('scrape failed; nothing recorded', { revision: key(m.rev.namespace, m.rev.name), reason: res.error });
    }
    if (m.loop.reconcileDue(this.o.clock.now())) await this.reconcileApart(m, async () => void (await this.reconcile(m, counts)));
  }

  /**
   * Runs a reconcile. Within `run` the tick goes on without it, as upstream's scrapers and
   * deciders tick apart from its reconcilers: a write waiting on the API server must not
   * stop every revision's scrapes (a second without data counts as zero in the windows) or
   * decisions. A revision has one reconcile at a time (`reconciling`). Ticks driven from
   * outside wait for it, so tests see its writes.
   */
  private async reconcileApart(m: Managed, job: () => Promise<void>): Promise<void> {
    // The job done (its row written), a rerun it owes to what enqueued the PA meanwhile.
    const work = async (): Promise<void> => {
      try {
        await job();
      } finally {
        while (m.dirty && !m.reconciling) await this.reconcileDirty(m);
      }
    };
    if (!this.detached) return work();
    const p = work().catch((e: unknown) => this.o.logger.error('reconcile failed', { revision: key(m.rev.namespace, m.rev.name), reason: describeError(e) }));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** The 2 s tick: PodAutoscalers (and SKSs) as last seen, decider evaluations, notified reconciles, rows. */
  async decideTick(): Promise<void> {
    const { clock } = this.o;
    for (const ns of this.o.namespaces) {
      const pas = await this.readPas(ns);
      if (pas !== undefined) {
        this.pas.set(ns, pas);
        for (const m of this.managed.values()) if (m.rev.namespace === ns) this.observePa(m, pas.byName.get(m.rev.name), pas.seq);
      } else this.pas.delete(ns);
      if (this.o.mode !== 'apply') continue;
      const skss = await this.readSkss(ns);
      if (skss !== undefined) {
        this.skss.set(ns, skss);
        for (const m of this.managed.values()) if (m.rev.namespace === ns) this.observeSks(m, skss.byName.get(m.rev.name) ?? null, skss.seq);
      }
    }
    for (const m of this.managed.values()) {
      const now = clock.now();
      const pa = this.pas.get(m.rev.namespace)?.byName.get(m.rev.name);
      if (pa && pa.reachable !== m.reachable) {
        m.reachable = pa.reachable;
        // A changed PA spec leaves a reconcile pending.
        m.loop.setReachable(pa.reachable);
      }
      const listing = this.pods.get(m.rev.namespace);
      const fresh = listing !== undefined && now - listing.at <= this.staleAfter;
      const counts = fresh ? podCounts(listing.byRevision.get(m.rev.name) ?? []) : undefined;
      let d: DecisionTick;
      try {
        d = m.loop.decide(now, counts?.ready);
      } catch (e) {
        this.userClassFailed(m.rev, e);
        continue;
      }
      // The multiscaler's notification is an enqueue too (deciders.Watch(impl.EnqueueKey)).
      if (d.notify && m.reconciling) m.dirty = true;
      if (counts !== undefined && m.loop.reconcileDue(now)) {
        // The row says what the reconcile did, once it has.
        await this.reconcileApart(m, async () => this.emit(m, d, pa, await this.reconcile(m, counts)));
        continue;
      }
      this.emit(m, d, pa, d.hold !== undefined ? 'hold' : 'none');
    }
  }

  /** One reconcile of a revision, then its writes (or what would be written). Returns the action. */
  private async reconcile(m: Managed, counts: PodCounts): Promise<string> {
    const { clock } = this.o;
    const loop = m.loop;
    const now = clock.now();
    if (loop.isStale(now)) {
      loop.requestReconcile();
      return 'hold';
    }
    if (this.writes && !(this.o.leader?.isLeader() ?? false)) {
      // A standby keeps its deciders warm but does not reconcile.
      loop.requestReconcile();
      return 'standby';
    }
    if (this.o.mode === 'shadow') {
      const from = m.virtualReplicas;
      const r = this.reconcileLoop(m, clock.now(), { pods: counts, deploymentReplicas: from });
      if (r.applyReplicas === undefined) return 'none';
      m.virtualReplicas = r.applyReplicas;
      return `would-scale ${from}->${r.applyReplicas}`;
    }
    if (m.reconciling) {
      // The other loop is reconciling this revision: what enqueued it meanwhile made it dirty (see `enqueue`).
      loop.requestReconcile();
      return 'busy';
    }
    m.reconciling = true;
    m.dirty = false;
    try {
      m.paUpdated = false;
      const rounds = [await this.reconcileApply(m, counts)];
      // The PA informer's event for a status write: upstream reconciles again at once, so this
      // one runs now, not at the next tick, until the status stays put (as the simulator does
      // at one instant; a status still changing after a few rounds waits for the next tick).
      for (let round = 0; m.paUpdated && round < FOLLOW_UP_RECONCILES; round++) {
        m.paUpdated = false;
        rounds.push(await this.reconcileApply(m, counts));
      }
      // One row tells of every scale write the rounds made (`scale 1->2->3`), not only the last.
      return reconcileAction(rounds);
    } finally {
      m.reconciling = false;
    }
  }

  /**
   * The reconcile a revision was enqueued for while one was under way, run now that it has
   * ended (client-go's workqueue hands a dirty key out again at Done), with the pods as they
   * are now: not at the next tick. Without fresh pods it stays pending for the next tick.
   */
  private async reconcileDirty(m: Managed): Promise<void> {
    m.dirty = false;
    // Stopped managing it meanwhile (deleted, its class failed): nothing to run.
    if (this.managed.get(key(m.rev.namespace, m.rev.name)) !== m) return;
    const pods = this.podsNow(m.rev.namespace, this.o.clock.now());
    if (pods === undefined) return;
    const counts = podCounts(pods.get(m.rev.name) ?? []);
    const cause = m.dirtyBy;
    m.dirtyBy = undefined;
    try {
      await (cause !== undefined ? this.resyncReconcile(m, counts, cause) : this.reconcile(m, counts));
    } catch (e) {
      this.o.logger.error('reconcile failed', { revision: key(m.rev.namespace, m.rev.name), reason: describeError(e) });
    }
  }

  /** One step of the loop: a requeue that is due is taken by this reconcile (the adapter polls for requeues). */
  private reconcileLoop(m: Managed, now: number, input: LoopReconcileInput): LoopReconcile {
    m.loop.takeRequeue(now);
    return m.loop.reconcile(now, input);
  }

  /**
   * Apply mode (and dry-run): one reconcile of a knsim-class PodAutoscaler, in upstream's
   * order — the SKS must exist and name its private service before anything is scaled; the
   * KPA step with the SKS's real spec mode and ActivatorEndpointsPopulated; the scale write;
   * the SKS spec; the PA status. A revision taken over while running is not scaled (nor its
   * SKS spec changed) before its decider has decided on data: until then only a missing
   * SKS is created and the status reported.
   */
  private async reconcileApply(m: Managed, counts: PodCounts): Promise<string> {
    const loop = m.loop;
    const pa = m.pa.value;
    if (pa === undefined) {
      // Knative creates the PA right after the revision; the next list will have it.
      loop.requestReconcile();
      return 'no-podautoscaler';
    }
    const target = { namespace: m.rev.namespace, deployment: m.deployment, revision: m.rev.name };
    if (this.writer.backingOff(target) || this.classes.backingOff(pa)) {
      loop.requestReconcile();
      return 'backoff';
    }
    const sks = await this.currentSks(m, pa);
    if (sks === undefined) {
      loop.requestReconcile();
      return 'read-failed';
    }
    if (sks !== null && !controlledBy(sks, pa)) return this.sksNotOwned(m, pa, sks);
    this.adoptStatus(m, pa);
    const decide = !loop.takenOver || loop.hasDecided;
    // Nothing decided yet: create the SKS if it is missing (activators in the path, as
    // for any new SKS), leave an existing one alone, report the status as it stands.
    const step = decide ? await this.scaleStep(m, sks, counts, target) : { action: 'none', sks: { mode: 'Proxy' as const, activators: MIN_ACTIVATORS } };
    if (step.sks === undefined) return step.action;
    return this.finishApply(m, pa, sks, counts, step.action, step.sks, decide);
  }

  /** The SKS as last seen, read if not known yet (undefined: the read failed). */
  private async currentSks(m: Managed, pa: PodAutoscalerObject): Promise<ServerlessServiceObject | null | undefined> {
    if (m.sks.value !== undefined) return m.sks.value;
    const seq = this.nextSeq();
    const sks = await this.classes.readSks(pa);
    if (sks !== undefined) m.sks = { value: sks, seq };
    return sks;
  }

  /** Someone else's SKS has the PA's name: report it in the PA status; reconcile again when it changes. */
  private async sksNotOwned(m: Managed, pa: PodAutoscalerObject, sks: ServerlessServiceObject): Promise<string> {
    await this.writeStatus(m, pa, undefined, sks.name);
    this.classes.notOwned(pa);
    m.sksActedOn = sksSignature(sks);
    m.loop.requestReconcile();
    return 'not-owned';
  }

  /** The SKS as the loop is told: as read, or (dry-run without one) undefined, the loop's model of the one it would create. */
  private sksInput(sks: ServerlessServiceObject | null, now: number): LoopReconcileInput['sks'] {
    if (sks === null) {
      return this.o.dryRun ? undefined : { specMode: 'Proxy', activatorEndpointsPopulatedSinceSeconds: undefined, activatorInPath: false, provisioned: false };
    }
    return {
      specMode: sks.spec.mode ?? 'Proxy',
      activatorEndpointsPopulatedSinceSeconds: activatorEndpointsPopulatedSince(sks, now),
      activatorInPath: activatorEndpointsPopulated(sks),
      provisioned: sks.status.privateServiceName !== '',
      publicServiceNamed: sks.status.serviceName !== '',
    };
  }

  /**
   * The KPA step and the scale write. Returns the action and the SKS spec to program, or
   * (no `sks`) why the reconcile must run again.
   */
  private async scaleStep(
    m: Managed,
    sks: ServerlessServiceObject | null,
    counts: PodCounts,
    target: { namespace: string; deployment: string; revision: string },
  ): Promise<{ action: string; sks?: { mode: SksMode; activators: number } }> {
    const loop = m.loop;
    // Nothing is scaled before the SKS is provisioned, so the replicas are read only after.
    let replicas = m.knownReplicas ?? 0;
    if (this.sksInput(sks, this.o.clock.now())?.provisioned ?? loop.sksProvisioned) {
      const read = await this.writer.read(target);
      if (read === undefined) {
        loop.requestReconcile();
        return { action: 'read-failed' };
      }
      m.lastRead = read;
      m.knownReplicas = read.replicas;
      replicas = read.replicas;
    }
    const t = this.o.clock.now();
    const r = this.reconcileLoop(m, t, { pods: counts, deploymentReplicas: replicas, sks: this.sksInput(sks, t) });
    const programmed = { mode: r.output.sksMode, activators: r.output.numActivators };
    const to = r.applyReplicas;
    if (to === undefined) return { action: 'none', sks: programmed };
    const { min, max } = loop.scaleBounds();
    const outcome = await this.writer.write(target, to, { min, max }, m.lastRead);
    switch (outcome) {
      case 'written':
        m.lastRead = undefined;
        m.knownReplicas = to;
        return { action: `scale ${replicas}->${to}`, sks: programmed };
      case 'unchanged':
        return { action: 'none', sks: programmed };
      case 'dry-run':
        return { action: `dry-run ${replicas}->${to}`, sks: programmed };
      default:
        // Not applied: reconcile again (after any backoff) with a fresh read.
        m.lastRead = undefined;
        loop.requestReconcile();
        this.o.logger.info('scale not applied; will retry', { revision: target.revision, outcome });
        return { action: outcome };
    }
  }

  /** The SKS spec, then the PA status. Returns the action, or why the reconcile must run again. */
  private async finishApply(
    m: Managed,
    pa: PodAutoscalerObject,
    sks: ServerlessServiceObject | null,
    counts: PodCounts,
    action: string,
    spec: { mode: SksMode; activators: number },
    decide: boolean,
  ): Promise<string> {
    const loop = m.loop;
    const ensured = await this.classes.ensureSks(pa, sks, spec.mode, spec.activators, { keepSpec: !decide });
    // Only an API answer (created, patched, read again) is newer than the informer's view: the
    // SKS this reconcile started from, handed back, keeps its place (else a newer list is ignored).
    if (ensured.sks !== undefined && ensured.sks !== sks) m.sks = { value: ensured.sks, seq: this.nextSeq() };
    if (!classWriteDone(ensured.outcome)) {
      loop.requestReconcile();
      return action === 'none' ? `sks-${ensured.outcome}` : action;
    }
    m.sksActedOn = sksSignature(m.sks.value);
    // Settled before the write: a status the write changes asks for a reconcile of its own.
    if (!decide) loop.settle();
    const written = await this.writeStatus(m, pa, this.sksView(m.sks.value ?? null, pa, counts), undefined);
    if (!written) {
      loop.requestReconcile();
      return action === 'none' ? 'status-not-written' : action;
    }
    return action;
  }

  /** The SKS as the PA status reports it: as read, or (dry-run) the one it would create, once networking has set it up. */
  private sksView(current: ServerlessServiceObject | null, pa: PodAutoscalerObject, counts: PodCounts): SksView | undefined {
    if (current !== null) {
      return { serviceName: current.status.serviceName, privateServiceName: current.status.privateServiceName, ready: sksReady(current), notReadyMessage: sksNotReadyMessage(current) };
    }
    if (this.o.dryRun) return { serviceName: pa.name, privateServiceName: `${pa.name}-private`, ready: counts.ready > 0, notReadyMessage: '' };
    return undefined;
  }

  /**
   * Takes over a PA status someone else wrote (another replica that led before, or this
   * controller before a restart) into the loop's PA state, once per distinct status.
   */
  private adoptStatus(m: Managed, pa: PodAutoscalerObject): void {
    const seen = JSON.stringify(statusBody(pa.status));
    if (seen === m.statusSeen) return;
    m.statusSeen = seen;
    if (pa.status.conditions.length === 0) return;
    m.loop.adoptPa(adoptPodAutoscalerStatus(m.loop.pa, pa.status, this.o.clock.now()));
  }

  /**
   * Writes the PA status for the loop's PA state (if it changed). Returns whether the status is as wanted.
   * A write that changed the status reconciles the PA again (at once, see `reconcile`), as
   * upstream's KPA controller enqueues its PA on every update, its own status writes too: a PA
   * just marked Inactive then scales to zero without waiting for its 3 s requeue.
   */
  private async writeStatus(m: Managed, pa: PodAutoscalerObject, sks: SksView | undefined, notOwned: string | undefined): Promise<boolean> {
    const state = JSON.stringify(m.loop.pa);
    // The write's own watch event may come before its reply: events are held until the reply says which it is.
    const held: HeldPaEvent[] = [];
    m.heldPaEvents = held;
    let res;
    try {
      res = await this.classes.writeStatus(pa, (cur) =>
        desiredPodAutoscalerStatus({
          nowSeconds: this.o.clock.now(),
          generation: cur.generation,
          current: cur.status,
          state: m.loop.pa,
          sks,
          notOwned,
        }),
      );
    } catch (e) {
      m.heldPaEvents = undefined;
      this.releasePaEvents(m, held, undefined);
      throw e;
    }
    m.heldPaEvents = undefined;
    if (res.pa !== undefined) {
      // As for the SKS: the PA this reconcile started from, handed back, is no newer than the informer's.
      if (res.pa !== pa) m.pa = { value: res.pa, seq: this.nextSeq() };
      if (res.outcome === 'patched' || res.outcome === 'unchanged') m.statusSeen = JSON.stringify(statusBody(res.pa.status));
    }
    this.releasePaEvents(m, held, res.outcome === 'patched' ? res.pa?.resourceVersion : undefined);
    // A dry run never changes the PA it reads, so it would "write" every time: there the
    // loop's PA state changing since the last would-be write stands for the update event.
    if (res.outcome === 'patched' || (res.outcome === 'dry-run' && state !== m.dryRunState)) {
      m.paUpdated = true;
      m.loop.requestReconcile();
    }
    if (res.outcome === 'dry-run') m.dryRunState = state;
    return classWriteDone(res.outcome);
  }

  /** Writes a decision row; `cause`, the ConfigMap whose resync ran the reconcile (see {@link resyncReconcile}). */
  private emit(m: Managed, d: DecisionTick, pa: PodAutoscalerObject | undefined, action: string, cause?: string): void {
    const row: ShadowRow = {
      ...m.loop.record(d, m.loop.sksSpec),
      namespace: m.rev.namespace,
      knativeDesired: this.ownClass(m.rev) ? undefined : pa?.desiredScale,
      knativeActual: pa?.actualScale,
      replicas: this.o.mode === 'shadow' ? m.virtualReplicas : m.knownReplicas,
      action: cause === undefined ? action : `${cause}: ${action}`,
    };
    this.o.onRow?.(row);
    const summary = `${row.valid}/${row.desired}/${row.want}/${row.hold ?? ''}/${String(row.knativeDesired)}`;
    const quiet = action === 'none' || action === 'hold' || action === 'standby' || action === 'backoff' || action === 'busy';
    if (!quiet || summary !== m.lastLogged) {
      m.lastLogged = summary;
      this.o.logger.info('decision', {
        revision: key(row.namespace, row.revision),
        ready: Number.isNaN(row.readyPods) ? undefined : row.readyPods,
        stable: Number.isNaN(row.observedStable) ? undefined : Math.round(row.observedStable * 1000) / 1000,
        panic: Number.isNaN(row.observedPanic) ? undefined : Math.round(row.observedPanic * 1000) / 1000,
        knsimDesired: row.desired,
        knsimWant: row.want,
        knativeDesired: row.knativeDesired,
        valid: row.valid,
        hold: row.hold,
        action: row.action,
      });
    }
  }

  /**
   * Runs until `signal` aborts: leader election (if any), the informers of pods,
   * PodAutoscalers and (apply mode) ServerlessServices, the revision resync, scrape and
   * decide loops on the clock. Errors in one round are logged; the loops go on.
   */
  async run(signal: AbortSignal): Promise<void> {
    const p = this.o.periods ?? {};
    const scrape = p.scrapeSeconds ?? SCRAPE_PERIOD_SECONDS;
    const decide = p.decideSeconds ?? DECIDER_PERIOD_SECONDS;
    const resync = p.resyncSeconds ?? 10;
    const loops: Promise<void>[] = [];
    // Every loop's sleep and each informer's run and watch listen on `signal`: more than Node's
    // default 10 with a few namespaces, which is their number, not a leak.
    setMaxListeners(10 + 2 * (3 * this.o.namespaces.length + 1), signal);
    const leader = this.writes ? this.o.leader : undefined;
    if (leader) {
      await leader.tryAcquireOrRenew();
      loops.push(this.every(leader.opts.retryPeriodSeconds, signal, 'leader election', () => leader.tryAcquireOrRenew().then(() => {})));
    }
    this.detached = true;
    loops.push(...(await this.startInformers(signal, p.watchResyncSeconds ?? DEFAULT_RESYNC_SECONDS)));
    await this.syncRevisions().catch((e: unknown) => this.o.logger.error('sync failed', { reason: describeError(e) }));
    loops.push(this.every(resync, signal, 'sync', async () => {
      if (this.configPolled) await this.syncConfig();
      if (this.deploymentPolled) await this.syncDeploymentConfig();
      await this.syncRevisions();
    }, resync));
    loops.push(this.every(scrape, signal, 'scrape', () => this.scrapeTick()));
    loops.push(this.every(decide, signal, 'decide', () => this.decideTick(), decide));
    await Promise.all(loops);
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    this.detached = false;
    this.watched.clear();
    this.configPolled = true;
    this.deploymentPolled = true;
    if (leader) await leader.release();
  }

  /** Starts each namespace's informers; resolves (with their run loops) once each has tried its first list. */
  private async startInformers(signal: AbortSignal, resyncSeconds: number): Promise<Array<Promise<void>>> {
    const { kube, clock, logger } = this.o;
    const random = this.random;
    const runs: Array<Promise<void>> = [];
    const firstLists: Array<Promise<void>> = [];
    const start = (c: WatchedCollection): void => {
      firstLists.push(new Promise<void>((resolve) => runs.push(c.run(signal, resolve).finally(resolve))));
    };
    const autoscaler = this.o.reloadConfig;
    if (autoscaler?.watch !== undefined) {
      this.configPolled = false;
      const refused = autoscaler.refusedAtStart === true;
      start(this.configMapWatch(resyncSeconds, autoscaler.where, autoscaler.watch, (cm, type) => this.configEvent(cm, type), () => (this.configPolled = true), refused));
    }
    const deployment = this.o.reloadDeployment;
    if (deployment?.watch !== undefined) {
      this.deploymentPolled = false;
      const refused = deployment.refusedAtStart === true;
      start(this.configMapWatch(resyncSeconds, deployment.where, deployment.watch, (cm, type) => this.deploymentEvent(cm, type), () => (this.deploymentPolled = true), refused));
    }
    for (const ns of this.o.namespaces) {
      const common = { kube, clock, logger, resyncSeconds, random };
      const w: NamespaceWatch = { paSeq: 0, sksSeq: 0 } as NamespaceWatch;
      w.pods = new WatchedCollection({
        ...common,
        what: `pods ${ns}`,
        path: podsPath(ns),
        labelSelector: REVISION_LABEL,
        list: () => listRevisionPodItems(kube, ns),
        onChange: () => {},
        onEvent: (pod) => this.podEvent(ns, pod),
      });
      w.pas = new WatchedCollection({
        ...common,
        what: `podautoscalers ${ns}`,
        path: podAutoscalersPath(ns),
        list: () => listPodAutoscalerItems(kube, ns),
        onChange: () => (w.paSeq = this.nextSeq()),
        onEvent: (pa, type) => this.paEvent(ns, pa, type),
      });
      w.skss =
        this.o.mode === 'apply'
          ? new WatchedCollection({
              ...common,
              what: `serverlessservices ${ns}`,
              path: serverlessServicesPath(ns),
              list: () => listServerlessServiceItems(kube, ns),
              onChange: () => (w.sksSeq = this.nextSeq()),
              onEvent: (sks, type) => this.sksEvent(ns, sks, type),
            })
          : undefined;
      this.watched.set(ns, w);
      start(w.pods);
      start(w.pas);
      if (w.skss) start(w.skss);
    }
    await Promise.all(firstLists);
    return runs;
  }

  /**
   * The informer of one of Knative's ConfigMaps (config-autoscaler, config-deployment), by
   * name. A 403 on its list or watch (an install that grants only `get`) ends it with a
   * one-line warning, and `polled` has the revision resync read the ConfigMap from then on.
   */
  private configMapWatch(
    resyncSeconds: number,
    where: string,
    watch: { namespace: string; name: string },
    onEvent: (configMap: unknown, type: WatchEventType) => void,
    polled: () => void,
    refusedAtStart = false,
  ): WatchedCollection {
    const { kube, clock, logger } = this.o;
    return new WatchedCollection({
      kube,
      clock,
      logger,
      resyncSeconds,
      random: this.random,
      what: `configmap ${where}`,
      path: configMapsPath(watch.namespace),
      fieldSelector: nameSelector(watch.name),
      list: () => listConfigMapItems(kube, watch.namespace, watch.name),
      onChange: () => {},
      onEvent,
      // Refused at the start too (reported then): retried like any watch, however long RBAC takes to allow it.
      retriesQuietly: (e) => refusedAtStart && isForbidden(e),
      givesUp: (e) => {
        if (!isForbidden(e) || refusedAtStart) return false;
        polled();
        const every = this.o.periods?.resyncSeconds ?? 10;
        logger.warn(`not allowed to watch ${where} (list/watch configmaps in ${watch.namespace}); reading it every ${every} s instead`, { reason: describeError(e) });
        return true;
      },
    });
  }

  private async every(period: number, signal: AbortSignal, what: string, fn: () => Promise<void>, firstDelay = 0): Promise<void> {
    const { clock } = this.o;
    let next = clock.now() + firstDelay;
    for (;;) {
      const wait = next - clock.now();
      if (wait > 0) await clock.sleep(wait, signal);
      if (signal.aborted) return;
      try {
        await fn();
      } catch (e) {
        this.o.logger.error(`${what} round failed`, { reason: describeError(e) });
      }
      next += period;
      // Skip rounds that were missed while this one ran long.
      const now = clock.now();
      if (next < now) next = now;
    }
  }
}
