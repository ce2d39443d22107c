/**
 * Top-level `podDisruptionBudgets`: policy/v1 PodDisruptionBudget manifests, as kubectl prints
 * them. Each is checked as the API server validates it, then matched against the labels the
 * revision pods carry (knative/serving's makeLabels: the template's labels, the Configuration,
 * Service and generation labels, the revision's name, and `app` unless the template sets one).
 * A pod may have one budget: with two, the Eviction API refuses every eviction of it.
 */
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../core/traffic/index.js';
import { selectorMatches, type IntOrPercent, type LabelSelector, type SelectorOperator, type SelectorRequirement } from '../core/capacity/index.js';
import type { DisruptionBudgetEntry, NodesSpec, ServiceSpec } from '../model/spec.js';
import { checkLabels } from './annotation-keys.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';
import { describeValue } from './values.js';

/** The labels of one revision's pods and the namespace they live in. */
export interface RevisionPodLabels {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

/** Labels Knative sets from UIDs, which knsim does not model: a selector on them is refused. */
const UID_LABELS = ['serving.knative.dev/serviceUID', 'serving.knative.dev/configurationUID', 'serving.knative.dev/revisionUID'];
/** Labels of the Revision object that its Deployment's pods do not get (meta.go excludeLabels). */
const NOT_ON_PODS = ['serving.knative.dev/route', 'serving.knative.dev/routingState'];

/** The labels on a revision's pods (knative/serving pkg/reconciler/revision/resources/meta.go makeLabels). */
export function revisionPodLabels(service: string, revision: string, generation: number, templateLabels: Readonly<Record<string, string>>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(templateLabels)) if (!NOT_ON_PODS.includes(k)) labels[k] = v;
  labels['serving.knative.dev/configuration'] = service;
  labels['serving.knative.dev/configurationGeneration'] = String(generation);
  labels['serving.knative.dev/service'] = service;
  labels['serving.knative.dev/revision'] = revision;
  if (!Object.hasOwn(labels, 'app')) labels['app'] = revision;
  return labels;
}

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const PERCENT = /^[0-9]+%$/;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The scenario's budgets, each with the revisions whose pods it selects. Throws a ScenarioError
 * at the first field the API server would refuse, at a budget with no node pools to evict from,
 * and at a revision two budgets select; warns of a budget that selects no pod.
 */
