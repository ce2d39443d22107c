/**
 * A Knative Service manifest plus its timed updates → the model's ServiceSpec:
 * revisions by Configuration generation (or BYO name), each with its
 * containerConcurrency, timeout and resolved autoscaling; traffic blocks over
 * time; the rollout duration. The checks are the serving webhook's where knsim
 * reads the field, and knsim's own where a scenario refers to something.
 */
import {
  AUTOSCALING_ANNOTATION_KEYS,
  AUTOSCALING_GROUP,
  HPA_CLASS,
  KPA_CLASS,
  resolveHpaRevisionAutoscaling,
  resolveRevisionAutoscaling,
  type RevisionAutoscaling,
  InvalidArgumentError,
  FieldError,
  PROGRESS_DEADLINE_ANNOTATION,
  deploymentDeadlineProblem,
} from '../core/autoscaler/index.js';
import { dns1035LabelErrors, dns1123LabelErrors, effectiveRolloutDuration, livenessProbe, probeFailsWhenHung, type LivenessProbe, type ProbeHandler, podReadinessProbe, rolloutDurationFromAnnotations, startupProbe, type StartupProbe, type KubeletReadinessProbe, type TrafficTarget, trafficBlockErrors } from '../core/traffic/index.js';
import type { DistributionSpec, PodFaultSpec, PodStartSpec, RevisionSpec, RolloutDurationChange, ServiceSpec, TrafficChange, WorkModelSpec } from '../model/spec.js';
import type { ClusterConfig } from './configmaps.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';
import type { RevisionOrigin } from './work-estimate.js';
import { annotationWarnings, ingressClassAnnotationWarnings, templateRolloutDurationWarnings } from './annotation-warnings.js';
import { checkAnnotationKeys, checkLabels } from './annotation-keys.js';
import { forcedHpaTargetWarning, hpaWarning } from './hpa-warnings.js';
import { cpuWaitWarning } from './cpu-wait-warnings.js';
import { appModel, DEFAULT_POD_CPU_CEILING_MILLIS, initContainerInputs, podResources, schedulerRequests } from './resources.js';
import { perPodStartPhase, type AppInput, type ContainerInput, type FaultInput, type PodStartInput, type ServiceEntryInput, type ServiceManifest, type TemplateInput } from './schema.js';
import { chooseClass } from './class-choice.js';
import { storedTemplate } from './template-defaults.js';
import { checkContainers } from './container-checks.js';
import { checkContainerNameRefs, checkContainerNames, containerNames } from './container-name-checks.js';
import { childName, type ServiceMeta } from './container-names.js';
import { checkEnvForDeployment } from './env-checks.js';
import { checkFeatureGates } from './feature-gates.js';
import { checkInitContainers } from './init-containers.js';
import { checkMaskedFields, checkSchemaFields } from './manifest-fields.js';
import { TAG_TEMPLATE, tagDomainProblem } from './network-templates.js';
import { checkVolumes, checkVolumesForDeployment } from './volume-checks.js';
import { checkProbes, checkProbesForDeployment } from './probe-checks.js';
import { TEMPLATE_NODE, TRAFFIC_NODE } from './service-fields.js';
import { revisionPodLabels, type RevisionPodLabels } from './disruption-budgets.js';
import { disruptionControls } from './disruption-controls.js';
import { written } from './go-values.js';

export const SERVING_API_VERSION = 'serving.knative.dev/v1';

/** The app model when nothing is set: 100 ms, constant. */
export const DEFAULT_SERVICE_TIME: DistributionSpec = Object.freeze({ dist: 'constant', value: 0.1 });

/** Pod start phases when nothing is set. */
export const DEFAULT_POD_START: Readonly<PodStartSpec> = Object.freeze<PodStartSpec>({
  scheduling: { dist: 'constant', value: 0.5 },
  imagePull: { dist: 'constant', value: 0 },
  containerStart: { dist: 'constant', value: 1 },
  readiness: { dist: 'constant', value: 0.5 },
  kubeletReadyLag: { dist: 'uniform', min: 0, max: 1 },
});

/** Where a manifest came from: its file and the path of the manifest inside it. */
export interface ManifestSource {
  manifest: ServiceManifest;
  file: string;
  base: readonly PathSegment[];
  /** `document 2` when `file` holds several documents, which `base` does not say; absent otherwise. */
  document?: string;
}

export interface ServiceContext {
  /** The scenario file (updates, apps and initialPods live there). */
  scenarioFile: string;
  /** Index of the service in `services`. */
  index: number;
  entry: ServiceEntryInput;
  source: ManifestSource;
  cluster: ClusterConfig;
  defaults: { app?: AppInput | undefined; podStart?: PodStartInput | undefined } | undefined;
  /** Receives a warning for each unknown autoscaling annotation. */
  warnings?: string[];
  /** `cluster.podCpuCeiling` (millicores): CPU of a pod without a limit in the CPU model, or one bursting within a smaller limit's quota. */
  podCpuCeilingMillis?: number | undefined;
  /** The scenario has node pools: every revision carries its pods' requests for the scheduler. */
  withPodRequests?: boolean | undefined;
}

