/**
 * Parameter axes of sweeps (`--grid`) and tuners (`--space`): a `--set` path and an
 * ordered list of values, each applied to the scenario as `path=value`.
 *
 *   path=v1,v2,v3        a list (commas inside [], {} or quotes do not split)
 *   path=a..b            a numeric range, step 1
 *   path=a..b:step       a numeric range; a unit suffix may follow the numbers
 *                        (30s..120s:30s gives 30s,60s,90s,120s); durations may
 *                        mix units (0s..10m:1m gives 0s,60s,...,600s); numbers
 *                        may have exponents (1e3..2e3:5e2)
 */
import { capText, formatPath, ScenarioError } from '../scenario/errors.js';
import { parseSetExpression } from '../scenario/set.js';
import { overridePathError } from '../scenario/override-paths.js';
import { UsageError } from '../scenario/usage-error.js';

export interface Axis {
  /** The path in canonical `--set` form (as errors print it). */
  path: string;
  /** The values as text, in order; `${path}=${value}` is the override. */
  values: string[];
}

/** Most values on one axis, and most points in a grid. */
export const MAX_AXIS_VALUES = 10_000;
export const MAX_POINTS = 1_000_000;

/** Characters of a --grid / --space expression an error echoes. */
const MAX_EXPR_ECHO = 200;

/** The override that sets `axis` to `value`. */
export function setExpression(axis: Axis, value: string): string {
  return `${axis.path}=${value}`;
}

/** A short name for charts: the last path segment (the annotation or ConfigMap key, the field). */
export function axisLabel(axis: Axis): string {
  const { path } = parseSetExpression(`${axis.path}=0`);
  const last = path[path.length - 1];
  if (typeof last === 'number') return axis.path;
  return last === undefined ? axis.path : last;
}

/**
 * Calls `visit` with each character of `text` outside single or double quotes (a backslash
 * escapes the next character inside double quotes), in order, until it returns true.
 * False when it ran to the end with a quote still open.
 */
function eachUnquoted(text: string, visit: (c: string, i: number) => boolean | void): boolean {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (visit(c, i) === true) return true;
  }
  return quote === undefined;
}

/** Splits `path=values` at the first `=` outside a quoted key. */
function splitAtEquals(expr: string): [string, string] | undefined {
  let at = -1;
  eachUnquoted(expr, (c, i) => {
    if (c !== '=') return false;
    at = i;
    return true;
  });
  return at < 0 ? undefined : [expr.slice(0, at), expr.slice(at + 1)];
}

/** Splits at commas that are not inside brackets, braces or quotes. */
function splitTopLevel(text: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  const closed = eachUnquoted(text, (c, i) => {
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
    return depth < 0;
  });
  if (!closed || depth !== 0) return undefined;
  out.push(text.slice(start));
  return out;
}

// A number (with an exponent, as YAML and Kubernetes quantities write them) and its unit.
const NUM = '([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)([a-zA-Z%]*)';
const RANGE = new RegExp(`^${NUM}\\.\\.${NUM}(?::${NUM})?$`);
/**
 * `a..b:` followed by a step that starts like a number (`1e-300`, `0x10`, `.inf`, `-1`): a
 * range, so a step knsim cannot use is refused instead of the whole text becoming one value.
 */
const RANGE_WITH_NUMERIC_STEP = new RegExp(`^${NUM}\\.\\.${NUM}:[+-]?(?:\\d|\\.\\d|\\.?inf|nan)`, 'i');

/** Digits after the point of a number as written, its exponent counted: 1.25 → 2, 1e-3 → 3, 2.5e1 → 0. */
const decimals = (s: string): number => {
  const e = s.search(/[eE]/);
  const mantissa = e < 0 ? s : s.slice(0, e);
  const dot = mantissa.indexOf('.');
  const fraction = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, fraction - (e < 0 ? 0 : Number(s.slice(e + 1))));
};

/** Most digits after the point a range's numbers may have (what toFixed writes exactly). */
const MAX_DECIMALS = 100;

/** A count of range values for a message: exact while it is a safe integer, else its order of magnitude. */
const shownCount = (n: number): string =>
  !Number.isFinite(n) ? 'more values than can be counted' : Number.isSafeInteger(n) ? `${n.toLocaleString('en-US')} values` : `about ${n.toExponential(0)} values`;

