/**
 * config-deployment `runtime-class-name`: YAML mapping RuntimeClass names to an optional
 * `selector` of pod labels, which Knative reads when the ConfigMap loads (knative/serving
 * pkg/deployment/config.go NewConfigFromMap) and refuses the whole ConfigMap for when the
 * YAML does not decode into that shape, a class is not a DNS-1123 subdomain, or a selector's
 * key or value is not a valid label key or value. knsim models no RuntimeClass (no pod
 * overhead, no node selection from one), so the value is checked and not used.
 *
 * Decoded as sigs.k8s.io/yaml decodes it (go-yaml-value.ts).
 */
import { goTrimSpace } from '../core/autoscaler/index.js';
import { dns1123SubdomainErrors, qualifiedNameErrors } from '../core/traffic/index.js';
import { keyText, kindOf, parseGoYaml, stringValue } from './go-yaml-value.js';

export const RUNTIME_CLASS_NAME_KEY = 'runtime-class-name';

const LABEL_VALUE_MAX = 63;
const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why the label value `v` is not one the API server takes; undefined when it is. */
function labelValueError(v: string): string | undefined {
  if (v.length > LABEL_VALUE_MAX) return `must be no more than ${LABEL_VALUE_MAX} characters`;
  if (!LABEL_VALUE_RE.test(v)) return "must be empty or consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character";
  return undefined;
}

/**
 * Why Knative refuses `raw` as config-deployment's runtime-class-name, in one line; undefined
 * when it takes it (an empty value, the default, sets no class).
 */
export function runtimeClassNamesError(raw: string): string | undefined {
  // configmap.AsString trims the value before Knative decodes it, which can change its YAML.
  const parsed = parseGoYaml(goTrimSpace(raw));
  if ('error' in parsed) return parsed.error;
  const top = parsed.value;
  if (top === null) return undefined;
  const shape = 'a mapping of RuntimeClass names to { selector: { <label>: <value> } }';
  if (!(top instanceof Map)) return `cannot be parsed: expected ${shape}, got ${kindOf(top)}`;
  // Decoded first, as upstream decodes the whole value before it checks any class.
  const classes: Array<{ name: string; selector: Map<string, string> | undefined }> = [];
  for (const [k, v] of top) {
    const name = keyText(k);
    if (name === undefined) return `cannot be parsed: a RuntimeClass name must be a string, got ${kindOf(k)}`;
    if (v !== null && !(v instanceof Map)) return `cannot be parsed: class ${JSON.stringify(name)} must be a mapping (such as {} or { selector: … }), got ${kindOf(v)}`;
    let selector: Map<string, string> | undefined;
    for (const [fk, fv] of v instanceof Map ? v : []) {
      // encoding/json matches a field's name in any case and skips unknown fields.
      if (keyText(fk)?.toLowerCase() !== 'selector') continue;
      if (fv === null) {
        selector = undefined;
        continue;
      }
      if (!(fv instanceof Map)) return `cannot be parsed: class ${JSON.stringify(name)}: selector must be a mapping of labels to values, got ${kindOf(fv)}`;
      selector = new Map();
      for (const [lk, lv] of fv) {
        const label = keyText(lk);
        if (label === undefined) return `cannot be parsed: class ${JSON.stringify(name)}: a selector's label must be a string, got ${kindOf(lk)}`;
        const value = stringValue(lv);
        if (value === undefined) return `cannot be parsed: class ${JSON.stringify(name)}: selector ${JSON.stringify(label)} must be a string, got ${kindOf(lv)}`;
        selector.set(label, value);
      }
    }
    classes.push({ name, selector });
  }
  for (const { name, selector } of classes) {
    const bad = dns1123SubdomainErrors(name)[0];
    if (bad !== undefined) return `RuntimeClass name ${JSON.stringify(name)} is not a valid DNS-1123 subdomain: ${bad}`;
    for (const [label, value] of selector ?? []) {
      const key = qualifiedNameErrors(label)[0];
      if (key !== undefined) return `class ${JSON.stringify(name)}: selector label ${JSON.stringify(label)} is not a valid label key: ${key}`;
      const val = labelValueError(value);
      if (val !== undefined) return `class ${JSON.stringify(name)}: selector value ${JSON.stringify(value)} of ${JSON.stringify(label)} is not a valid label value: ${val}`;
    }
  }
  return undefined;
}
