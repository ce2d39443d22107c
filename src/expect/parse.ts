/**
 * Parses a scenario's `expect:` entries. Each is a string, or a mapping that scopes it:
 *
 *   expect:
 *     - p99 <= 500ms
 *     - status503 == 0
 *     - { that: maxReadyPods == 29, revision: hello-00001 }
 *     - { that: scaleToZeroAt within 60s..95s after 3m, service: hello }
 *
 * `<metric> <op> <value>` with op one of < <= == != >= >, or `<metric> within A..B`
 * (inclusive), and for instants `within A..B after T` (the first instant at or after T
 * lies in T+A..T+B). Values carry the metric's unit: latencies in ms (or 0.5s), rates as
 * fractions or percentages (0.1%), times and durations in seconds or Go durations (3m).
 */
import { ScenarioError } from '../scenario/errors.js';
import { closest } from '../scenario/did-you-mean.js';
import { parseDuration } from '../scenario/index.js';
import { expectMetric, expectMetricNames, type ExpectMetric, type ValueKind } from './metrics.js';

export type CompareOp = '<' | '<=' | '==' | '!=' | '>=' | '>';

export interface Expectation {
  /** The expectation as written (without its scope), its runs of white space one space. */
  text: string;
  /** Where it is: `expect[2]`. */
  path: string;
  metric: ExpectMetric;
  check: { op: CompareOp; value: number } | { op: 'within'; lo: number; hi: number; after: number | undefined };
  service: string | undefined;
  revision: string | undefined;
}

const LINE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>|\bwithin\b)\s*(.*?)\s*$/;
const RANGE = /^(.+?)\s*\.\.\s*(.+?)(?:\s+after\s+(.+))?$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const UNIT_HINT: Record<ValueKind, string> = {
  ms: 'a latency such as 500ms, 0.5s or a number of milliseconds',
  fraction: 'a fraction such as 0.001 or a percentage such as 0.1%',
  count: 'a number',
  seconds: 'a duration such as 90s, 3m or a number of seconds',
  hours: 'a number of hours such as 1.5, or a duration such as 90m',
};

