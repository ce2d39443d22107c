/**
 * Loads user-written autoscaler classes (`autoscalerClasses:` in a scenario, or a module
 * path given to `knsim compare --class`): compiles the TypeScript or JavaScript module
 * with esbuild (an optional peer; bundled, so its own imports come along), runs it in a fresh `node:vm`
 * context per revision (no module state leaks between revisions or runs), and wraps it
 * as a class on the seam (core's `userAutoscalerClass`).
 *
 * Time budget: every call into the module (evaluating it, `create`, each `decide`) runs
 * under the vm's synchronous timeout; a call that does not return within the budget
 * (1 s by default, `timeout:` per class) is stopped and fails the run. That is how a
 * module that never returns cannot hang knsim. Inside the context `Math.random` and
 * `Date.now` throw, so a class cannot make runs irreproducible by accident.
 */
import { createRequire } from 'node:module';
import * as nodePath from 'node:path';
import { statSync } from 'node:fs';
import { notRegularFile, noteInputFile } from './regular-file.js';
import { ioReason } from './io-reason.js';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import vm from 'node:vm';
import { bundleSync } from './bundle-sync.js';
import { sourcesSha256 } from './module-digest.js';
import { AUTOSCALER_MODULES, missingOptional } from './optional-peers.js';
import type { BundleReply } from './bundle-worker.js';
import {
  AUTOSCALING_ANNOTATION_KEYS,
  AUTOSCALER_API_VERSION,
  HPA_CLASS,
  KPA_CLASS,
  UserCallStopped,
  definitionProblem,
  thrownMessage,
  userAutoscalerClass,
  type AutoscalerClass,
  type UserCallSite,
  type UserClassFault,
} from '../core/autoscaler/index.js';
import type { ClusterConfig } from './configmaps.js';
import { closest } from './did-you-mean.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';
import { enterUserCall, leaveUserCall, passUserModuleGate, type LoggedCall } from './user-call-log.js';


/** The default time budget of one call into a user module. */
export const DEFAULT_USER_CALL_BUDGET_MS = 1000;

/** One user class as the scenario (or `knsim compare`) names it. */
export interface UserClassRef {
  /** The `autoscaling.knative.dev/class` value. */
  name: string;
  /** The module's path, resolved (relative paths are relative to the scenario's directory). */
  module: string;
  /** Per-call time budget, milliseconds. */
  budgetMs: number;
  /** Where the reference was written, for errors: the file and the field path. */
  where: { file: string; path: string };
}

/** A compiled module, cached per path (the same module used by several runs compiles once). */
interface Compiled {
  script: vm.Script;
  mtimeMs: number;
  /** SHA-256 of the bundled sources (sourcesSha256). */
  sha256: string;
  /** The bundled sources the user wrote (not knsim/autoscaler's), absolute paths, the module among them. */
  sources: string[];
}
const compiled = new Map<string, Compiled>();

const JS_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** The first error of a failed bundling, as `line L, column C: text`. */
function bundleProblem(r: Extract<BundleReply, { ok: false }>): { at: string; text: string } {
  const m = r.errors[0];
  if (m === undefined) return { at: '', text: r.message };
  const loc = m.location;
  return { at: loc ? `line ${loc.line}, column ${loc.column + 1}` : '', text: m.text };
}

function compile(ref: UserClassRef): vm.Script {
  const file = ref.module;
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch (e) {
    // Not only a missing file: a loop of symbolic links or a directory it may not enter read "does not exist".
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ScenarioError(ref.where.file, ref.where.path, `autoscaler module ${JSON.stringify(file)} ${missing ? 'does not exist' : `cannot be read: ${ioReason(e)}`}`);
  }
  if (!st.isFile()) throw new ScenarioError(ref.where.file, ref.where.path, `autoscaler module ${JSON.stringify(file)} ${notRegularFile(file) ?? 'is not a regular file'}`);
  if (!JS_EXTENSIONS.includes(nodePath.extname(file))) {
    throw new ScenarioError(ref.where.file, ref.where.path, `autoscaler module ${JSON.stringify(file)} must be TypeScript or JavaScript (${JS_EXTENSIONS.join(', ')})`);
  }
  noteInputFile(file);
  const hit = compiled.get(file);
  if (hit !== undefined && hit.mtimeMs === st.mtimeMs) return hit.script;
  // esbuild is an optional peer: without it, one line naming the install, before anything runs.
  const missing = missingOptional(AUTOSCALER_MODULES);
  if (missing !== undefined) throw new ScenarioError(ref.where.file, ref.where.path, missing);
  const out = bundleSync(file);
  if (!out.ok) {
    const p = bundleProblem(out);
    throw new ScenarioError(file, p.at, `cannot compile the autoscaler module: ${p.text}`);
  }
  const code = out.code;
  const sha256 = sourcesSha256(file, out.inputs, out.userInputs);
  const script = new vm.Script(code, { filename: file });
  compiled.set(file, { script, mtimeMs: st.mtimeMs, sha256, sources: out.userInputs.map((i) => nodePath.resolve(i)) });
  return script;
}

