/**
 * The one error type of the scenario loader. Every bad input (scenario YAML,
 * Knative manifest, trace file, `--set` override) ends up as a ScenarioError
 * whose message is a single line: `<file>: <path>: <rule>`.
 */

import type { FieldError, FieldPathSegment } from '../core/autoscaler/index.js';

/** A path segment: an object key or a list index. */
export type PathSegment = string | number;

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  /** The file at fault (scenario, manifest or trace file), as the user named it. */
  readonly file: string;
  /**
   * Where in the file: a field path such as `clients[1].open.rps` or
   * `services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]`,
   * `line 17, column end_timestamp` for trace files, `--set <expr>` for overrides,
   * or '' when the whole file is at fault.
   */
  readonly path: string;
  /** The broken rule, short, in Knative's words where there are some. */
  readonly rule: string;
  constructor(file: string, path: string, rule: string) {
    super(path === '' ? `${file}: ${oneLine(rule)}` : `${file}: ${path}: ${oneLine(rule)}`);
    this.file = file;
    this.path = path;
    this.rule = oneLine(rule);
  }

  /**
   * A core {@link FieldError} placed in `file`: its (first) issue's path, which the
   * caller has already prefixed with where the object sits (`err.viaField(...)`),
   * printed as {@link formatPath} prints paths, and its rule with any details.
   */
  static fromField(file: string, err: FieldError): ScenarioError {
    const issue = err.first;
    const rule = issue.details ? `${issue.message} (${issue.details})` : issue.message;
    return new ScenarioError(file, formatPath(issue.paths[0] ?? []), rule);
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, ' ').trim();
}

/** The one-line message for a ScenarioError (what the CLI prints after `knsim: `); undefined for anything else. */
export function formatError(e: unknown): string | undefined {
  return e instanceof ScenarioError ? e.message : undefined;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Formats a path the way errors print it and `--set` reads it: `a.b[0].c`, with
 * keys that are not plain identifiers (and every annotation, label and ConfigMap
 * key, and every map-key segment of a core FieldError) in brackets and double
 * quotes: `annotations["autoscaling.knative.dev/target"]`.
 */
export function formatPath(segments: readonly FieldPathSegment[]): string {
  let out = '';
  segments.forEach((seg, i) => {
    if (typeof seg === 'number') {
      out += `[${seg}]`;
      return;
    }
    if (typeof seg === 'object') {
      out += `[${JSON.stringify(seg.key)}]`;
      return;
    }
    const prev = segments[i - 1];
    const quoted =
      !IDENT.test(seg) ||
      (i > 0 && (prev === 'annotations' || prev === 'labels')) ||
      (i === 2 && segments[0] === 'configMaps');
    if (quoted) out += `[${JSON.stringify(seg)}]`;
    else out += i === 0 ? seg : `.${seg}`;
  });
  return out;
}