export function disruptionBudgets(
  file: string,
  raw: readonly unknown[] | undefined,
  nodes: NodesSpec | undefined,
  services: readonly ServiceSpec[],
  podLabels: ReadonlyMap<string, RevisionPodLabels>,
  warnings: string[],
): DisruptionBudgetEntry[] {
  if (raw === undefined || raw.length === 0) return [];
  if (nodes === undefined) {
    throw new ScenarioError(
      file,
      'podDisruptionBudgets',
      'needs cluster.nodePools: a budget only holds back evictions (kubectl drain, the Cluster Autoscaler, Karpenter), and knsim evicts pods only from nodes; the KPA scales down without evicting',
    );
  }
  const out: DisruptionBudgetEntry[] = [];
  const seen = new Map<string, number>();
  const owner = new Map<string, number>();
  raw.forEach((m, i) => {
    const base: PathSegment[] = ['podDisruptionBudgets', i];
    const fail = (rule: string, ...segs: PathSegment[]): never => {
      throw new ScenarioError(file, formatPath([...base, ...segs]), rule);
    };
    if (!isMap(m)) fail(`expected a PodDisruptionBudget manifest (a mapping), got ${describeValue(m)}`);
    const o = m as Record<string, unknown>;
    if (o['apiVersion'] === 'policy/v1beta1') fail('policy/v1beta1 was removed in Kubernetes 1.25: use policy/v1', 'apiVersion');
    if (o['apiVersion'] !== 'policy/v1') fail(`must be policy/v1, got ${describeValue(o['apiVersion'])}`, 'apiVersion');
    if (o['kind'] !== 'PodDisruptionBudget') fail(`must be PodDisruptionBudget, got ${describeValue(o['kind'])}`, 'kind');
    const meta = o['metadata'];
    if (!isMap(meta)) fail(`expected a mapping with a name, got ${describeValue(meta)}`, 'metadata');
    const md = meta as Record<string, unknown>;
    const name = md['name'];
    if (typeof name !== 'string') fail(`expected a string, got ${describeValue(name)}`, 'metadata', 'name');
    const nameErrs = dns1123SubdomainErrors(name as string);
    if (nameErrs.length > 0) fail(`invalid value ${JSON.stringify(name)}: ${nameErrs.join('; ')}`, 'metadata', 'name');
    const ns = md['namespace'] ?? 'default';
    if (typeof ns !== 'string') fail(`expected a string, got ${describeValue(ns)}`, 'metadata', 'namespace');
    // ValidateNamespaceName is NameIsDNSLabel: a DNS-1123 label, so a digit may lead (`1team`).
    const nsErrs = dns1123LabelErrors(ns as string);
    if (nsErrs.length > 0) fail(`invalid value ${JSON.stringify(ns)}: ${nsErrs.join('; ')}`, 'metadata', 'namespace');
    const key = `${ns as string}/${name as string}`;
    const dup = seen.get(key);
    if (dup !== undefined) fail(`duplicate PodDisruptionBudget ${key} (also podDisruptionBudgets[${dup}])`, 'metadata', 'name');
    seen.set(key, i);

    const spec = o['spec'] ?? {};
    if (!isMap(spec)) fail(`expected a mapping, got ${describeValue(spec)}`, 'spec');
    const sp = spec as Record<string, unknown>;
    const intOrPercent = (field: 'minAvailable' | 'maxUnavailable'): IntOrPercent | undefined => {
      const v = sp[field];
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'number') {
        if (!Number.isInteger(v) || v < 0) fail(`must be a whole number ≥ 0 or a percentage such as "50%", got ${v}`, 'spec', field);
        if (v > 2 ** 31 - 1) fail(`must fit in 32 bits (an IntOrString), got ${v}`, 'spec', field);
        return { count: v };
      }
      if (typeof v === 'string' && PERCENT.test(v)) {
        const p = Number(v.slice(0, -1));
        if (p > 100) fail(`must not be greater than 100%, got ${JSON.stringify(v)}`, 'spec', field);
        return { percent: p };
      }
      return fail(`must be a whole number or a percentage: a numeric string followed by '%', such as "50%", got ${describeValue(v)}`, 'spec', field);
    };
    const minAvailable = intOrPercent('minAvailable');
    const maxUnavailable = intOrPercent('maxUnavailable');
    if (minAvailable !== undefined && maxUnavailable !== undefined) fail('minAvailable and maxUnavailable cannot be both set', 'spec', 'maxUnavailable');
    const policy = sp['unhealthyPodEvictionPolicy'] ?? 'IfHealthyBudget';
    if (policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow') fail(`must be IfHealthyBudget or AlwaysAllow, got ${describeValue(policy)}`, 'spec', 'unhealthyPodEvictionPolicy');
    const selector = parseSelector(sp['selector'], (rule, ...segs) => fail(rule, 'spec', 'selector', ...segs), file, [...base, 'spec', 'selector']);
    if (minAvailable === undefined && maxUnavailable === undefined) {
      warnings.push(`${file}: ${formatPath([...base, 'spec'])}: sets neither minAvailable nor maxUnavailable: the disruption controller then expects no pod and allows no disruption, so no Ready pod it selects can be evicted and a drain of their nodes never ends`);
    }

    const revisions: string[] = [];
    if (selector !== undefined) {
      for (const s of services) {
        for (const r of s.revisions) {
          const pl = podLabels.get(r.name);
          if (pl === undefined || pl.namespace !== ns || !selectorMatches(selector, pl.labels)) continue;
          const other = owner.get(r.name);
          if (other !== undefined) {
            fail(
              `selects the pods of revision ${r.name}, which podDisruptionBudgets[${other}] selects too: the Eviction API refuses to evict a pod with more than one PodDisruptionBudget, so no drain could move them`,
              'spec',
              'selector',
            );
          }
          owner.set(r.name, i);
          revisions.push(r.name);
        }
      }
    }
    const never = neverDisrupts(minAvailable, maxUnavailable);
    if (never !== undefined && revisions.length > 0) {
      warnings.push(`${file}: ${formatPath([...base, 'spec'])}: ${never} allows no disruption at any scale, so no Ready pod it selects can be evicted: a drain of their nodes never ends, and the node autoscaler never removes those nodes`);
    } else if (minAvailable !== undefined && 'percent' in minAvailable) {
      // The disruption controller rounds a percentage up: at few pods it can leave nothing to disrupt (knative/operator#1701).
      for (const s of services) {
        for (const r of s.revisions) {
          const m = r.autoscaling.minScale;
          if (!revisions.includes(r.name) || m < 1 || Math.ceil((minAvailable.percent * m) / 100) < m) continue;
          warnings.push(
            `${file}: ${formatPath([...base, 'spec', 'minAvailable'])}: at ${r.name}'s min-scale of ${m} pod${m === 1 ? '' : 's'}, ${minAvailable.percent}% rounds up to ${m}: while it runs that few, no Ready pod can be evicted (drains wait, the node autoscaler keeps their nodes)`,
          );
        }
      }
    }
    if (revisions.length === 0) {
      const why = selector === undefined ? 'it has no spec.selector (a null selector matches no pod)' : `no revision pod in namespace ${ns as string} has these labels (pods carry serving.knative.dev/service, …/configuration, …/revision, …/configurationGeneration, app and their template's labels)`;
      warnings.push(`${file}: ${formatPath(base)}: selects no pod: ${why}`);
    }
    out.push({
      name: name as string,
      spec: {
        ...(minAvailable !== undefined ? { minAvailable } : {}),
        ...(maxUnavailable !== undefined ? { maxUnavailable } : {}),
        unhealthyPodEvictionPolicy: policy as 'IfHealthyBudget' | 'AlwaysAllow',
      },
      revisions,
    });
  });
  return out;
}