/**
 * SHA-256 of the module's sources as last compiled (the bundle: its own imports included), or
 * undefined if it was not compiled in this process. A sweep records it so shards run with
 * another version of the module are not merged.
 */
export function compiledModuleSha256(file: string): string | undefined {
  return compiled.get(file)?.sha256;
}

/**
 * The files of the user bundled into the module as last compiled (absolute paths: the module and
 * what it imports, not what knsim/autoscaler brings), or undefined if it was not compiled in this
 * process. `sweep k8s-job` mounts them in the shards' pods.
 */
export function compiledModuleSources(file: string): readonly string[] | undefined {
  return compiled.get(file)?.sources;
}

const CALL = new vm.Script('__knsim.result = __knsim.fn.apply(__knsim.self, __knsim.args);', { filename: 'knsim-user-call' });

/**
 * Node's modules a class may `require` (esbuild bundles everything else it imports): those that
 * compute and nothing more. The rest read clocks, randomness, files, the network or the process
 * (crypto, fs, os, perf_hooks, timers, child_process, …), or leave results to chance (buffer's
 * allocUnsafe holds old bytes), which would make runs differ.
 */
const PURE_BUILTINS: ReadonlySet<string> = new Set(['assert', 'events', 'path', 'querystring', 'string_decoder', 'url', 'util']);

/** `require` for a module in `file`: the pure built-ins only. */
function classRequire(file: string): (id: string) => unknown {
  const real = createRequire(file);
  return (id: string) => {
    const name = String(id).replace(/^node:/, '').split('/')[0]!;
    if (!PURE_BUILTINS.has(name)) {
      throw new Error(`require(${JSON.stringify(String(id))}) is not available to an autoscaler class: knsim runs are deterministic (util, events, path… are)`);
    }
    return real(id);
  };
}

