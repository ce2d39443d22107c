/**
 * config-network's `ingress-class` (knative.dev/networking pkg/config): which networking layer
 * realises the Routes' KIngresses, and so how the ingress spreads a revision's requests over its
 * endpoints (the ready pods in Serve mode, the activators in Proxy mode). Kourier and Contour leave
 * Envoy's default, round robin; Istio's gateway uses Istio's default since 1.14, Envoy's
 * least-request ({@link leastRequestPick}). Knative's own default class is Istio's, but knsim keeps
 * round robin when the key is absent (see ingressBalancing). With the Gateway API the balancing is
 * the Gateway implementation's, which Knative does not choose.
 */
import { goTrimSpace } from '../strconv.js';

/** The config-network key, and its older spelling (read first; the new key wins). */
export const INGRESS_CLASS_KEY = 'ingress-class';
export const LEGACY_INGRESS_CLASS_KEY = 'ingress.class';

export const ISTIO_INGRESS_CLASS = 'istio.ingress.networking.knative.dev';
export const KOURIER_INGRESS_CLASS = 'kourier.ingress.networking.knative.dev';
export const CONTOUR_INGRESS_CLASS = 'contour.ingress.networking.knative.dev';
export const GATEWAY_API_INGRESS_CLASS = 'gateway-api.ingress.networking.knative.dev';

/** A Service's (or Route's) own class, over config-network's (networking.knative.dev/ingress.class, then ingress-class). */
export const INGRESS_CLASS_ANNOTATION_KEYS: readonly string[] = ['networking.knative.dev/ingress.class', 'networking.knative.dev/ingress-class'];

/** How the ingress picks among a revision's endpoints. */
export type IngressBalancing = 'round-robin' | 'least-request';

/**
 * The class config-network names (the new key over the old), undefined when neither is set.
 * Trimmed as Go trims, as upstream reads every string key of a ConfigMap (configmap AsString).
 */
export function parseIngressClass(data: Readonly<Record<string, string>>): string | undefined {
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(data, k);
  if (has(INGRESS_CLASS_KEY)) return goTrimSpace(data[INGRESS_CLASS_KEY]!);
  if (has(LEGACY_INGRESS_CLASS_KEY)) return goTrimSpace(data[LEGACY_INGRESS_CLASS_KEY]!);
  return undefined;
}

/**
 * The balancing of the ingress `ingressClass` names: least-request for Istio's, round robin for
 * the others. No class (undefined) keeps the round robin knsim's ingress had before it read the
 * key, although Knative itself then uses Istio's class: a scenario of an Istio cluster sets it.
 */
export function ingressBalancing(ingressClass: string | undefined): IngressBalancing {
  return ingressClass === ISTIO_INGRESS_CLASS ? 'least-request' : 'round-robin';
}

/** Whether knsim knows the class (a KIngress of another class is realised by no controller it models). */
export function knownIngressClass(ingressClass: string): boolean {
  return [ISTIO_INGRESS_CLASS, KOURIER_INGRESS_CLASS, CONTOUR_INGRESS_CLASS, GATEWAY_API_INGRESS_CLASS].includes(ingressClass);
}
