/**
 * One error type for bad fields, modelled on Knative's `apis.FieldError`: a
 * validator reports a rule at a path relative to what it was given, and each
 * caller going up prefixes its own part of the path (`viaField`, `viaIndex`,
 * `viaKey`) or merges sibling errors (`also`). So the traffic validator says
 * `percent`, its caller `spec.traffic[1].percent`, and the scenario loader
 * adds the file and where the manifest sits in it, without parsing messages.
 */

/** A map key (annotation, label, ConfigMap key), kept apart from field names because keys may hold dots. */
export interface FieldKey {
  readonly key: string;
}

/** One step of a field path: a field name, a list index or a map key. */
export type FieldPathSegment = string | number | FieldKey;

/** A field path, outermost segment first; empty means the object itself. */
export type FieldPath = readonly FieldPathSegment[];

/** One broken rule and every path it names (a rule relating two fields names both). */
export interface FieldIssue {
  /** The rule, in Knative's words where there are some, e.g. `expected 0 <= 120 <= 100`. */
  readonly message: string;
  readonly paths: readonly FieldPath[];
  /** Extra explanation, printed in parentheses after the paths. */
  readonly details?: string | undefined;
}

/** A path given as one field name (`'spec'`) or as segments. */
export type FieldPathInput = string | FieldPath;

const toPath = (p: FieldPathInput): FieldPath => (typeof p === 'string' ? (p === '' ? [] : [p]) : p);

/**
 * Formats a path as Knative prints it: fields joined by dots, indexes and keys
 * in brackets: `spec.traffic[1].percent`, `metadata.annotations[autoscaling.knative.dev/minScale]`.
 */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string') out += out === '' ? seg : `.${seg}`;
    else out += `[${seg.key}]`;
  }
  return out;
}

/** The paths of an issue, formatted and sorted as Knative prints them. */
export function formatIssuePaths(issue: FieldIssue): string[] {
  return issue.paths.map(formatFieldPath).sort();
}

/** `<rule>: <paths>[ (<details>)]` for one issue. */
export function formatIssue(issue: FieldIssue): string {
  const paths = formatIssuePaths(issue);
  const where = paths.length > 0 ? `: ${paths.join(', ')}` : '';
  return `${issue.message}${where}${issue.details ? ` (${issue.details})` : ''}`;
}

/**
 * A field (or several) that breaks a rule. Immutable: the `via…` methods and
 * `also` return new errors. The message is every issue, one per line, in the
 * order they were found.
 */
export class FieldError extends Error {
  override name = 'FieldError';
  /** Every issue, in the order found; never empty. */
  readonly issues: readonly FieldIssue[];

  /**
   * @param rule the rule that was broken, or the issues of an error being composed.
   * @param paths where: each a field name or a path of segments; none means the object itself.
   *   Several paths name one issue (a rule relating two fields), like Knative's `ErrMultipleOneOf`.
   * @param details optional explanation.
   */
  constructor(rule: string | readonly FieldIssue[], paths: readonly FieldPathInput[] = [], details?: string) {
    const issues: readonly FieldIssue[] =
      typeof rule === 'string' ? [{ message: rule, paths: paths.map(toPath), ...(details ? { details } : {}) }] : rule;
    if (issues.length === 0) throw new RangeError('a FieldError needs at least one issue');
    super(issues.map(formatIssue).join('\n'));
    this.issues = issues;
  }

  /** The first issue (validators that stop at the first problem throw errors with one). */
  get first(): FieldIssue {
    return this.issues[0]!;
  }

  /** The first issue's first path, formatted (`''` for the object itself). */
  get field(): string {
    const p = this.first.paths[0];
    return p === undefined ? '' : formatFieldPath(p);
  }

  /** Prefixes every path with `segments` (outermost first): `err.viaField('spec', 'traffic')`. */
  via(...segments: FieldPathSegment[]): FieldError {
    return new FieldError(
      this.issues.map((i) => ({ ...i, paths: (i.paths.length > 0 ? i.paths : [[]]).map((p) => [...segments, ...p]) })),
    );
  }

  /** Prefixes every path with field names: `percent` → `spec.traffic.percent` for `viaField('spec', 'traffic')`. */
  viaField(...names: string[]): FieldError {
    return this.via(...names);
  }

  /** Prefixes every path with a list index: `percent` → `[1].percent`. */
  viaIndex(index: number): FieldError {
    return this.via(index);
  }

  /** Prefixes every path with a map key: `.foo` → `[key].foo`. */
  viaKey(key: string): FieldError {
    return this.via({ key });
  }

  /** `viaIndex` then `viaField`: `percent` → `traffic[1].percent`. */
  viaFieldIndex(name: string, index: number): FieldError {
    return this.via(name, index);
  }

  /** `viaKey` then `viaField`: `.x` → `annotations[key].x`. */
  viaFieldKey(name: string, key: string): FieldError {
    return this.via(name, { key });
  }

  /** This error's issues followed by those of `others` (undefined ones are skipped). */
  also(...others: ReadonlyArray<FieldError | undefined>): FieldError {
    return new FieldError([...this.issues, ...others.flatMap((o) => (o === undefined ? [] : o.issues))]);
  }

  /** Merges errors, skipping undefined; undefined when there are none (Knative's `var errs *FieldError; errs = errs.Also(…)`). */
  static merge(...errs: ReadonlyArray<FieldError | undefined>): FieldError | undefined {
    const issues = errs.flatMap((e) => (e === undefined ? [] : e.issues));
    return issues.length === 0 ? undefined : new FieldError(issues);
  }
}