/** What the context offers besides the language itself: CommonJS plumbing and a console; no clock, no randomness. */
function newContext(file: string): vm.Context {
  // The global starts empty (no prototype): the module's \`this.constructor\` is its own realm's
  // Object, whose Function has no \`process\`. What it is given is made in its realm, the host's
  // console and require reached only through closures: no host object hands out the host's Function.
  // (node's vm is not a security boundary: a module that require()s util still holds host objects.
  // This keeps a module from reaching the clock, the randomness or the process by accident.)
  // The context's promise jobs run in a queue of its own, drained as each call's script ends and
  // within its time budget: on knsim's queue a then callback that never returns would run
  // after the call, unbounded, and hang the run.
  const ctx = vm.createContext(Object.assign(Object.create(null) as object, { __host: { console, require: classRequire(file) } }), { microtaskMode: 'afterEvaluate' });
  vm.runInContext(
    `(() => {
       const host = __host;
       delete globalThis.__host;
       const module = { exports: {} };
       const wrap = (f) => (...args) => {
         try {
           return f(...args);
         } catch (e) {
           // A host error would carry the host's constructors: the message, in this realm.
           throw new Error(String(e && e.message));
         }
       };
       const console = {};
       for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']) console[k] = wrap((...a) => host.console[k](...a));
       Object.assign(globalThis, { module, exports: module.exports, require: wrap(host.require), console, __knsim: {} });
     })();`,
    ctx,
  );
  Object.assign(ctx, { __filename: file, __dirname: nodePath.dirname(file) });
  vm.runInContext(
    `Math.random = () => { throw new Error('Math.random is not available to an autoscaler class: knsim runs are deterministic'); };
     Date.now = () => { throw new Error('Date.now is not available to an autoscaler class: use input.nowSeconds'); };
     // What knsim hands the module (ctx, input) is copied into this realm: its prototypes are the module's, not knsim's.
     __knsim.adopt = (() => {
       const { keys } = Object, { freeze } = Object, { isArray } = Array;
       const adopt = (v) => {
         if (v === null || typeof v !== 'object') return v;
         const o = isArray(v) ? [] : {};
         for (const k of keys(v)) o[k] = adopt(v[k]);
         return freeze(o);
       };
       return adopt;
     })();
     // new Date() and Date() read the clock as Date.now does; a Date of a given time stays.
     // Local time is UTC here: the host's time zone would make the same run differ between machines
     // (new Date(t).getHours(), new Date(y, m, d), a date string without a zone, toString, Intl's default zone).
     Date = ((RealDate) => {
       const clock = (what) => new Error(what + ' reads the clock, which is not available to an autoscaler class: use input.nowSeconds');
       const P = RealDate.prototype;
       const inUtc = (options) => {
         const o = { ...(options === undefined ? {} : Object(options)) };
         if (o.timeZone === undefined) o.timeZone = 'UTC';
         return o;
       };
       globalThis.__knsimInUtc = inUtc;
       const hostParse = RealDate.parse;
       const hostOffset = P.getTimezoneOffset;
       const hostOffsetMs = (t) => hostOffset.call(new RealDate(t)) * 60000;
       // A string with its own zone (Z, +05:30, GMT, EST…) or an ISO date alone is read the same everywhere
       // (no backslashes in these patterns: this script is a template literal).
       const ZONED = /(?:z|[+-][0-9][0-9]:?[0-9][0-9]|(?:^|[^a-z])(?:ut|utc|gmt|[ecmp][sd]t)(?:[+-][0-9]{1,4}(?::[0-9][0-9])?)?)$/i;
       const DATE_ONLY = /^[+-]?[0-9]{4,6}(?:-[0-9][0-9](?:-[0-9][0-9])?)?$/;
       const parse = (text) => {
         const s = String(text);
         const t = hostParse(s);
         const bare = s.trim().replace(/ *[(][^()]*[)]$/, '');
         if (t !== t || ZONED.test(bare) || DATE_ONLY.test(bare)) return t;
         return t - hostOffsetMs(t);
       };
       function Date(...args) {
         if (new.target === undefined) throw clock('Date()');
         if (args.length === 0) throw clock('new Date()');
         if (args.length >= 2) return Reflect.construct(RealDate, [RealDate.UTC(...args)], new.target);
         if (typeof args[0] === 'string') return Reflect.construct(RealDate, [parse(args[0])], new.target);
         return Reflect.construct(RealDate, args, new.target);
       }
       Object.defineProperty(Date, 'parse', { value: function parse_(s) { return parse(s); }, writable: true, configurable: true });
       const set = (k, f) => Object.defineProperty(P, k, { value: f, writable: true, configurable: true });
       for (const n of ['FullYear', 'Month', 'Date', 'Day', 'Hours', 'Minutes', 'Seconds', 'Milliseconds']) {
         set('get' + n, P['getUTC' + n]);
         if (n !== 'Day') set('set' + n, P['setUTC' + n]);
       }
       set('getTimezoneOffset', function getTimezoneOffset() { const t = P.getTime.call(this); return t === t ? 0 : NaN; });
       set('getYear', function getYear() { return P.getUTCFullYear.call(this) - 1900; });
       const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
       const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
       const two = (n) => String(n).padStart(2, '0');
       const year = (y) => (y < 0 ? '-' + String(-y).padStart(6, '0') : String(y).padStart(4, '0'));
       const dateText = (d) => DAYS[P.getUTCDay.call(d)] + ' ' + MONTHS[P.getUTCMonth.call(d)] + ' ' + two(P.getUTCDate.call(d)) + ' ' + year(P.getUTCFullYear.call(d));
       const timeText = (d) => two(P.getUTCHours.call(d)) + ':' + two(P.getUTCMinutes.call(d)) + ':' + two(P.getUTCSeconds.call(d)) + ' GMT+0000 (Coordinated Universal Time)';
       const valid = (d) => { const t = P.getTime.call(d); return t === t; };
       set('toString', function toString() { return valid(this) ? dateText(this) + ' ' + timeText(this) : 'Invalid Date'; });
       set('toDateString', function toDateString() { return valid(this) ? dateText(this) : 'Invalid Date'; });
       set('toTimeString', function toTimeString() { return valid(this) ? timeText(this) : 'Invalid Date'; });
       for (const k of ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']) {
         const f = P[k];
         set(k, { [k](locales, options) { return f.call(this, locales, inUtc(options)); } }[k]);
       }
       Object.setPrototypeOf(Date, RealDate);
       Date.prototype = RealDate.prototype;
       Object.defineProperty(RealDate.prototype, 'constructor', { value: Date, writable: true, configurable: true });
       return Date;
     })(Date);
     // Intl's date formats take UTC when given no time zone, as the Date methods above do.
     Intl.DateTimeFormat = ((RealDTF, inUtc) => {
       function DateTimeFormat(locales, options) {
         return Reflect.construct(RealDTF, [locales, inUtc(options)], new.target ?? RealDTF);
       }
       Object.setPrototypeOf(DateTimeFormat, RealDTF);
       DateTimeFormat.prototype = RealDTF.prototype;
       Object.defineProperty(RealDTF.prototype, 'constructor', { value: DateTimeFormat, writable: true, configurable: true });
       return DateTimeFormat;
     })(Intl.DateTimeFormat, globalThis.__knsimInUtc);
     delete globalThis.__knsimInUtc;
     // Intl's date formats read the clock too when given no date (format() is a getter of a bound function).
     ((DTF) => {
       const clock = (what) => new Error(what + ' without a date reads the clock, which is not available to an autoscaler class: use input.nowSeconds');
       const format = Object.getOwnPropertyDescriptor(DTF.prototype, 'format');
       Object.defineProperty(DTF.prototype, 'format', {
         ...format,
         get() {
           const f = format.get.call(this);
           return (date) => {
             if (date === undefined) throw clock('Intl.DateTimeFormat format()');
             return f(date);
           };
         },
       });
       const parts = DTF.prototype.formatToParts;
       DTF.prototype.formatToParts = function formatToParts(date) {
         if (date === undefined) throw clock('Intl.DateTimeFormat formatToParts()');
         return parts.call(this, date);
       };
     })(Intl.DateTimeFormat);`,
    ctx,
  );
  return ctx;
}

