/**
 * A Kubernetes LabelSelector (metav1.LabelSelector, as a PodDisruptionBudget's spec.selector
 * holds it): matchLabels and matchExpressions, all ANDed. An empty selector matches every pod
 * of the namespace; an absent one (null in policy/v1) matches none.
 */
import { InvalidArgumentError } from '../errors.js';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  key: string;
  operator: SelectorOperator;
  values?: readonly string[];
}

export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: readonly SelectorRequirement[];
}

/** Whether `labels` satisfy `selector` (apimachinery's LabelSelectorAsSelector then Matches). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) if (!requirementMatches(r, labels)) return false;
  return true;
}

function requirementMatches(r: SelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(labels[r.key]!);
    case 'NotIn':
      // A pod without the key satisfies NotIn (labels.Requirement.Matches).
      return !has || !(r.values ?? []).includes(labels[r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      throw new InvalidArgumentError('operator', `must be In, NotIn, Exists or DoesNotExist, got ${String(r.operator)}`);
  }
}