/** A value in the metric's unit; undefined when it cannot be read (or does not fit a double: 1e999). */
export function parseValue(text: string, kind: ValueKind): number | undefined {
  const v = readValue(text, kind);
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

function readValue(text: string, kind: ValueKind): number | undefined {
  const t = text.trim();
  if (NUMBER.test(t)) return Number(t);
  if (kind === 'fraction' && t.endsWith('%') && NUMBER.test(t.slice(0, -1).trim())) return Number(t.slice(0, -1)) / 100;
  if (kind === 'ms' || kind === 'seconds' || kind === 'hours') {
    const d = parseDuration(t);
    if (d.ok) return kind === 'ms' ? d.seconds * 1000 : kind === 'hours' ? d.seconds / 3600 : d.seconds;
  }
  return undefined;
}

/** A metric's range as an expectation writes it: "never negative", "between 0% and 100%". */
function rangeText(m: ExpectMetric): string {
  const [lo, hi] = m.bounds;
  const shown = (x: number): string => (m.kind === 'fraction' ? `${x * 100}%` : m.kind === 'ms' ? `${x}ms` : m.kind === 'seconds' ? `${x}s` : m.kind === 'hours' ? `${x}h` : String(x));
  return hi === Number.POSITIVE_INFINITY ? `never below ${shown(lo)}` : `between ${shown(lo)} and ${shown(hi)}`;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One entry of `expect:`. @throws ScenarioError naming the entry and the rule. */
export function parseExpectation(entry: unknown, file: string, index: number): Expectation {
  const path = `expect[${index}]`;
  let text: string;
  let service: string | undefined;
  let revision: string | undefined;
  let textPath = path;
  if (typeof entry === 'string') text = entry;
  else if (isMapping(entry)) {
    for (const k of Object.keys(entry)) {
      if (k !== 'that' && k !== 'service' && k !== 'revision') throw new ScenarioError(file, `${path}.${k}`, 'unknown field (an expectation has that, and optionally service or revision)');
    }
    if (typeof entry['that'] !== 'string') throw new ScenarioError(file, `${path}.that`, 'must be an expectation such as "p99 <= 500ms"');
    text = entry['that'];
    textPath = `${path}.that`;
    for (const k of ['service', 'revision'] as const) {
      const v = entry[k];
      if (v !== undefined && (typeof v !== 'string' || v === '')) throw new ScenarioError(file, `${path}.${k}`, 'must be a name');
    }
    service = entry['service'] as string | undefined;
    revision = entry['revision'] as string | undefined;
    if (service !== undefined && revision !== undefined) throw new ScenarioError(file, path, 'scope an expectation to a service or a revision, not both');
  } else {
    throw new ScenarioError(file, path, 'must be an expectation such as "p99 <= 500ms", or { that: ..., revision: ... }');
  }
  // Read, and printed (PASS/FAIL lines, JUnit names), as one line: a YAML block scalar or "\n" would split it.
  text = text.trim().replace(/\s+/g, ' ');
  const m = LINE.exec(text);
  if (m === null) throw new ScenarioError(file, textPath, `cannot read ${JSON.stringify(text)}: write <metric> <op> <value> (op: < <= == != >= > within), e.g. "p99 <= 500ms"`);
  const [, name, op, rest] = m as unknown as [string, string, string, string];
  const metric = expectMetric(name);
  if (metric === undefined) {
    const near = closest(name, expectMetricNames());
    throw new ScenarioError(file, textPath, `unknown metric ${JSON.stringify(name)}${near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`);
  }
  // Known before any run: refused with the other bad expectations, not after the scenario ran.
  if (metric.runOnly === true && (service !== undefined || revision !== undefined)) {
    const field = revision !== undefined ? 'revision' : 'service';
    throw new ScenarioError(file, `${path}.${field}`, `${metric.name} is of the whole run, not of one ${field}: remove ${field}:`);
  }
  const value = (v: string, what: string): number => {
    const n = parseValue(v, metric.kind);
    if (n === undefined) throw new ScenarioError(file, textPath, `${what} ${JSON.stringify(v.trim())} of ${name} must be ${UNIT_HINT[metric.kind]}`);
    // A value no run can give: the expectation would always pass or never pass.
    const [lo, hi] = metric.bounds;
    if (n < lo || n > hi) {
      // Below the range, > and >= always hold; above it, < and <= do; == never and != always.
      const always = op === 'within' ? undefined : op === '==' || op === '!=' ? op === '!=' : (n < lo) === (op === '>' || op === '>=');
      const verdict = always === undefined ? '' : always ? ', so this expectation always passes' : ', so this expectation never passes';
      throw new ScenarioError(file, textPath, `${what} ${v.trim()} is out of ${name}'s range (${name} is ${rangeText(metric)})${verdict}`);
    }
    return n;
  };
  const common = { text, path, metric, service, revision };
  if (op === 'within') {
    const r = RANGE.exec(rest);
    if (r === null) throw new ScenarioError(file, textPath, `within needs a range A..B (e.g. "${metric.name} within 60s..95s${metric.times ? ' after 3m' : ''}")`);
    const lo = value(r[1]!, 'the lower end');
    const hi = value(r[2]!, 'the upper end');
    if (lo > hi) throw new ScenarioError(file, textPath, `the range ${r[1]}..${r[2]} is empty (its lower end is above its upper end)`);
    if (metric.integer === true && Math.ceil(lo) > Math.floor(hi)) throw new ScenarioError(file, textPath, `${name} is a whole number, so within ${r[1]!.trim()}..${r[2]!.trim()} can never hold`);
    let after: number | undefined;
    if (r[3] !== undefined) {
      if (!metric.times) throw new ScenarioError(file, textPath, `"after" applies to instants (scaleToZeroAt), not to ${metric.name}`);
      const a = parseValue(r[3], 'seconds');
      if (a === undefined) throw new ScenarioError(file, textPath, `"after ${r[3]}" must be a time such as 3m or 180s`);
      if (a < 0) throw new ScenarioError(file, textPath, `"after ${r[3]}" is before the run starts: the run's clock starts at 0s`);
      after = a;
    }
    return { ...common, check: { op: 'within', lo, hi, after } };
  }
  if (rest === '') throw new ScenarioError(file, textPath, `${op} needs a value (e.g. "${metric.name} ${op} ${metric.kind === 'ms' ? '500ms' : metric.kind === 'fraction' ? '0.1%' : '0'}")`);
  const v = value(rest, 'the value');
  // At the edge of the metric's range, < its lowest or > its highest value leaves nothing a run can give.
  const [min, max] = metric.bounds;
  if ((op === '<' && v === min) || (op === '>' && v === max)) {
    throw new ScenarioError(file, textPath, `${name} is ${rangeText(metric)}, so ${op} ${rest.trim()} never passes`);
  }
  if (metric.integer === true && (op === '==' || op === '!=') && !Number.isInteger(v)) {
    throw new ScenarioError(file, textPath, `${name} is a whole number, so ${op} ${rest.trim()} ${op === '==' ? 'can never hold' : 'always holds'}`);
  }
  return { ...common, check: { op: op as CompareOp, value: v } };
}

/** Every entry of a scenario's `expect:` list. */
export function parseExpectations(entries: readonly unknown[], file: string): Expectation[] {
  return entries.map((e, i) => parseExpectation(e, file, i));
}