/** The share of V8's heap limit (young generation included) the heap may hold after a user call: what is left lets knsim stop cleanly. */
const MAX_HEAP_SHARE = 0.6;

/**
 * Checked after every call into a module: the memory it keeps must leave the process short
 * of V8's heap limit (past it, V8 aborts the process with a native stack trace), and what it
 * holds outside the heap (typed arrays) may not exceed that limit either. A module that keeps
 * something from every call is stopped here with one line; one call that allocates past the
 * limit within its time budget is not caught (that needs the module in its own isolate).
 */
function memoryProblem(): string | undefined {
  if (heapProblem() === undefined) return undefined;
  // The heap's size counts garbage not yet collected: a call's temporaries, or what an earlier module
  // (a previous scenario of `knsim test`) left. Only what survives a full collection is kept.
  collectGarbage();
  return heapProblem();
}

let fullGc: (() => void) | undefined;

/** A full garbage collection, without starting node with --expose-gc. */
function collectGarbage(): void {
  if (fullGc === undefined) {
    // The flag is on only while one context is made, so the modules' own contexts get no gc().
    setFlagsFromString('--expose-gc');
    try {
      fullGc = vm.runInNewContext('gc') as () => void;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  fullGc();
}

function heapProblem(): string | undefined {
  const h = getHeapStatistics();
  const mb = (b: number): string => `${Math.round(b / 2 ** 20)} MB`;
  if (h.used_heap_size > MAX_HEAP_SHARE * h.heap_size_limit) {
    return `after this call the JavaScript heap holds ${mb(h.used_heap_size)}, over ${MAX_HEAP_SHARE * 100} % of its ${mb(h.heap_size_limit)} limit: a class may not keep data without bound`;
  }
  if (h.external_memory > h.heap_size_limit) {
    return `after this call ${mb(h.external_memory)} are held outside the JavaScript heap (typed arrays, buffers), over its ${mb(h.heap_size_limit)} limit: a class may not keep data without bound`;
  }
  return undefined;
}

function isTimeout(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

/** Evaluates the compiled module in a fresh context; returns its default export and an invoker bound to that context. */
function instantiate(ref: UserClassRef, script: vm.Script): { def: unknown; invoke: (fn: (...a: unknown[]) => unknown, self: unknown, args: unknown[], site?: UserCallSite) => unknown; adopt: (v: unknown) => unknown } {
  const ctx = newContext(ref.module);
  const budget = ref.budgetMs;
  const slot = ctx['__knsim'] as { fn?: unknown; self?: unknown; args?: unknown; result?: unknown; adopt?: unknown };
  const invoke = (fn: (...a: unknown[]) => unknown, self: unknown, args: unknown[], site?: UserCallSite): unknown => {
    slot.fn = fn;
    slot.self = self;
    slot.args = args;
    enterUserCall(ref.module, ref.name, site?.revision, site?.call ?? 'load', site?.atSeconds);
    try {
      CALL.runInContext(ctx, { timeout: budget });
    } catch (e) {
      if (isTimeout(e)) throw new UserCallStopped(`did not return within ${budget} ms (the per-call time budget)`);
      throw e;
    } finally {
      leaveUserCall();
      slot.fn = slot.self = slot.args = undefined;
      const problem = memoryProblem();
      if (problem !== undefined) throw new UserCallStopped(problem);
    }
    const r = slot.result;
    slot.result = undefined;
    return r;
  };
  enterUserCall(ref.module, ref.name, undefined, 'evaluating the module', undefined);
  try {
    script.runInContext(ctx, { timeout: budget });
  } catch (e) {
    leaveUserCall();
    if (isTimeout(e)) throw new UserCallStopped(`evaluating the module did not finish within ${budget} ms (the per-call time budget)`);
    // What the module threw is read under the budget too (its message may be a getter that never returns).
    let text: string;
    try {
      text = invoke(thrownMessage as (...a: unknown[]) => unknown, undefined, [e]) as string;
    } catch (e2) {
      text = e2 instanceof UserCallStopped ? `a value whose message ${e2.message}` : 'a value that throws when read';
    }
    throw new UserCallStopped(`evaluating the module threw: ${text}`);
  }
  leaveUserCall();
  const exp = (ctx['module'] as { exports: unknown }).exports;
  let def: unknown;
  try {
    def = invoke((x: unknown) => (typeof x === 'object' && x !== null && 'default' in x ? (x as { default: unknown }).default : x), undefined, [exp]);
  } catch (e) {
    throw new UserCallStopped(e instanceof UserCallStopped ? `reading the module's exports: ${e.message}` : `reading the module's exports threw: ${thrownMessage(e)}`);
  }
  return { def, invoke, adopt: slot.adopt as (v: unknown) => unknown };
}

function faultError(ref: Pick<UserClassRef, 'name' | 'module'>, f: Pick<UserClassFault, 'revision' | 'atSeconds' | 'rule'>): ScenarioError {
  const at = f.atSeconds === undefined || Number.isNaN(f.atSeconds) ? '' : ` at t=${+f.atSeconds.toFixed(3)}s`;
  const rev = f.revision ? `, revision ${f.revision}` : '';
  return new ScenarioError(ref.module, `class ${JSON.stringify(ref.name)}${rev}${at}`, f.rule);
}

/**
 * The error of a call that ran its thread's (or process's) JavaScript heap out of memory, read
 * from the call log after it died, worded as the module's other faults are.
 */
export function outOfMemoryError(c: LoggedCall, stopped = 'its thread was stopped'): ScenarioError {
  const rule = `${c.call}: ran out of memory: the call allocated past the JavaScript heap's limit and ${stopped} (a class may not allocate without bound)`;
  return faultError({ name: c.className, module: c.module }, { revision: c.revision, atSeconds: c.atSeconds, rule });
}

/**
 * The error of a call whose process ended without a word of its own: killed by `signal` (SIGKILL
 * is what the kernel's out-of-memory killer sends when a call's typed arrays take the machine's
 * memory), or a fatal error of V8 other than the heap's limit.
 */
export function crashError(c: LoggedCall, signal: string | null): ScenarioError {
  const how =
    signal === 'SIGKILL' ? 'was killed (SIGKILL, as the system does when memory runs out): a class may not allocate without bound'
    : signal === null || signal === 'SIGABRT' ? 'stopped with a fatal error of V8'
    : `was killed (${signal})`;
  const rule = `${c.call}: the process running the call ${how}`;
  return faultError({ name: c.className, module: c.module }, { revision: c.revision, atSeconds: c.atSeconds, rule });
}

/**
 * Compiles and checks a user class now (a missing file, a syntax error, a wrong
 * apiVersion fail here, at load time) and returns the class for the world's registry.
 * @throws ScenarioError naming the module and the rule.
 */
export function loadUserClass(ref: UserClassRef): AutoscalerClass {
  passUserModuleGate();
  const script = compile(ref);
  const fail = (f: UserClassFault): never => {
    throw faultError(ref, f);
  };
  const load = (): { definition: unknown; invoke: ReturnType<typeof instantiate>['invoke']; adopt: ReturnType<typeof instantiate>['adopt'] } => {
    try {
      const m = instantiate(ref, script);
      return { definition: m.def, invoke: m.invoke, adopt: m.adopt };
    } catch (e) {
      // The loader's own failures are already ScenarioErrors; a time-budget stop or a throw is the module's.
      if (e instanceof ScenarioError) throw e;
      const rule = e instanceof UserCallStopped ? e.message : `evaluating the module threw: ${thrownMessage(e)}`;
      return fail({ className: ref.name, revision: undefined, atSeconds: undefined, call: 'load', rule });
    }
  };
  const first = load();
  let problem: string | undefined;
  try {
    // Read under the time budget: the export's fields may be getters.
    problem = first.invoke(definitionProblem as (...a: unknown[]) => unknown, undefined, [first.definition]) as string | undefined;
  } catch (e) {
    problem = e instanceof UserCallStopped ? `reading the module's default export: ${e.message}` : `reading the module's default export threw: ${thrownMessage(e)}`;
  }
  if (problem !== undefined) fail({ className: ref.name, revision: undefined, atSeconds: undefined, call: 'load', rule: problem });
  // The first evaluation serves the first revision; later ones evaluate the module afresh.
  let spare: typeof first | undefined = first;
  return userAutoscalerClass({
    name: ref.name,
    load: () => {
      const m = spare ?? load();
      spare = undefined;
      return m;
    },
    fail,
  });
}

export { chooseClass, reservedClassName, AUTOSCALER_API_VERSION, type ClassChoice } from './class-choice.js';
import { reservedClassName } from './class-choice.js';

/** The longest budget node:vm can time: 2^32 − 1 ms (about 49.7 days). */
const MAX_BUDGET_MS = 4294967295;

/** A `timeout:` in seconds as node:vm's budget: whole milliseconds, 1 ms to {@link MAX_BUDGET_MS}. @throws ScenarioError */
function budgetOf(file: string, path: string, seconds: number): number {
  const exact = seconds * 1000;
  const ms = Math.round(exact);
  const rule = `the per-call time budget must be whole milliseconds between 1ms and 1193h (node:vm times whole milliseconds up to 2^32 − 1), got ${+exact.toPrecision(6)} ms`;
  // 1.5ms is not rounded to 2 ms behind the user's back; a duration's float error (0.001 s × 1000) is not a fraction.
  if (ms < 1 || ms > MAX_BUDGET_MS || Math.abs(exact - ms) > 1e-6) throw new ScenarioError(file, path, rule);
  return ms;
}

/** One `autoscalerClasses` entry as the schema read it. */
export interface UserClassInput {
  name: string;
  module: string;
  timeout?: number | undefined;
}

/**
 * The scenario's `autoscalerClasses` (modules relative to the scenario's directory) plus
 * `extra` ones (e.g. `knsim compare --class ./x.ts`, relative to the working directory),
 * loaded and checked.
 * @throws ScenarioError
 */
export function loadUserClasses(file: string, entries: readonly UserClassInput[], extra: readonly UserClassRef[] = []): AutoscalerClass[] {
  const refs: UserClassRef[] = entries.map((e, i) => {
    const path = formatPath(['autoscalerClasses', i]);
    if (reservedClassName(e.name)) throw new ScenarioError(file, `${path}.name`, `${JSON.stringify(e.name)} is reserved: classes ending in .knative.dev are Knative's`);
    return {
      name: e.name,
      module: nodePath.resolve(nodePath.dirname(file), e.module),
      budgetMs: e.timeout !== undefined ? budgetOf(file, `${path}.timeout`, e.timeout) : DEFAULT_USER_CALL_BUDGET_MS,
      where: { file, path: `${path}.module` },
    };
  });
  const all = [...refs, ...extra];
  const seen = new Map<string, string>();
  for (const r of all) {
    const prev = seen.get(r.name);
    if (prev !== undefined) throw new ScenarioError(r.where.file, r.where.path, `autoscaler class ${JSON.stringify(r.name)} is defined twice (also ${prev})`);
    seen.set(r.name, r.where.path);
  }
  return all.map(loadUserClass);
}