/** Duration units a range may mix, in seconds (Go's units from ms up). */
const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * The one unit a range's numbers are written in, and each unit's factor to it.
 * Durations may mix units (`0s..10m:1m`): they are written in the smallest one
 * given, so every value stays exact. A number without a unit takes the range's unit.
 */
function rangeUnit(units: readonly string[], text: string, fail: (rule: string) => never): { unit: string; factor: (u: string) => number } {
  const given = units.filter((u) => u !== '');
  const unit = given[0] ?? '';
  if (given.every((u) => u === unit)) return { unit, factor: () => 1 };
  if (!given.every((u) => DURATION_UNITS[u] !== undefined)) {
    fail(`a range's numbers must share one unit, or all be durations (ms, s, m, h) (got ${JSON.stringify(text)})`);
  }
  const smallest = given.reduce((a, u) => (DURATION_UNITS[u]! < DURATION_UNITS[a]! ? u : a));
  return { unit: smallest, factor: (u) => (u === '' ? 1 : DURATION_UNITS[u]! / DURATION_UNITS[smallest]!) };
}

/** Expands `a..b[:step]`; undefined when `text` is not a range. */
function expandRange(text: string, fail: (rule: string) => never): string[] | undefined {
  const m = RANGE.exec(text.trim());
  if (m === null) return undefined;
  const [, aText, aUnit, bText, bUnit, stepText, stepUnit] = m as unknown as [string, string, string, string, string, string | undefined, string | undefined];
  const { unit, factor } = rangeUnit([aUnit, bUnit, stepUnit ?? ''], text.trim(), fail);
  // The count first, from the numbers as given: a step of 1e-300 must not reach the loop below.
  const given = (t: string, u: string): number => {
    const v = Number(t) * factor(u);
    if (!Number.isFinite(v)) fail(`${t}${u} is not a finite number (got ${JSON.stringify(text.trim())})`);
    return v;
  };
  const [a0, b0, step0] = [given(aText, aUnit), given(bText, bUnit), stepText === undefined ? 1 : given(stepText, stepUnit ?? '')];
  if (!(step0 > 0)) fail(`a range's step must be > 0 (got ${JSON.stringify(text.trim())})`);
  if (a0 > b0) fail(`a range must go up: ${aText}${aUnit} > ${bText}${bUnit}`);
  const span = Math.floor((b0 - a0) / step0 + 1e-9) + 1;
  const tooMany = (n: number): never => fail(`the range ${JSON.stringify(text.trim())} has ${shownCount(n)} (at most ${MAX_AXIS_VALUES.toLocaleString('en-US')}): use a larger step`);
  if (!(span <= MAX_AXIS_VALUES)) tooMany(span);
  const most = Math.max(decimals(aText), decimals(bText), decimals(stepText ?? '1'));
  if (most > MAX_DECIMALS) fail(`a range's numbers may have at most ${MAX_DECIMALS} digits after the point (got ${JSON.stringify(text.trim())})`);
  // Scaling by a unit factor (60, 3600, 1000) keeps the digits after the point at most as many.
  const scaled = (t: string, u: string): number => Number((Number(t) * factor(u)).toFixed(decimals(t)));
  const a = scaled(aText, aUnit);
  const b = scaled(bText, bUnit);
  const step = stepText === undefined ? 1 : scaled(stepText, stepUnit ?? '');
  if (!(step > 0)) fail(`a range's step must be > 0 (got ${JSON.stringify(text.trim())})`);
  if (a > b) fail(`a range must go up: ${aText}${aUnit} > ${bText}${bUnit}`);
  const count = Math.floor((b - a) / step + 1e-9) + 1;
  if (count > MAX_AXIS_VALUES) tooMany(count);
  const digits = Math.max(decimals(aText), decimals(stepText ?? '1'));
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const v = Number((a + k * step).toFixed(digits));
    out.push(`${v === 0 ? 0 : v}${unit}`);
  }
  return out;
}

/**
 * Parses one `--grid` / `--space` expression. Every value is checked as a `--set`
 * override here, so a bad path or value fails before any simulation starts.
 * @throws UsageError naming the flag and the rule.
 */
