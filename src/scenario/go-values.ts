/**
 * A manifest's values as Go decodes them into Kubernetes types, for the checks that follow
 * Knative's webhook and the API server: whether a field is "set" depends on its Go type.
 */

export type Obj = Record<string, unknown>;

/** A YAML mapping (not a list, not null). */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A pointer, list or map field: set unless absent or null (a written `[]` or `{}` counts). */
export const written = (v: unknown): boolean => v !== undefined && v !== null;

/** A string field: "" is Go's zero value, so not set. */
export const writtenString = (v: unknown): boolean => written(v) && v !== '';

/** A bool field: false is Go's zero value, so not set. */
export const writtenBool = (v: unknown): boolean => written(v) && v !== false;

/** Any field other than Go's zero value: not absent, null, false, "" or 0 (a list or map counts even when empty). */
export const setInGo = (v: unknown): boolean => written(v) && v !== false && v !== '' && v !== 0;

/** The mapping items of a list, with their indexes (other items are skipped: the schema has refused them). */
export const items = (v: unknown): Array<[number, Obj]> =>
  Array.isArray(v) ? v.map((x, i) => [i, x] as [number, unknown]).filter((e): e is [number, Obj] => isObj(e[1])) : [];