/** spec.selector (metav1.LabelSelector), validated as apimachinery's ValidateLabelSelector does. */
function parseSelector(v: unknown, fail: (rule: string, ...segs: PathSegment[]) => never, file: string, base: readonly PathSegment[]): LabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isMap(v)) return fail(`expected a mapping (matchLabels, matchExpressions), got ${describeValue(v)}`);
  const out: { matchLabels?: Record<string, string>; matchExpressions?: SelectorRequirement[] } = {};
  const ml = v['matchLabels'];
  if (ml !== undefined && ml !== null) {
    if (!isMap(ml)) return fail(`expected a mapping of label keys to values, got ${describeValue(ml)}`, 'matchLabels');
    const labels: Record<string, string> = {};
    for (const [k, val] of Object.entries(ml)) {
      if (typeof val !== 'string') return fail(`label values must be strings, got ${describeValue(val)}`, 'matchLabels', k);
      labels[k] = val;
    }
    checkLabels(labels, file, [...base, 'matchLabels'], 'pdb');
    for (const k of Object.keys(labels)) if (UID_LABELS.includes(k)) fail(uidRule(k), 'matchLabels', k);
    out.matchLabels = labels;
  }
  const me = v['matchExpressions'];
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) return fail(`expected a list of requirements, got ${describeValue(me)}`, 'matchExpressions');
    out.matchExpressions = me.map((r: unknown, j): SelectorRequirement => {
      if (!isMap(r)) return fail(`expected a mapping (key, operator, values), got ${describeValue(r)}`, 'matchExpressions', j);
      const key = r['key'];
      if (typeof key !== 'string') return fail(`expected a string, got ${describeValue(key)}`, 'matchExpressions', j, 'key');
      checkLabels({ [key]: '' }, file, [...base, 'matchExpressions', j, 'key'], 'pdb');
      if (UID_LABELS.includes(key)) fail(uidRule(key), 'matchExpressions', j, 'key');
      const op = r['operator'];
      if (!OPERATORS.includes(op as SelectorOperator)) return fail(`must be In, NotIn, Exists or DoesNotExist, got ${describeValue(op)}`, 'matchExpressions', j, 'operator');
      const values = r['values'] ?? [];
      if (!Array.isArray(values) || values.some((x) => typeof x !== 'string')) return fail(`expected a list of strings, got ${describeValue(values)}`, 'matchExpressions', j, 'values');
      const vals = values as string[];
      if ((op === 'In' || op === 'NotIn') && vals.length === 0) fail(`must be specified when operator is ${op as string}`, 'matchExpressions', j, 'values');
      if ((op === 'Exists' || op === 'DoesNotExist') && vals.length > 0) fail(`may not be specified when operator is ${op as string}`, 'matchExpressions', j, 'values');
      return { key, operator: op as SelectorOperator, values: vals };
    });
  }
  return out;
}

function uidRule(key: string): string {
  return `knsim does not model object UIDs, so it cannot match ${key}: select by serving.knative.dev/service, serving.knative.dev/revision, app or a label of the template`;
}

/** The field that makes a budget allow no disruption whatever the scale (maxUnavailable 0, minAvailable 100%), if one does. */
function neverDisrupts(minAvailable: IntOrPercent | undefined, maxUnavailable: IntOrPercent | undefined): string | undefined {
  if (maxUnavailable !== undefined && ('count' in maxUnavailable ? maxUnavailable.count : maxUnavailable.percent) === 0) return `maxUnavailable ${'count' in maxUnavailable ? 0 : '0%'}`;
  if (minAvailable !== undefined && 'percent' in minAvailable && minAvailable.percent === 100) return 'minAvailable 100%';
  return undefined;
}
