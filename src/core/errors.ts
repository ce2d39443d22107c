/**
 * Typed errors shared by the core libraries. Every public core function rejects
 * nonsense input (NaN, negative windows, unknown enum values) with an
 * {@link InvalidArgumentError} rather than returning NaN or silently clamping.
 */

/** A caller passed a value that no Knative object could hold. */
export class InvalidArgumentError extends RangeError {
  override readonly name = 'InvalidArgumentError';
  /** The parameter or field path that was wrong, e.g. `spec.targetValue`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

// The checks below run on every decision and every recorded stat. Each keeps only its
// comparison inline and builds its error in a separate function. With the message
// templates inline, the checks used up V8's inlining budget of callers such as
// MetricCollection.record (node --trace-turbo-inlining), so they stayed calls, which cost more
// than the checks: 1.2 k of a bench `low-rate` simulated second's 23 k instructions
// (cachegrind).

/** Throws unless `v` is a finite number. */
export function requireFinite(field: string, v: number): number {
  // Number.isFinite is false for every non-number, so no typeof test is needed.
  if (!Number.isFinite(v)) notFinite(field, v);
  return v;
}

/** Throws unless `v` is a finite number ≥ 0. */
export function requireNonNegative(field: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) notAtLeast(field, v, 0, '≥');
  return v;
}

/** Throws unless `v` is a finite number > 0. */
export function requirePositive(field: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) notAtLeast(field, v, 0, '>');
  return v;
}

/** Throws unless `v` is an integer (optionally ≥ min). */
export function requireInteger(field: string, v: number, min?: number): number {
  if (!Number.isInteger(v) || (min !== undefined && v < min)) notInteger(field, v, min);
  return v;
}

function notFinite(field: string, v: unknown): never {
  throw new InvalidArgumentError(field, `must be a finite number, got ${String(v)}`);
}

/** The error of requireNonNegative (`≥`) or requirePositive (`>`). */
function notAtLeast(field: string, v: number, bound: number, relation: '≥' | '>'): never {
  requireFinite(field, v);
  throw new InvalidArgumentError(field, `must be ${relation} ${bound}, got ${v}`);
}

function notInteger(field: string, v: number, min: number | undefined): never {
  requireFinite(field, v);
  if (!Number.isInteger(v)) throw new InvalidArgumentError(field, `must be an integer, got ${v}`);
  throw new InvalidArgumentError(field, `must be ≥ ${min}, got ${v}`);
}

/** Throws unless `v` is one of `allowed`. */
export function requireOneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new InvalidArgumentError(field, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

/**
 * One field's check: throws an {@link InvalidArgumentError} naming `field` unless `v` is
 * allowed. `context` is what {@link requireFields} was given (e.g. the time a state is
 * observed at), so a table of checks can be a constant rather than closures built per call.
 * Mind that a check with an optional third parameter of its own (`requireInteger`'s `min`)
 * would receive the context there: wrap it when a table is used with a context.
 */
export type FieldCheck<V, C = undefined> = (field: string, v: V, context: C) => unknown;

/**
 * Checks the fields of `obj`, each with its check, in the table's order (the first failure
 * throws). Errors name `prefix.key`, or just `key` without a prefix. Returns `obj`.
 */
export function requireFields<T extends object, C = undefined>(
  obj: T,
  checks: { readonly [K in keyof T]?: FieldCheck<T[K], C> },
  prefix?: string,
  context?: C,
): T {
  // for…in walks a plain table's keys in Object.keys order without building an array.
  for (const key in checks) {
    checks[key]!(prefix === undefined ? key : `${prefix}.${key}`, obj[key], context as C);
  }
  return obj;
}

/**
 * `validate` that remembers the frozen objects it has accepted. A frozen object of plain
 * fields cannot change, so checking it again would repeat the same answer: the decision
 * pipeline freezes its settings, and every reconcile after the first skips their checks.
 * Other objects are checked every time; a rejected object is never remembered.
 */
export function rememberFrozen<T>(validate: (v: T, field?: string) => T): (v: T, field?: string) => T {
  const accepted = new WeakSet<object>();
  return (v, field) => {
    if (accepted.has(v as object)) return v;
    validate(v, field);
    if (typeof v === 'object' && v !== null && Object.isFrozen(v)) accepted.add(v);
    return v;
  };
}