export function parseAxis(expr: string, flag: '--grid' | '--space'): Axis {
  const fail = (rule: string): never => {
    // The expression cut short: a list of 20,000 values would make a line of 100 KB.
    throw new UsageError(`${flag} ${capText(expr, MAX_EXPR_ECHO)}: ${rule}`);
  };
  if (typeof expr !== 'string') throw new UsageError(`${flag}: expected path=v1,v2,... or path=a..b:step`);
  const parts = splitAtEquals(expr);
  if (parts === undefined || parts[0].trim() === '') return fail('expected path=v1,v2,... or path=a..b:step');
  const [rawPath, rawValues] = parts;
  let canonical: string;
  try {
    const { path } = parseSetExpression(`${rawPath.trim()}=0`);
    const bad = overridePathError(path);
    if (bad !== undefined) return fail(bad);
    canonical = formatPath(path);
  } catch (e) {
    if (e instanceof ScenarioError) return fail(e.rule);
    throw e;
  }
  const items = splitTopLevel(rawValues);
  if (items === undefined) return fail('unbalanced brackets or quotes in the values');
  let values: string[];
  if (items.length === 1 && RANGE.test(items[0]!.trim())) values = expandRange(items[0]!, fail)!;
  else if (items.length === 1 && RANGE_WITH_NUMERIC_STEP.test(items[0]!.trim())) {
    return fail(`a range's step must be a number > 0 with an optional unit, such as 2 or 30s (got ${JSON.stringify(items[0]!.trim())})`);
  } else {
    // A range's cap holds for a list too: each value is checked below, and each is a run.
    if (items.length > MAX_AXIS_VALUES) fail(`${items.length.toLocaleString('en-US')} values (at most ${MAX_AXIS_VALUES.toLocaleString('en-US')})`);
    values = items.map((v) => v.trim());
  }
  if (values.length === 0 || values.some((v) => v === '')) fail('every value must be non-empty (path=v1,v2,... or path=a..b:step)');
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) fail(`the value ${JSON.stringify(v)} appears twice`);
    seen.add(v);
    try {
      parseSetExpression(`${canonical}=${v}`);
    } catch (e) {
      if (e instanceof ScenarioError) fail(`value ${JSON.stringify(v)}: ${e.rule}`);
      throw e;
    }
  }
  return { path: canonical, values };
}

/** Parses every expression of a repeatable flag; at least one, no path twice. */
export function parseAxes(exprs: readonly string[], flag: '--grid' | '--space'): Axis[] {
  if (exprs.length === 0) throw new UsageError(`${flag}: give at least one ${flag} path=v1,v2,...`);
  const axes = exprs.map((e) => parseAxis(e, flag));
  const paths = new Set<string>();
  for (const a of axes) {
    if (paths.has(a.path)) throw new UsageError(`${flag}: the path ${a.path} is given twice`);
    paths.add(a.path);
  }
  const points = pointCount(axes);
  if (points > MAX_POINTS) {
    throw new UsageError(`${flag}: the grid has ${points.toLocaleString('en-US')} points (at most ${MAX_POINTS.toLocaleString('en-US')})`);
  }
  return axes;
}

export function pointCount(axes: readonly Axis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/**
 * The value index on each axis of point `index`. Points are numbered in row-major
 * order: the first axis varies slowest, the last fastest.
 */
export function pointCoords(axes: readonly Axis[], index: number): number[] {
  const coords = new Array<number>(axes.length).fill(0);
  let rest = index;
  for (let a = axes.length - 1; a >= 0; a--) {
    const n = axes[a]!.values.length;
    coords[a] = rest % n;
    rest = Math.floor(rest / n);
  }
  return coords;
}

/** The inverse of pointCoords. */
export function pointIndex(axes: readonly Axis[], coords: readonly number[]): number {
  let index = 0;
  for (let a = 0; a < axes.length; a++) index = index * axes[a]!.values.length + coords[a]!;
  return index;
}

/** The values of point `index`, one per axis. */
export function pointValues(axes: readonly Axis[], index: number): string[] {
  return pointCoords(axes, index).map((c, a) => axes[a]!.values[c]!);
}

/** The `--set` overrides of point `index`. */
export function pointSets(axes: readonly Axis[], index: number): string[] {
  return pointValues(axes, index).map((v, a) => setExpression(axes[a]!, v));
}
