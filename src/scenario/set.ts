/**
 * `--set path=value` overrides, applied to the parsed scenario YAML before it is
 * validated, so an override is checked exactly like the file it changes.
 *
 * Path grammar: `a.b[0].c`, plus quoted keys for anything that is not a plain
 * name: `annotations["autoscaling.knative.dev/target"]` or `['...']`. The value is
 * read as a YAML scalar or flow value: `10`, `"10"`, `true`, `30s`, `[1, 2]`.
 */
import { parse } from 'yaml';
import { kubectlTags } from './kubectl-yaml.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';
import { overridePathError } from './override-paths.js';
import { TOO_DEEP_RULE, tooDeepOffset } from './yaml-depth.js';
import { TOO_MANY_NODES_RULE, tooManyNodesOffset } from './yaml-size.js';

/** Where --set errors point when no scenario file is known. */
const DEFAULT_FILE = 'command line';

const NAME_CHAR = /[A-Za-z0-9_-]/;

/** A parsed `--set` expression. */
export interface SetExpression {
  path: PathSegment[];
  value: unknown;
}

/**
 * Parses `path=value`.
 * @throws ScenarioError at path `--set <expr>` when the syntax is wrong.
 */
export function parseSetExpression(expr: string, file: string = DEFAULT_FILE): SetExpression {
  const fail = (rule: string): never => {
    throw new ScenarioError(file, `--set ${expr}`, rule);
  };
  if (typeof expr !== 'string') fail('expected path=value');
  const path: PathSegment[] = [];
  let i = 0;
  const n = expr.length;
  const readName = (): string => {
    const start = i;
    while (i < n && NAME_CHAR.test(expr[i]!)) i++;
    if (i === start) {
      if (i >= n || expr[i] === '=') fail(`missing field name at position ${i + 1}`);
      fail(`unexpected ${JSON.stringify(expr[i])} at position ${i + 1} (quote keys with other characters: ["a.b/c"])`);
    }
    return expr.slice(start, i);
  };
  if (n === 0 || expr[0] === '=') fail('expected path=value');
  if (expr[0] === '[') fail('the path must start with a field name');
  path.push(readName());
  while (i < n && expr[i] !== '=') {
    const c = expr[i]!;
    if (c === '.') {
      i++;
      path.push(readName());
    } else if (c === '[') {
      i++;
      const q = expr[i];
      if (q === '"' || q === "'") {
        const start = i;
        i++;
        let raw = '';
        for (;;) {
          if (i >= n) fail(`unterminated quoted key starting at position ${start + 1}`);
          const ch = expr[i]!;
          if (ch === '\\' && q === '"') {
            raw += ch + (expr[i + 1] ?? '');
            i += 2;
            continue;
          }
          if (ch === q) break;
          raw += ch;
          i++;
        }
        i++; // closing quote
        let key = raw;
        if (q === '"') {
          try {
            key = JSON.parse(`"${raw}"`) as string;
          } catch {
            fail(`invalid escape in quoted key ${JSON.stringify(raw)}`);
          }
        }
        if (expr[i] !== ']') fail(`expected "]" at position ${i + 1}`);
        i++;
        path.push(key);
      } else {
        const start = i;
        while (i < n && expr[i]! >= '0' && expr[i]! <= '9') i++;
        if (i === start) fail(`expected a list index or a quoted key after "[" at position ${start}`);
        if (expr[i] !== ']') fail(`expected "]" at position ${i + 1}`);
        const index = Number(expr.slice(start, i));
        if (!Number.isSafeInteger(index)) fail(`list index ${expr.slice(start, i)} is too large`);
        i++;
        path.push(index);
      }
    } else {
      fail(`unexpected ${JSON.stringify(c)} at position ${i + 1}`);
    }
  }
  if (i >= n) fail('expected path=value');
  for (const seg of path) if (seg === '__proto__') fail('invalid key "__proto__"');
  const text = expr.slice(i + 1);
  let value: unknown = '';
  if (text.trim() !== '') {
    if (tooManyNodesOffset(text) !== undefined) fail(`invalid value: ${TOO_MANY_NODES_RULE}`);
    if (tooDeepOffset(text) !== undefined) fail(`invalid value: ${TOO_DEEP_RULE}`);
    try {
      // logLevel: the parser would print its warnings (an unknown tag such as !!js/function) to stderr through process.emitWarning.
      // Read as the scenario file is (kubectl-yaml.ts): `--set x=0644` means what `x: 0644` does there.
      value = parse(text, { prettyErrors: false, logLevel: 'error', customTags: kubectlTags });
    } catch (e) {
      // A stack overflow all the same (a thread with a small stack) breaks the same rule.
      fail(`invalid value: ${e instanceof RangeError ? TOO_DEEP_RULE : firstLine(e instanceof Error ? e.message : String(e))}`);
    }
  }
  // An annotation or label value is a string: `…annotations["autoscaling.knative.dev/target"]=1e306`
  // means the text 1e306, not the double YAML reads (nor 010 the octal 8).
  const map = path.length >= 2 ? path[path.length - 2] : undefined;
  if ((map === 'annotations' || map === 'labels') && (typeof value === 'number' || typeof value === 'boolean')) value = text.trim();
  return { path, value };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Applies one `--set path=value` to a parsed scenario and returns the result; the
 * input is not modified. Missing intermediate mappings (or lists, before an
 * index) are created; a list index may be at most the list's length (appending).
 * @param file named in errors (the scenario file).
 * @throws ScenarioError at path `--set <expr>` for bad syntax, a path into a manifest
 *   field a Knative Service does not have, indexing a non-list, a key inside a
 *   non-mapping, or an index past the end of a list.
 */
export function applySet(raw: unknown, expr: string, file: string = DEFAULT_FILE): unknown {
  const { path, value } = parseSetExpression(expr, file);
  const fail = (rule: string): never => {
    throw new ScenarioError(file, `--set ${expr}`, rule);
  };
  const bad = overridePathError(path);
  if (bad !== undefined) fail(bad);
  return setAt(raw, path, value, fail);
}

/**
 * Sets `path` to `value` in a copy of `raw` (the work of applySet, for a parsed
 * expression; `fail` reports problems).
 */
export function setAt(raw: unknown, path: readonly PathSegment[], value: unknown, fail: (rule: string) => never): unknown {
  const root: unknown = raw === undefined || raw === null ? {} : structuredClone(raw);
  if (!isMapping(root)) return fail(`the scenario is ${kindOf(root)}, not a mapping`);

  let cur: Record<string, unknown> | unknown[] = root;
  for (let k = 0; k < path.length; k++) {
    const seg = path[k]!;
    const last = k === path.length - 1;
    const here = formatPath(path.slice(0, k));
    let existing: unknown;
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return fail(`cannot index ${here} with [${seg}]: it is ${kindOf(cur)}, not a list`);
      if (seg > cur.length) return fail(`index ${seg} is out of range: ${here} has ${cur.length} item(s)`);
      existing = cur[seg];
    } else {
      if (!isMapping(cur)) return fail(`cannot set key ${JSON.stringify(seg)} in ${here}: it is ${kindOf(cur)}, not a mapping`);
      existing = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    }
    let next: unknown;
    if (last) {
      next = value;
    } else if (existing === undefined || existing === null) {
      next = typeof path[k + 1] === 'number' ? [] : {};
    } else {
      next = existing;
    }
    if (typeof seg === 'number') (cur as unknown[])[seg] = next;
    else (cur as Record<string, unknown>)[seg] = next;
    if (last) break;
    if (typeof next !== 'object' || next === null) {
      const nextSeg = path[k + 1]!;
      const at = formatPath(path.slice(0, k + 1));
      return typeof nextSeg === 'number'
        ? fail(`cannot index ${at} with [${nextSeg}]: it is ${kindOf(next)}, not a list`)
        : fail(`cannot set key ${JSON.stringify(nextSeg)} in ${at}: it is ${kindOf(next)}, not a mapping`);
    }
    cur = next as Record<string, unknown> | unknown[];
  }
  return root;
}
