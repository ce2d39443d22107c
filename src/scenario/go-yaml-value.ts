/**
 * A ConfigMap value that Knative decodes with sigs.k8s.io/yaml into a Go type: the YAML read as
 * go-yaml v2 reads it (kubectl-yaml.ts), and whether it fits the type as encoding/json decides
 * (map keys turned into strings, numbers and booleans taken where a string goes, null skipped,
 * unknown fields skipped, field names matched in any case). Only the first document counts.
 */
import { parseAllDocuments } from 'yaml';
import { kubectlTags } from './kubectl-yaml.js';

/** The value: maps as Map (keys as YAML typed them), lists as arrays; undefined for an empty text. */
export function parseGoYaml(raw: string): { value: unknown } | { error: string } {
  const docs = parseAllDocuments(raw, { customTags: kubectlTags, uniqueKeys: false, merge: true, prettyErrors: false, logLevel: 'silent' });
  const first = Array.isArray(docs) ? docs[0] : undefined;
  if (first === undefined) return { value: null };
  const syntax = first.errors[0];
  if (syntax !== undefined) return { error: `cannot be parsed as YAML: ${syntax.message.split('\n')[0]}` };
  try {
    return { value: first.toJS({ mapAsMap: true, maxAliasCount: 100 }) ?? null };
  } catch (e) {
    return { error: `cannot be parsed as YAML: ${(e as Error).message.split('\n')[0]}` };
  }
}

export const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : v instanceof Map ? 'a mapping' : typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? 'a boolean' : typeof v;

/** A YAML map key as sigs.k8s.io/yaml makes it a JSON key; undefined for a null key, which it refuses. */
export function keyText(k: unknown): string | undefined {
  if (typeof k === 'string') return k;
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (typeof k === 'number') return Number.isNaN(k) ? '.nan' : k === Infinity ? '.inf' : k === -Infinity ? '-.inf' : Number.isInteger(k) ? String(k) : String(Math.fround(k));
  return undefined;
}

/** A scalar where Go expects a string: numbers and booleans become their text; null leaves "". */
export function stringValue(v: unknown): string | undefined {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return keyText(v);
  return undefined;
}

/** A Go type, as far as decoding goes. */
export type GoShape = 'string' | { map: GoShape } | { list: GoShape } | { struct: Readonly<Record<string, GoShape>> };

/** Why `v` does not decode into `shape` (at `at`, for the message); undefined when it does. */
export function shapeError(v: unknown, shape: GoShape, at: string): string | undefined {
  if (v === null) return undefined;
  const where = at === '' ? '' : `${at}: `;
  if (shape === 'string') return stringValue(v) === undefined ? `${where}expected a string, got ${kindOf(v)}` : undefined;
  if ('list' in shape) {
    if (!Array.isArray(v)) return `${where}expected a list, got ${kindOf(v)}`;
    for (const [i, item] of v.entries()) {
      const bad = shapeError(item, shape.list, `${at}[${i}]`);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  if (!(v instanceof Map)) return `${where}expected a mapping, got ${kindOf(v)}`;
  for (const [k, item] of v) {
    const key = keyText(k);
    if (key === undefined) return `${where}a key must be a string, got ${kindOf(k)}`;
    let inner: GoShape | undefined;
    if ('map' in shape) inner = shape.map;
    else inner = Object.entries(shape.struct).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
    if (inner === undefined) continue; // an unknown field
    const bad = shapeError(item, inner, at === '' ? key : `${at}.${key}`);
    if (bad !== undefined) return bad;
  }
  return undefined;
}
