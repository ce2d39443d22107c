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
  /**
   * When `path` names another file and the rule is broken inside that one (a trace file):
   * that file and where in it (`traces/a.csv: line 4, column duration`), printed between
   * the path and the rule; '' otherwise.
   */
  readonly within: string;
  constructor(file: string, path: string, rule: string, within = '') {
    // The files are the user's own paths, kept whole; the path and rule echo the input, so they are capped.
    const f = file.replace(NEWLINES, ' ');
    const p = capPath(path.replace(NEWLINES, ' '));
    const w = within.replace(NEWLINES, ' ');
    // The rule gets what is left of one line of MAX_LINE characters (at least MAX_ECHO).
    const r = capText(capEchoes(oneLine(rule)), Math.max(MAX_ECHO, MAX_LINE - f.length - p.length - w.length - (w === '' ? 4 : 6)));
    const head = p === '' ? f : `${f}: ${p}`;
    super(w === '' ? `${head}: ${r}` : `${head}: ${w}: ${r}`);
    this.file = file;
    this.path = p;
    this.rule = r;
    this.within = within;
  }

  /**
   * `inner`, an error inside a file the scenario names (a trace), placed at the field of
   * `file` that names it: `<file>: <path>: <inner file>: <inner path>: <rule>`.
   */
  static within(file: string, path: string, inner: ScenarioError): ScenarioError {
    return new ScenarioError(file, path, inner.rule, inner.path === '' ? inner.file : `${inner.file}: ${inner.path}`);
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

const NEWLINES = /[\r\n\u2028\u2029]/g;

/**
 * Line breaks, with the blanks around them, become one space. Split and trimmed rather than
 * replaced by one regex (blanks, line breaks, blanks): that regex retries a run of blanks from
 * each of its characters, and a module's error message of 300,000 spaces took minutes.
 */
function oneLine(s: string): string {
  return s
    .split(/[\r\n\u2028\u2029]/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ');
}

/** Echoed values are cut to this many characters (with an ellipsis), so a 16 MB value makes a short error. */
export const MAX_ECHO = 80;
/** A message longer than this has its rule cut: an error stays one readable line whatever the input. */
const MAX_LINE = 300;

/** `s` cut to `max` characters, the last one an ellipsis. */
export function capText(s: string, max = MAX_ECHO): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * A number as a message shows it. YAML reads `.nan` as NaN and `.inf` as Infinity: those are
 * said in YAML's words, since the user never wrote JavaScript's "Infinity" or "NaN". (A number
 * past the largest double, such as 1e309, stays text, as kubectl's reader keeps it.)
 */
export function shownNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan (not a number)';
  if (n === Infinity) return '.inf (infinity)';
  if (n === -Infinity) return '-.inf (minus infinity)';
  return String(n);
}

/** JSON.stringify of a string, cut to {@link MAX_ECHO} characters (the closing quote kept). */
export function quote(s: string): string {
  const q = JSON.stringify(s);
  return q.length <= MAX_ECHO ? q : `${q.slice(0, MAX_ECHO - 2)}…"`;
}

/**
 * Caps what a message echoes from the input, wherever it was built (core's messages
 * too): quoted strings and unbroken runs longer than {@link MAX_ECHO}, then the whole text.
 */
function capEchoes(s: string): string {
  if (s.length <= MAX_ECHO) return s;
  // [^\s"]+ rather than [^\s"]{81,}: V8 runs a counted repeat on its backtracking stack, which a
  // 20 MB word (an autoscaler module's error message) overflowed.
  const out = capQuoted(s).replace(/[^\s"]+/g, (m) => (m.length > MAX_ECHO ? capText(m) : m));
  return capText(out, MAX_LINE);
}

/** The longest field path shown whole: a manifest's deep paths run past MAX_ECHO. */
const MAX_PATH = 160;

/**
 * A field path as a message shows it: quoted keys capped as any echo, then, if still longer
 * than MAX_PATH, its middle elided. The end names the field at fault, so it is kept (cutting
 * the end, as capEchoes does, left `…securityContext.procM…`).
 */
function capPath(p: string): string {
  const q = capQuoted(p);
  if (q.length <= MAX_PATH) return q;
  const head = 40;
  return `${q.slice(0, head)}…${q.slice(q.length - (MAX_PATH - head - 1))}`;
}

/**
 * Quoted strings ("…", with backslash escapes) of more than MAX_ECHO characters cut to
 * MAX_ECHO, the closing quote kept. A scan, not a regex, for the reason above.
 */
function capQuoted(s: string): string {
  let out = '';
  let copied = 0;
  for (let open = s.indexOf('"'); open >= 0; ) {
    let i = open + 1;
    let chars = 0;
    while (i < s.length && s[i] !== '"') {
      i += s[i] === '\\' ? 2 : 1;
      chars++;
    }
    // An opening quote never closed: the rest is not a quoted string.
    if (i >= s.length) break;
    if (chars >= MAX_ECHO - 1) {
      out += `${s.slice(copied, open + MAX_ECHO - 2)}…"`;
      copied = i + 1;
    }
    open = s.indexOf('"', i + 1);
  }
  return out + s.slice(copied);
}

/** A message of any other error as one line, its echoes capped as a ScenarioError's are (a bad flag's value). */
export function cappedLine(s: string): string {
  return capEchoes(oneLine(s));
}

/** The one-line message for a ScenarioError (what the CLI prints after `knsim: `); undefined for anything else. */
export function formatError(e: unknown): string | undefined {
  return e instanceof ScenarioError ? e.message : undefined;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Whether the field path `path` (as formatPath writes it) is `at` or lies under it. */
export function isPathWithin(path: string, at: string): boolean {
  return path === at || (path.startsWith(at) && (path[at.length] === '.' || path[at.length] === '['));
}

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
      (i === 2 && segments[0] === 'configMaps' && typeof prev === 'string');
    if (quoted) out += `[${JSON.stringify(seg)}]`;
    else out += i === 0 ? seg : `.${seg}`;
  });
  return out;
}