export interface BuiltService {
  spec: ServiceSpec;
  /** Where each revision's template was written (for the work estimate's messages), in spec.revisions order. */
  origins: RevisionOrigin[];
  /** Every tag named in any traffic block. */
  tags: ReadonlySet<string>;
  /** Each revision's pod labels and namespace, by revision name (for podDisruptionBudgets' selectors). */
  podLabels: Map<string, RevisionPodLabels>;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const fmtSeconds = (s: number): string => `${s}s`;

function toTrafficTarget(t: Readonly<Record<string, unknown>>): TrafficTarget {
  const out: { -readonly [K in keyof TrafficTarget]: TrafficTarget[K] } = {};
  if (typeof t['tag'] === 'string') out.tag = t['tag'];
  if (typeof t['revisionName'] === 'string') out.revisionName = t['revisionName'];
  if (typeof t['configurationName'] === 'string') out.configurationName = t['configurationName'];
  if (typeof t['latestRevision'] === 'boolean') out.latestRevision = t['latestRevision'];
  if (typeof t['percent'] === 'number') out.percent = t['percent'];
  // Only for the webhook's check: a url in a spec is refused.
  if (typeof t['url'] === 'string') out.url = t['url'];
  return out;
}

/**
 * Builds one Service: validates the manifest, creates its revisions over time
 * and checks its traffic blocks.
 * @throws ScenarioError for the first problem.
 */
export function buildService(ctx: ServiceContext): BuiltService {
  const { entry, source, cluster, scenarioFile } = ctx;
  const m = source.manifest;
  const mFile = source.file;
  const mPath = (...segs: PathSegment[]): string => formatPath([...source.base, ...segs]);
  const entryBase: PathSegment[] = ['services', ctx.index];
  const ePath = (...segs: PathSegment[]): string => formatPath([...entryBase, ...segs]);

  if (m.apiVersion !== SERVING_API_VERSION) {
    throw new ScenarioError(mFile, mPath('apiVersion'), `must be ${SERVING_API_VERSION} (a Knative Service), got ${JSON.stringify(m.apiVersion)}`);
  }
  if (m.kind !== 'Service') {
    throw new ScenarioError(mFile, mPath('kind'), `must be Service, got ${JSON.stringify(m.kind)}`);
  }
  const svc = m.metadata.name;
  const nameErrs = dns1035LabelErrors(svc);
  if (nameErrs.length > 0) {
    throw new ScenarioError(mFile, mPath('metadata', 'name'), `invalid value ${JSON.stringify(svc)}: not a DNS-1035 label: ${nameErrs.join('; ')}`);
  }
  checkLabels(m.metadata.labels ?? {}, mFile, [...source.base, 'metadata', 'labels'], 'service');
  // The API server's ValidateNamespaceName; an empty one is kubectl's current namespace.
  const nsErrs = m.metadata.namespace === undefined || m.metadata.namespace === '' ? [] : dns1123LabelErrors(m.metadata.namespace);
  if (nsErrs.length > 0) {
    throw new ScenarioError(mFile, mPath('metadata', 'namespace'), `invalid value ${JSON.stringify(m.metadata.namespace)}: not a namespace name, so the API server refuses it: ${nsErrs.join('; ')}`);
  }

  // Rollout duration of a set of Service annotations (else config-network).
  const rolloutOf = (annotations: Readonly<Record<string, string>>, file: string, base: readonly PathSegment[]): number => {
    // The API server checks the keys before any webhook sees the Service.
    checkAnnotationKeys(annotations, file, base, 'service');
    // Upstream's webhook refuses autoscaling annotations on a Service (a prefix match on the group):
    // there they would do nothing, so a Service setting min-scale there never gets it.
    const misplaced = Object.keys(annotations).find((k) => k.startsWith(AUTOSCALING_GROUP));
    if (misplaced !== undefined) {
      throw new ScenarioError(
        file,
        formatPath([...base, misplaced]),
        'invalid key name: autoscaling annotations must be put under "spec.template.metadata.annotations" to work (Knative refuses them on the Service)',
      );
    }
    ctx.warnings?.push(...annotationWarnings(annotations, file, base), ...ingressClassAnnotationWarnings(annotations, file, base));
    try {
      return effectiveRolloutDuration(rolloutDurationFromAnnotations(annotations), cluster.networkRolloutDurationSeconds);
    } catch (e) {
      if (e instanceof FieldError) {
        // Core names the annotation under metadata.annotations; `base` is where this map is written.
        const path = e.first.paths[0] ?? [];
        const rel = path[0] === 'metadata' && path[1] === 'annotations' ? path.slice(2) : path;
        throw ScenarioError.fromField(file, new FieldError([{ ...e.first, paths: [rel] }]).via(...base));
      }
      throw e;
    }
  };

  const revisions: RevisionSpec[] = [];
  const origins: RevisionOrigin[] = [];
  const podLabels = new Map<string, RevisionPodLabels>();
  const namespace = m.metadata.namespace || 'default';
  const createdBy = new Map<string, string>();
  const podStart = mergePodStart(ctx.defaults?.podStart, entry.podStart);
  const serviceTimeDefault = entry.app?.serviceTime ?? ctx.defaults?.app?.serviceTime ?? DEFAULT_SERVICE_TIME;
  const revisionApps = entry.revisionApps ?? {};

  const addRevision = (
    template: TemplateInput,
    file: string,
    base: readonly PathSegment[],
    generation: number,
    createdAtSeconds: number,
    app: AppInput | undefined,
    initialPods: number | undefined,
    meta: ServiceMeta,
  ): void => {
    const tPath = (...segs: PathSegment[]): string => formatPath([...base, ...segs]);
    const byo = template.metadata?.name;
    let name: string;
    if (byo !== undefined && byo !== '') {
      if (!byo.startsWith(`${svc}-`)) {
        throw new ScenarioError(file, tPath('metadata', 'name'), `${JSON.stringify(byo)} must have prefix ${JSON.stringify(`${svc}-`)}`);
      }
      const errs = dns1035LabelErrors(byo);
      if (errs.length > 0) {
        throw new ScenarioError(file, tPath('metadata', 'name'), `invalid value ${JSON.stringify(byo)}: not a DNS-1035 label: ${errs.join('; ')}`);
      }
      name = byo;
    } else {
      // kmeta.ChildName, as the Configuration reconciler names it: a Service name too long for the suffix is cut and hashed.
      name = childName(svc, `-${String(generation).padStart(5, '0')}`);
    }
    const prev = createdBy.get(name);
    if (prev !== undefined) {
      // The webhook refuses a changed template that keeps its name (VerifyNameChange). A name taken
      // earlier passes it: the Configuration then reuses that revision if its spec is the same
      // (CheckNameAvailability), else fails to create one, and knsim models neither.
      const kept = revisions[revisions.length - 1]?.name === name;
      throw new ScenarioError(
        file,
        tPath('metadata', 'name'),
        kept
          ? `a changed template needs a new revision name: revision ${JSON.stringify(name)} already exists (created by ${prev})`
          : `revision ${JSON.stringify(name)} already exists (created by ${prev}): Knative reuses it if its spec is unchanged, or fails to create the revision, and knsim simulates neither (knsim's rule: use a new name)`,
      );
    }

    const spec = template.spec ?? {};
    // The webhook's range checks of the two fields, each against its config-defaults limit.
    const inRange = (field: 'containerConcurrency' | 'timeoutSeconds', v: number, min: number, max: number, limit: string): number => {
      if (v < min || v > max) throw new ScenarioError(file, tPath('spec', field), `expected ${min} <= ${v} <= ${max} (${limit})`);
      return v;
    };
    const d = cluster.defaults;
    // Upstream validates the defaulted value, so an unset field with a config-defaults 0 fails too.
    const ccFloor = d.allowContainerConcurrencyZero ? 0 : 1;
    const ccWhy =
      ccFloor === 0
        ? 'container-concurrency-max-limit'
        : spec.containerConcurrency === undefined
          ? `unset, so config-defaults container-concurrency applies; allow-container-concurrency-zero is false`
          : 'allow-container-concurrency-zero is false; container-concurrency-max-limit';
    const cc = inRange('containerConcurrency', spec.containerConcurrency ?? d.containerConcurrency, ccFloor, d.containerConcurrencyMaxLimit, ccWhy);
    if (cc > QUEUE_PROXY_MAX_CONCURRENCY) {
      // Knative takes any value under container-concurrency-max-limit, but the queue-proxy's breaker
      // keeps its capacity in 32 bits, so a larger one wraps round to a smaller limit knsim does not model.
      throw new ScenarioError(
        file,
        tPath('spec', 'containerConcurrency'),
        `above ${QUEUE_PROXY_MAX_CONCURRENCY}, the most the queue-proxy's 32-bit breaker holds: Knative takes ${cc}, but the pod would take ${cc % 2 ** 32} at a time (knsim's rule); write 0 for no limit`,
      );
    }
    // Upstream's defaulting gives an absent or 0 timeout revision-timeout-seconds, then validates [0, max].
    const timeoutUnset = spec.timeoutSeconds === undefined || spec.timeoutSeconds === 0;
    const timeoutSet = timeoutUnset ? d.revisionTimeoutSeconds : spec.timeoutSeconds!;
    const timeoutWhy = timeoutUnset ? 'unset, so config-defaults revision-timeout-seconds applies; max-revision-timeout-seconds' : 'max-revision-timeout-seconds';
    // A 0 s timeout (config-defaults revision-timeout-seconds: "0") is taken: the queue-proxy and the activator then time every request out at once.
    const timeout = inRange('timeoutSeconds', timeoutSet, 0, d.maxRevisionTimeoutSeconds, timeoutWhy);
    // revision_defaults.go: an unset response-start or idle timeout takes its config-defaults value
    // only when that is non-zero and below the revision's timeout; a value written (0 included) stays.
    // The queue-proxy and the activator start no timer for 0 or less.
    const defaultedTimeout = (v: number | undefined, dflt: number): number | undefined => (v !== undefined ? v : dflt !== 0 && dflt < timeout ? dflt : undefined);
    const responseStartTimeout = defaultedTimeout(spec.responseStartTimeoutSeconds, d.responseStartTimeoutSeconds);
    const idleTimeout = defaultedTimeout(spec.idleTimeoutSeconds, d.idleTimeoutSeconds);

    const annotations = template.metadata?.annotations ?? {};
    ctx.warnings?.push(
      ...annotationWarnings(annotations, file, [...base, 'metadata', 'annotations']),
      ...templateRolloutDurationWarnings(annotations, file, [...base, 'metadata', 'annotations']),
    );
    const autoscaling = resolveAutoscaling(annotations, cc, file, [...base, 'metadata', 'annotations'], cluster);
    // The webhook passes the template; the API server then refuses the Revision made from it.
    checkAnnotationKeys(annotations, file, [...base, 'metadata', 'annotations'], 'revision');
    checkLabels(template.metadata?.labels ?? {}, file, [...base, 'metadata', 'labels'], 'revision');

    checkInitContainers(spec, cluster.features, file, [...base, 'spec']);
    checkFeatureGates(spec, cluster.features, file, [...base, 'spec']);
    checkMaskedFields(spec, file, [...base, 'spec']);
    checkVolumes(spec, cluster.features, file, [...base, 'spec']);
    // The ports first: the probe checks compare probe ports with the serving port.
    checkContainers(spec, file, [...base, 'spec']);
    checkProbes(spec, cluster.features, file, [...base, 'spec']);
    checkContainerNames(spec, cluster.defaults, meta, file, [...base, 'spec']);
    // Only a template every webhook check admitted reaches the revision's Deployment.
    checkVolumesForDeployment(spec, file, [...base, 'spec']);
    checkProbesForDeployment(spec, cluster.features, file, [...base, 'spec']);
    checkEnvForDeployment(spec, file, [...base, 'spec']);
    // The Deployment is taken; the kubelet then resolves the pod's container references.
    checkContainerNameRefs(spec, cluster.defaults, meta, file, [...base, 'spec']);

    createdBy.set(name, formatPath(base));
    podLabels.set(name, { namespace, labels: revisionPodLabels(svc, name, generation, template.metadata?.labels ?? {}) });
    const inits = initContainerInputs((spec as Record<string, unknown>)['initContainers'], file, [...base, 'spec', 'initContainers']);
    const names = containerNames(spec, cluster.defaults, meta, file, [...base, 'spec']);
    const resources = podResources(spec.containers, cluster, file, [...base, 'spec'], annotations, [...base, 'metadata', 'annotations'], inits, names);
    const placed = [
      { app: revisionApps[name], file: scenarioFile, path: [...entryBase, 'revisionApps', name] },
      { app, file: scenarioFile, path: [...base.slice(0, -1), 'app'] },
      { app: entry.app, file: scenarioFile, path: [...entryBase, 'app'] },
      { app: ctx.defaults?.app, file: scenarioFile, path: ['defaults', 'app'] },
    ];
    // With node pools an unlimited pod may use its node's idle CPU (the node's sharing caps it); without, a default stands for the node.
    const ceiling = ctx.podCpuCeilingMillis ?? (ctx.withPodRequests === true ? Number.POSITIVE_INFINITY : DEFAULT_POD_CPU_CEILING_MILLIS);
    const model = appModel(placed, resources, ceiling);
    if (initialPods === 0 && autoscaling.class === HPA_CLASS) {
      // The HPA leaves a Deployment at 0 replicas alone (scaling disabled), so such a revision never serves.
      throw new ScenarioError(scenarioFile, ePath('initialPods'), `revision ${name} uses the ${HPA_CLASS} class, which never scales from zero: use initialPods ≥ 1 or leave it out`);
    }
    const disruption = disruptionControls(annotations, spec, cluster.varLogCollection, ctx.withPodRequests === true, file, [...base, 'metadata', 'annotations'], ctx.warnings);
    const hpaWarn = hpaWarning({ autoscaling, revision: name, resources, work: model.work, memory: model.memory, initialPods }, file, [...base, 'metadata', 'annotations']);
    if (hpaWarn !== undefined) ctx.warnings?.push(hpaWarn);
    const forced = forcedHpaTargetWarning(annotations, cluster.classOverride, name, file, [...base, 'metadata', 'annotations']);
    if (forced !== undefined) ctx.warnings?.push(forced);
    const serviceTime = model.serviceTime ?? serviceTimeDefault;
    const faults = revisionApps[name]?.faults ?? app?.faults ?? entry.app?.faults ?? ctx.defaults?.app?.faults;
    const waitWarn = cpuWaitWarning({ revision: name, timeoutSeconds: timeout, work: model.work, faults, app: model.workApp });
    if (waitWarn !== undefined) ctx.warnings?.push(waitWarn);
    const faultsApp = placed.find((a) => a.app?.faults !== undefined);
    if (faults !== undefined && faultsApp !== undefined) checkFaultsForWork(faults, model.work, faultsApp.file, [...faultsApp.path, 'faults']);
    const hang = model.stream !== undefined || model.webSocket !== undefined ? (faults ?? []).findIndex((f) => f.kind === 'hang') : -1;
    if (hang >= 0) {
      // A hung app stops writing, which the idle timeout would time from its last write; a hung app
      // would not close its sessions at SIGTERM either.
      const what = model.stream !== undefined ? 'streams its response (app.stream)' : 'serves WebSocket sessions (app.webSocket)';
      throw new ScenarioError(faultsApp!.file, formatPath([...faultsApp!.path, 'faults', hang]), `a hang is not simulated for an app that ${what}: leave one of them out`);
    }
    origins.push({ file, path: base, annotations });
    revisions.push({
      name,
      service: svc,
      generation,
      createdAtSeconds,
      containerConcurrency: cc,
      timeoutSeconds: timeout,
      ...(responseStartTimeout !== undefined ? { responseStartTimeoutSeconds: responseStartTimeout } : {}),
      ...(idleTimeout !== undefined ? { idleTimeoutSeconds: idleTimeout } : {}),
      ...(probeOptimisation(spec.containers ?? []) ? {} : { enableProbeOptimisation: false }),
      ...kubeletProbe(spec.containers ?? []),
      ...(servingContainerKubeletProbed(spec.containers ?? []) ? { servingContainerKubeletProbed: true } : {}),
      ...startupProbes(spec.containers ?? []),
      ...hangProbes(spec.containers ?? []),
      autoscaling,
      serviceTime,
      podStart,
      initialPods,
      ...(faults !== undefined && faults.length > 0 ? { faults: faults.map(toFaultSpec) } : {}),
      ...(model.work !== undefined || model.memory !== undefined ? { resources, work: model.work, memory: model.memory } : {}),
      ...(model.stream !== undefined ? { stream: model.stream } : {}),
      ...(model.webSocket !== undefined ? { webSocket: model.webSocket } : {}),
      ...(ctx.withPodRequests === true ? { podRequests: schedulerRequests(resources) } : {}),
      // Knative adds its anti-affinity only to a template without one of its own (deploy.go makePodSpec).
      ...(ctx.withPodRequests === true && cluster.noDefaultAffinity !== true && !written((spec as Record<string, unknown>)['affinity']) ? { spreadOverNodes: true } : {}),
      ...(disruption !== undefined ? { disruptionControls: disruption } : {}),
    });
  };

  const traffic: TrafficChange[] = [];
  const tags = new Set<string>();
  const checkTraffic = (
    block: ReadonlyArray<Readonly<Record<string, unknown>>>,
    atSeconds: number,
    file: string,
    base: readonly PathSegment[],
  ): void => {
    const targets = block.map(toTrafficTarget);
    // Core's paths are relative to the list; `base` is where this block is written.
    const errs = trafficBlockErrors(targets, 'service');
    if (errs !== undefined) throw ScenarioError.fromField(file, errs.via(...base));
    targets.forEach((t, i) => {
      if (t.tag !== undefined && t.tag !== '') {
        tags.add(t.tag);
        const bad = tagDomainProblem(cluster.tagTemplate ?? TAG_TEMPLATE.dflt, svc, namespace, t.tag);
        if (bad !== undefined) {
          throw new ScenarioError(
            file,
            formatPath([...base, i, 'tag']),
            `the tag's host ${bad}: Knative's Route fails and programs none of this traffic (shorten the tag or the Service name)`,
          );
        }
      }
      if (t.revisionName === undefined || t.revisionName === '') return;
      const known = revisions.filter((r) => r.createdAtSeconds <= atSeconds).map((r) => r.name);
      if (!known.includes(t.revisionName)) {
        throw new ScenarioError(
          file,
          formatPath([...base, i, 'revisionName']),
          `revision ${JSON.stringify(t.revisionName)} referenced in traffic not found at ${fmtSeconds(atSeconds)} (revisions by then: ${known.join(', ')})`,
        );
      }
    });
    traffic.push({ atSeconds, traffic: targets });
  };

  // The initial state at t = 0.
  const initialTemplate: TemplateInput = m.spec?.template ?? {};
  let generation = 1;
  // The metadata the webhook names unnamed containers from: the manifest's, with each update's annotations.
  const generateName = (m.metadata as Record<string, unknown>)['generateName'];
  let meta: ServiceMeta = {
    name: svc,
    namespace,
    generateName: typeof generateName === 'string' ? generateName : undefined,
    labels: m.metadata.labels,
    annotations: m.metadata.annotations,
  };
  addRevision(initialTemplate, mFile, [...source.base, 'spec', 'template'], generation, 0, undefined, entry.initialPods, meta);
  checkTraffic(m.spec?.traffic ?? [], 0, mFile, [...source.base, 'spec', 'traffic']);
  const initialRollout = rolloutOf(m.metadata.annotations ?? {}, mFile, [...source.base, 'metadata', 'annotations']);

  // Knative stores the template defaulted, so writing a default out changes nothing: templates
  // are compared as stored. enableServiceLinks is defaulted only when the Service is created, and
  // `kubectl apply` keeps the live value of a field that neither the last nor this manifest writes.
  const writtenLinks = (t: TemplateInput): boolean | undefined => {
    const v = (t.spec as Record<string, unknown> | undefined)?.['enableServiceLinks'];
    return typeof v === 'boolean' ? v : undefined;
  };
  let liveLinks = writtenLinks(initialTemplate) ?? cluster.defaults.enableServiceLinks;
  const stored = (t: TemplateInput): unknown => storedTemplate(t, { cluster, meta, enableServiceLinks: liveLinks });
  let currentStored = stored(initialTemplate);
  let lastApplied = initialTemplate;

  // Timed updates, like `kubectl apply` at `at`.
  // The Route takes the Service's annotations with every update: its rollout duration over time.
  let currentRollout = initialRollout;
  const rolloutDurationChanges: RolloutDurationChange[] = [];
  let lastAt = 0;
  (entry.updates ?? []).forEach((u, j) => {
    if (j > 0 && !(u.at > lastAt)) {
      throw new ScenarioError(scenarioFile, ePath('updates', j, 'at'), `updates must be in strictly increasing order of at (previous at ${fmtSeconds(lastAt)})`);
    }
    lastAt = u.at;
    if (u.annotations !== undefined) {
      const seconds = rolloutOf(u.annotations, scenarioFile, [...entryBase, 'updates', j, 'annotations']);
      if (seconds !== currentRollout) rolloutDurationChanges.push({ atSeconds: u.at, seconds });
      currentRollout = seconds;
      meta = { ...meta, annotations: u.annotations };
    }
    let nextStored: unknown = currentStored;
    if (u.template !== undefined) {
      checkSchemaFields(u.template, TEMPLATE_NODE, scenarioFile, [...entryBase, 'updates', j, 'template'], ['spec', 'template']);
      // The webhook sees every template applied, also one that stores as the current one does (an added empty list).
      checkInitContainers(u.template.spec, cluster.features, scenarioFile, [...entryBase, 'updates', j, 'template', 'spec']);
      checkFeatureGates(u.template.spec, cluster.features, scenarioFile, [...entryBase, 'updates', j, 'template', 'spec']);
      checkMaskedFields(u.template.spec, scenarioFile, [...entryBase, 'updates', j, 'template', 'spec']);
      checkVolumes(u.template.spec, cluster.features, scenarioFile, [...entryBase, 'updates', j, 'template', 'spec']);
      checkContainers(u.template.spec, scenarioFile, [...entryBase, 'updates', j, 'template', 'spec']);
      checkProbes(u.template.spec, cluster.features, scenarioFile, [...entryBase, 'updates', j, 'template', 'spec']);
      liveLinks = writtenLinks(u.template) ?? (writtenLinks(lastApplied) !== undefined ? undefined : liveLinks);
      nextStored = stored(u.template);
      lastApplied = u.template;
    }
    const changed = u.template !== undefined && !deepEqual(nextStored, currentStored);
    if (u.template !== undefined) currentStored = nextStored;
    if (changed && u.template !== undefined) {
      generation++;
      addRevision(u.template, scenarioFile, [...entryBase, 'updates', j, 'template'], generation, u.at, u.app, undefined, meta);
    } else if (u.app !== undefined) {
      throw new ScenarioError(
        scenarioFile,
        ePath('updates', j, 'app'),
        u.template === undefined
          ? 'this update has no template, so it creates no revision for app to apply to'
          : 'the template is unchanged, so this update creates no revision for app to apply to',
      );
    }
    if (u.traffic !== undefined) {
      checkSchemaFields(u.traffic, TRAFFIC_NODE, scenarioFile, [...entryBase, 'updates', j, 'traffic'], ['spec', 'traffic']);
      checkTraffic(u.traffic, u.at, scenarioFile, [...entryBase, 'updates', j, 'traffic']);
    }
  });

  for (const name of Object.keys(revisionApps)) {
    if (!createdBy.has(name)) {
      throw new ScenarioError(
        scenarioFile,
        ePath('revisionApps', name),
        `no revision named ${JSON.stringify(name)} (the scenario creates: ${[...createdBy.keys()].join(', ')})`,
      );
    }
  }

  return {
    spec: {
      name: svc,
      revisions,
      traffic,
      rolloutDurationSeconds: initialRollout,
      ...(rolloutDurationChanges.length > 0 ? { rolloutDurationChanges } : {}),
    },
    origins,
    tags,
    podLabels,
  };
}

/** The serving container: the one with ports, or the only one (-1: none, which validation refuses). */
function servingIndex(containers: readonly ContainerInput[]): number {
  return containers.length === 1 ? 0 : containers.findIndex((c) => c.ports !== undefined && c.ports.length > 0);
}

/** A probe's timing field as written (the probe checks have run: an int32 or absent). */
function probeField(written: Record<string, unknown> | undefined, k: string): number | undefined {
  const v = written?.[k];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Whether the activator may trust its own probe of a pod before Kubernetes marks it Ready
 * (activator/net/revision_backends.go): not when the kubelet checks something the
 * queue-proxy's readiness check does not, i.e. an exec readiness probe or a startup probe
 * on the serving container (the one with ports, or the only one), or a startup probe on
 * any other container.
 */
function probeOptimisation(containers: readonly ContainerInput[]): boolean {
  const serving = servingIndex(containers);
  return containers.every((c, i) => c.startupProbe == null && (i !== serving || c.readinessProbe?.exec == null));
}

/**
 * Whether the kubelet probes the serving container's readiness itself, so that it is not ready
 * as soon as it runs: an exec readiness probe stays on it (resources/deploy.go drops only HTTP,
 * TCP and gRPC ones).
 */
function servingContainerKubeletProbed(containers: readonly ContainerInput[]): boolean {
  const serving = servingIndex(containers);
  const c = containers[serving];
  return c !== undefined && c.readinessProbe?.exec != null;
}

/** The containers' startup probes, which Knative leaves to the kubelet as written (the probe checks have run). */
function startupProbes(containers: readonly ContainerInput[]): { startupProbe?: StartupProbe; sidecarStartupProbes?: StartupProbe[] } {
  const serving = servingIndex(containers);
  const timing = (w: Record<string, unknown>): StartupProbe =>
    startupProbe({ initialDelaySeconds: probeField(w, 'initialDelaySeconds'), periodSeconds: probeField(w, 'periodSeconds'), failureThreshold: probeField(w, 'failureThreshold') });
  const out: { startupProbe?: StartupProbe; sidecarStartupProbes?: StartupProbe[] } = {};
  containers.forEach((c, i) => {
    const p = c.startupProbe;
    if (p == null) return;
    if (i === serving) out.startupProbe = timing(p);
    else (out.sidecarStartupProbes ??= []).push(timing(p));
  });
  return out;
}

/** Which handler a probe has (the probe checks have run: exactly one); undefined for no probe. */
function probeHandler(p: Record<string, unknown> | null | undefined): ProbeHandler | undefined {
  if (p == null) return undefined;
  for (const h of ['httpGet', 'tcpSocket', 'grpc', 'exec'] as const) if (p[h] != null) return h;
  return undefined;
}

/**
 * What a hung app does to the serving container's probes: its liveness probe as the kubelet
 * runs it, and whether its readiness probe (Knative's TCP one when none is written) waits for
 * the app to answer.
 */
function hangProbes(containers: readonly ContainerInput[]): { livenessProbe?: LivenessProbe; readinessProbeFailsWhenHung?: true } {
  const c = containers[servingIndex(containers)];
  const out: { livenessProbe?: LivenessProbe; readinessProbeFailsWhenHung?: true } = {};
  const live = c?.livenessProbe ?? undefined;
  const liveHandler = probeHandler(live);
  if (live != null && liveHandler !== undefined) {
    const field = (k: string): number | undefined => probeField(live, k);
    out.livenessProbe = livenessProbe({ initialDelaySeconds: field('initialDelaySeconds'), periodSeconds: field('periodSeconds'), timeoutSeconds: field('timeoutSeconds'), failureThreshold: field('failureThreshold') }, liveHandler);
  }
  const readyHandler = probeHandler(c?.readinessProbe);
  if (readyHandler !== undefined && probeFailsWhenHung(readyHandler)) out.readinessProbeFailsWhenHung = true;
  return out;
}

/**
 * The kubelet's readiness probe of the revision's pods: the queue-proxy's copy of the serving
 * container's readiness probe (resources/queue.go). Left out when it is Knative's default one.
 */
function kubeletProbe(containers: readonly ContainerInput[]): { kubeletReadinessProbe?: KubeletReadinessProbe } {
  const serving = servingIndex(containers);
  const written = containers[serving]?.readinessProbe ?? undefined;
  const field = (k: string): number | undefined => probeField(written, k);
  const probe = podReadinessProbe({
    initialDelaySeconds: field('initialDelaySeconds'),
    periodSeconds: field('periodSeconds'),
    timeoutSeconds: field('timeoutSeconds'),
    failureThreshold: field('failureThreshold'),
    successThreshold: field('successThreshold'),
  });
  const dflt = podReadinessProbe(undefined);
  const same = (Object.keys(dflt) as (keyof KubeletReadinessProbe)[]).every((k) => probe[k] === dflt[k]);
  return same ? {} : { kubeletReadinessProbe: probe };
}

/**
 * Faults the app's work model cannot take. A slowdown stretches the app's service time, or with the
 * CPU model its non-CPU wait: refused where it would change nothing (a CPU model without `wait`)
 * or is not simulated (a measured profile). A hang that clears resumes each request's remaining
 * service time, which only the fixed service time keeps.
 */
function checkFaultsForWork(faults: readonly FaultInput[], work: WorkModelSpec | undefined, file: string, base: readonly PathSegment[]): void {
  if (work === undefined) return;
  faults.forEach((f, i) => {
    if (f.kind === 'hang' && f.duration !== undefined) {
      throw new ScenarioError(file, formatPath([...base, i, 'duration']), `a hang that clears is not simulated with the ${work.kind === 'cpu' ? 'CPU model' : 'measured profile'}: leave duration out (the app then hangs until its container exits), or give the app a serviceTime`);
    }
    if (f.kind !== 'slowdown') return;
    if (work.kind === 'profile') throw new ScenarioError(file, formatPath([...base, i]), "a slowdown is not simulated for an app given by a measured profile: use serviceTime, or cpu with a wait");
    if (work.waitSeconds.dist === 'constant' && work.waitSeconds.value === 0) {
      throw new ScenarioError(file, formatPath([...base, i]), 'a slowdown stretches the non-CPU wait of an app with the CPU model, and this app has none: set cpu.wait (its time waiting on what got slow)');
    }
  });
}

/** A validated scenario fault in the model's terms (the schema checked each kind's fields). */
function toFaultSpec(f: FaultInput): PodFaultSpec {
  switch (f.kind) {
    case 'readinessFailure':
      return { kind: f.kind, atSeconds: f.at ?? 0, durationSeconds: f.duration ?? Number.POSITIVE_INFINITY, pods: f.pods };
    case 'crash':
      return { kind: f.kind, atSeconds: f.at, pods: f.pods, count: f.count ?? 1, uptimeSeconds: f.uptime ?? 0 };
    case 'imagePull':
      return { kind: f.kind, atSeconds: f.at ?? 0, durationSeconds: f.duration ?? Number.POSITIVE_INFINITY };
    case 'hang':
      return { kind: f.kind, atSeconds: f.at, durationSeconds: f.duration ?? Number.POSITIVE_INFINITY, pods: f.pods };
    case 'slowdown':
      return { kind: f.kind, atSeconds: f.at ?? 0, durationSeconds: f.duration ?? Number.POSITIVE_INFINITY, factor: f.factor, pods: f.pods };
  }
}

function mergePodStart(defaults: PodStartInput | undefined, own: PodStartInput | undefined): PodStartSpec {
  return perPodStartPhase((phase) => own?.[phase] ?? defaults?.[phase] ?? DEFAULT_POD_START[phase]);
}

const CLASS_KEY = AUTOSCALING_ANNOTATION_KEYS.class[0];
/** The queue-proxy's breaker packs its capacity into 32 bits (pkg/queue/breaker.go). */
const QUEUE_PROXY_MAX_CONCURRENCY = 2 ** 32 - 1;

/** A progress deadline Kubernetes refuses on the revision's Deployment: an error after the webhook's checks. */
function checkDeploymentDeadline(annotations: Readonly<Record<string, string>>, file: string, base: readonly PathSegment[]): void {
  const problem = deploymentDeadlineProblem(annotations);
  if (problem !== undefined) throw new ScenarioError(file, formatPath([...base, PROGRESS_DEADLINE_ANNOTATION]), problem);
}

/** Resolves a revision's autoscaling via core, mapping its errors to the annotation's path. */
export function resolveAutoscaling(
  annotations: Readonly<Record<string, string>>,
  containerConcurrency: number,
  file: string,
  annotationsBase: readonly PathSegment[],
  cluster: ClusterConfig,
): RevisionAutoscaling {
  // A user-written class, or a class forced by `knsim compare` (src/scenario/user-classes.ts).
  const choice = chooseClass(annotations, cluster, file, annotationsBase);
  if (choice.userClass !== undefined) {
    const asKpa = { ...cluster, userClasses: undefined, classOverride: undefined };
    return { ...resolveAutoscaling(choice.annotations, containerConcurrency, file, annotationsBase, asKpa), class: choice.userClass };
  }
  annotations = choice.annotations;
  try {
    const input = { annotations, containerConcurrency, progressDeadlineSeconds: cluster.progressDeadlineSeconds };
    // The class annotation picks the reconciler (the ConfigMap default is the KPA: see configmaps.ts).
    const resolved =
      annotations[CLASS_KEY] === HPA_CLASS ? resolveHpaRevisionAutoscaling(cluster.autoscaler, input) : resolveRevisionAutoscaling(cluster.autoscaler, input);
    checkDeploymentDeadline(annotations, file, annotationsBase);
    return resolved;
  } catch (e) {
    // Annotation errors are at [<key>] of the annotations map.
    if (e instanceof FieldError) throw ScenarioError.fromField(file, e.via(...annotationsBase));
    if (e instanceof InvalidArgumentError && e.field.includes(CLASS_KEY)) {
      const cls = annotations[CLASS_KEY] ?? '';
      throw new ScenarioError(
        file,
        formatPath([...annotationsBase, CLASS_KEY]),
        `class ${JSON.stringify(cls)} is not simulated: knsim simulates ${KPA_CLASS}, ${HPA_CLASS} and the classes registered in autoscalerClasses`,
      );
    }
    if (e instanceof InvalidArgumentError) {
      throw new ScenarioError(file, formatPath(annotationsBase.slice(0, -2)), e.message);
    }
    throw e;
  }
}
