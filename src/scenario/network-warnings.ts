/**
 * Warnings for config-network: a `mesh-compatibility-mode` Knative ignores, an ingress class whose
 * balancing knsim does not know, and a domain or tag template knsim cannot check as Knative does.
 */
import {
  GATEWAY_API_INGRESS_CLASS,
  INGRESS_CLASS_KEY,
  LEGACY_INGRESS_CLASS_KEY,
  MESH_COMPATIBILITY_MODE_KEY,
  knownIngressClass,
  meshCompatibilityModeKnown,
  parseIngressClass,
} from '../core/traffic/index.js';
import { checkNetworkTemplate, DOMAIN_TEMPLATE, TAG_TEMPLATE } from './network-templates.js';

/** One warning (without its `file: path: ` head) per config-network key knsim has something to say about. */
export function networkWarnings(data: Readonly<Record<string, string>>): Array<{ key: string; text: string }> {
  const out: Array<{ key: string; text: string }> = [];
  if (meshCompatibilityModeKnown(data) === false) {
    const raw = data[MESH_COMPATIBILITY_MODE_KEY]!;
    out.push({ key: MESH_COMPATIBILITY_MODE_KEY, text: `${JSON.stringify(raw)} is not enabled, disabled or auto: Knative ignores it and keeps the default, auto` });
  }
  const cls = parseIngressClass(data);
  if (cls !== undefined) {
    const key = Object.prototype.hasOwnProperty.call(data, INGRESS_CLASS_KEY) ? INGRESS_CLASS_KEY : LEGACY_INGRESS_CLASS_KEY;
    if (cls === GATEWAY_API_INGRESS_CLASS) {
      out.push({ key, text: 'the Gateway API leaves the balancing to the Gateway implementation: knsim\'s ingress balances round robin, as Envoy does by default' });
    } else if (!knownIngressClass(cls)) {
      out.push({ key, text: `${JSON.stringify(cls)} is not the class of Istio, Kourier, Contour or the Gateway API: knsim's ingress balances round robin` });
    }
  }
  for (const t of [DOMAIN_TEMPLATE, TAG_TEMPLATE]) {
    const c = checkNetworkTemplate(data, t);
    if (c !== undefined && 'unchecked' in c) out.push({ key: c.key, text: c.unchecked });
  }
  return out;
}
