/**
 * A user-written autoscaler (`user-api.ts`, `knsim.dev/v1`) as an {@link AutoscalerClass}
 * on the class seam. The adapter keeps what Knative's machinery owns — the metric
 * collection (fed exactly as the KPA's), the multiscaler's status and notify rule, the
 * KPA reconciler's scaler step (scale-to-zero grace, activator probes, min/max-scale,
 * PodAutoscaler status) — and asks the user's instance only for the decision: desired
 * scale and SKS mode. Neither the decision loop nor the simulator's model changes.
 *
 * Every call into user code goes through `invoke` (the loader bounds its time) and every
 * answer is checked; a broken rule goes to `fail`, which must throw (the loader turns it
 * into a one-line error naming the module).
 */
import type { AutoscalerClass, AutoscalerClassInstance, AutoscalerClassSpec, ClassEvaluation, StatSource } from './classes.js';
import { NoDataError, type PodStat } from './collection.js';
import { applyScaleResult } from './initial-ebc.js';
import { PipelineInstance } from './pipeline-instance.js';
import type { RevisionAutoscaling } from './revision.js';
import { AUTOSCALER_API_VERSION, type AutoscalerDecision, type AutoscalerDefinition, type AutoscalerInstance, type AutoscalerSettings, type MetricSample } from './user-api.js';

export * from './user-api.js';

/** Which call into the user module broke a rule. */
export type UserCall = 'load' | 'create' | 'decide' | 'snapshot';

/** A broken rule of a user class. */
export interface UserClassFault {
  className: string;
  /** The revision whose instance failed (undefined while loading). */
  revision: string | undefined;
  /** The time of the failing call (undefined while loading). */
  atSeconds: number | undefined;
  call: UserCall;
  /** The rule, one line. */
  rule: string;
}

/** Thrown by an `invoke` that stopped a call (its message is the whole rule, e.g. the time budget). */
export class UserCallStopped extends Error {
  override readonly name = 'UserCallStopped';
}

/** Runs one call into user code. Throws {@link UserCallStopped} to stop it. */
/** Which call an `invoke` makes: the revision it serves, its time, what it calls (`decide`, `create`, …). */
export interface UserCallSite {
  revision: string;
  atSeconds: number;
  call: string;
}

export type UserInvoke = (fn: (...args: unknown[]) => unknown, self: unknown, args: unknown[], site?: UserCallSite) => unknown;

/** A module evaluated for one revision: its default export, and how to call into it (default: a plain call). */
export interface LoadedUserModule {
  definition: unknown;
  invoke?: UserInvoke | undefined;
  /**
   * Copies plain data (what knsim hands the module: ctx, input) into the module's own realm,
   * frozen, so that the module cannot reach knsim's prototypes through it. Default: as is.
   */
  adopt?: ((value: unknown) => unknown) | undefined;
}

export interface UserClassOptions {
  /** The `autoscaling.knative.dev/class` value. */
  name: string;
  /** Evaluates the module afresh (each revision gets its own module state). */
  load(): LoadedUserModule;
  /** Reports a broken rule; must throw. */
  fail(fault: UserClassFault): never;
}

/** The message of anything thrown, possibly from another realm, on one line. */
export function thrownMessage(e: unknown): string {
  let text: string;
  try {
    if (typeof e === 'object' && e !== null && 'message' in e) {
      const name = 'name' in e && typeof e.name === 'string' && e.name !== 'Error' ? `${e.name}: ` : '';
      text = `${name}${String(e.message)}`;
    } else text = String(e);
  } catch {
    // What was thrown throws again when read (a Proxy, a throwing toString or getter).
    return 'a value that throws when read';
  }
  // One inert line: a control character (a lone CR, an ANSI escape, a NUL) would rewrite or garble
  // the terminal line knsim prints, so each is shown as its \u escape.
  return text
    .split(/\r?\n/)[0]!
    .trim()
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The shortest tick a user class may ask for, in seconds. */
export const MIN_TICK_SECONDS = 0.1;

/** Why `def` is not a usable `knsim.dev/v1` definition, or undefined when it is. */
export function definitionProblem(def: unknown): string | undefined {
  try {
    return readDefinitionProblem(def);
  } catch (e) {
    return `reading the module's default export threw: ${thrownMessage(e)}`;
  }
}

function readDefinitionProblem(def: unknown): string | undefined {
  if (typeof def !== 'object' || def === null) return `the module must default-export defineAutoscaler({ apiVersion: '${AUTOSCALER_API_VERSION}', create }) (got ${def === null ? 'null' : typeof def})`;
  const d = def as Record<string, unknown>;
  if (d['apiVersion'] !== AUTOSCALER_API_VERSION) {
    return `apiVersion must be ${JSON.stringify(AUTOSCALER_API_VERSION)} (got ${d['apiVersion'] === undefined ? 'none' : shown(d['apiVersion'])})`;
  }
  if (typeof d['create'] !== 'function') return 'create must be a function (ctx) => ({ decide(input) { ... } })';
  const tick = d['tickSeconds'];
  if (tick !== undefined && !(typeof tick === 'number' && Number.isFinite(tick) && tick > 0)) return `tickSeconds must be a number > 0 (got ${shown(tick)})`;
  // A tick far below the metrics' own period (a second) decides on the same data again and again: 1e-9 would be 1e9 calls a simulated second.
  if (tick !== undefined && tick < MIN_TICK_SECONDS) return `tickSeconds must be at least ${MIN_TICK_SECONDS} (the metrics arrive once a second; got ${tick})`;
  if (d['description'] !== undefined && typeof d['description'] !== 'string') return 'description must be a string';
  return undefined;
}

/** The user's view of the revision's settings. */
export function userSettings(a: RevisionAutoscaling, reachable: boolean): AutoscalerSettings {
  const s = a.deciderSpec;
  return Object.freeze({
    metric: a.metric,
    target: s.targetValue,
    totalValue: s.totalValue,
    targetBurstCapacity: s.targetBurstCapacity,
    stableWindowSeconds: s.stableWindowSeconds,
    panicWindowSeconds: a.panicWindowSeconds,
    panicThreshold: s.panicThreshold,
    maxScaleUpRate: s.maxScaleUpRate,
    maxScaleDownRate: s.maxScaleDownRate,
    scaleDownDelaySeconds: s.scaleDownDelaySeconds,
    minScale: reachable ? a.minScale : 0,
    maxScale: a.maxScale,
    initialScale: a.initialScale,
    activationScale: a.activationScale,
    enableScaleToZero: a.enableScaleToZero,
    scaleToZeroGracePeriodSeconds: a.scaleToZeroGracePeriodSeconds,
    containerConcurrency: a.containerConcurrency,
    reachable,
  });
}

interface Bucket {
  concurrency: number;
  rps: number;
  cpuMillicores: number | undefined;
}

const isWhole = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** What `decide` returned, its fields each read once (under the time budget). */
interface ReadDecision {
  /** What it was when not an object ('null', 'number', ...). */
  type: string | undefined;
  d: Record<string, unknown>;
  then: unknown;
}

function readDecision(out: unknown): ReadDecision {
  if (typeof out !== 'object' || out === null) return { type: out === null ? 'null' : typeof out, d: {}, then: undefined };
  const o = out as Record<string, unknown>;
  const then = o['then'];
  const d = { desiredScale: o['desiredScale'], sksMode: o['sksMode'], minScale: o['minScale'], maxScale: o['maxScale'], scaleToZero: o['scaleToZero'], inPanic: o['inPanic'] };
  return { type: undefined, d, then };
}

/** The definition's fields, read once. */
function readDefinition(def: unknown): { problem: string | undefined; create: ((...a: unknown[]) => unknown) | undefined; tickSeconds: number | undefined } {
  const problem = definitionProblem(def);
  if (problem !== undefined) return { problem, create: undefined, tickSeconds: undefined };
  const d = def as AutoscalerDefinition;
  return { problem, create: d.create as (...a: unknown[]) => unknown, tickSeconds: d.tickSeconds };
}

/** Calls the instance's decide, read afresh as a plain `instance.decide(input)` would (`this` is the instance). */
function callDecide(this: AutoscalerInstance, input: unknown): unknown {
  const decide = this.decide as unknown;
  if (typeof decide !== 'function') throw new TypeError('decide is no longer a function');
  return (decide as (i: unknown) => unknown).call(this, input);
}

/** Calls the instance's optional snapshot (`this` is the instance). */
function callSnapshot(this: AutoscalerInstance): unknown {
  const snap = this.snapshot;
  return typeof snap === 'function' ? snap.call(this) : undefined;
}

/** A value a module returned, for a message: never calls back into user code (no toString, no toJSON). */
function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'undefined') return String(v);
  return `a${typeof v === 'object' ? 'n object' : ` ${typeof v}`}`;
}

class UserInstance extends PipelineInstance implements AutoscalerClassInstance {
  private readonly user: AutoscalerInstance;
  private readonly buckets = new Map<number, Bucket>();
  private inPanicNow = false;
  private readonly invoke: UserInvoke | undefined;
  private readonly adopt: ((value: unknown) => unknown) | undefined;
  readonly tickPeriodSeconds: number;

  constructor(
    private readonly opts: UserClassOptions,
    private readonly revision: string,
    spec: AutoscalerClassSpec,
    nowSeconds: number,
    state: unknown,
  ) {
    super(spec, nowSeconds);
    let loaded: LoadedUserModule;
    try {
      loaded = opts.load();
    } catch (e) {
      this.fault('load', nowSeconds, `loading the module failed: ${thrownMessage(e)}`);
    }
    this.invoke = loaded.invoke;
    this.adopt = loaded.adopt;
    const def = loaded.definition;
    // The definition is read once, under the time budget: a getter on it is user code too.
    const read = this.call<ReturnType<typeof readDefinition>>('load', nowSeconds, () => readDefinition(def), undefined, [], "reading the module's default export");
    if (read.problem !== undefined) this.fault('load', nowSeconds, read.problem);
    this.tickPeriodSeconds = read.tickSeconds ?? 2;
    const ctx = Object.freeze({
      className: opts.name,
      revision,
      nowSeconds,
      settings: userSettings(spec.autoscaling, spec.autoscaling.deciderSpec.reachable),
      existingPods: spec.existingPods,
      state,
    });
    const made = this.call('create', nowSeconds, read.create!, def, [ctx], undefined, (inst) => ({
      inst,
      decide: typeof inst === 'object' && inst !== null ? (inst as { decide?: unknown }).decide : undefined,
    }));
    if (typeof made.decide !== 'function') {
      this.fault('create', nowSeconds, 'create must return an object with a decide(input) method');
    }
    this.user = made.inst as AutoscalerInstance;
  }

  private fault(call: UserCall, atSeconds: number | undefined, rule: string): never {
    return this.opts.fail({ className: this.opts.name, revision: this.revision, atSeconds, call, rule });
  }

  /**
   * Calls into user code under the time budget (`invoke`), and reads what it returned
   * (`read`) under the same budget: a getter, a Proxy trap or a thrown value's `message`
   * is user code too, and must not hang or crash knsim when it loops or throws.
   */
  private call<T = unknown>(
    call: UserCall,
    now: number,
    fn: (...a: unknown[]) => unknown,
    self: unknown,
    args: unknown[],
    what: string = call,
    read: (out: unknown) => T = (out) => out as T,
  ): T {
    const run = (): { ok: true; value: T } | { ok: false; rule: string } => {
      let out: unknown;
      try {
        const adopt = this.adopt;
        out = fn.apply(self, adopt === undefined ? args : args.map((a) => adopt(a)));
      } catch (e) {
        return { ok: false, rule: `${what} threw: ${thrownMessage(e)}` };
      }
      try {
        return { ok: true, value: read(out) };
      } catch (e) {
        return { ok: false, rule: `reading what ${what} returned threw: ${thrownMessage(e)}` };
      }
    };
    let r: ReturnType<typeof run>;
    try {
      r = (this.invoke ? this.invoke(run, undefined, [], { revision: this.revision, atSeconds: now, call: what }) : run()) as ReturnType<typeof run>;
    } catch (e) {
      this.fault(call, now, e instanceof UserCallStopped ? `${what}: ${e.message}` : `${what} threw: ${thrownMessage(e)}`);
    }
    if (!r.ok) this.fault(call, now, r.rule);
    return r.value;
  }

  protected get panicking(): boolean {
    return this.inPanicNow;
  }

  record(stat: PodStat, source: StatSource): boolean {
    const poke = source === 'push' ? this.p.recordPushed(stat) : (this.p.recordScrape(stat), false);
    const second = Math.floor(stat.timeSeconds);
    const b = this.buckets.get(second) ?? { concurrency: 0, rps: 0, cpuMillicores: undefined };
    b.concurrency += stat.averageConcurrentRequests - (stat.averageProxiedConcurrentRequests ?? 0);
    b.rps += stat.requestCount - (stat.proxiedRequestCount ?? 0);
    if (stat.pods !== undefined) {
      let cpu = 0;
      let any = false;
      for (const pod of stat.pods) {
        if (pod.cpuMillicores !== undefined && !pod.deleting) {
          cpu += pod.cpuMillicores;
          any = true;
        }
      }
      if (any) b.cpuMillicores = cpu;
    }
    this.buckets.set(second, b);
    return poke;
  }

  /** Per-second samples inside the stable window ending now, oldest first (older buckets are dropped). */
  private history(now: number): MetricSample[] {
    const from = Math.floor(now) - this.stableWindowSeconds;
    const out: MetricSample[] = [];
    for (const [t, b] of this.buckets) {
      if (t <= from) this.buckets.delete(t);
      else if (t <= now) out.push(Object.freeze(b.cpuMillicores === undefined ? { timeSeconds: t, concurrency: b.concurrency, rps: b.rps } : { timeSeconds: t, concurrency: b.concurrency, rps: b.rps, cpuMillicores: b.cpuMillicores }));
    }
    return out.sort((a, b) => a.timeSeconds - b.timeSeconds);
  }

  evaluate(nowSeconds: number, readyPods: number | undefined, poke = false): ClassEvaluation {
    const a = this.p.autoscaling;
    const collection = this.p.collection;
    // No data in the stable window: as for the KPA, nothing to decide on (asked first: a throw per tick is costly).
    if (!collection.hasData(nowSeconds, 'concurrency') || !collection.hasData(nowSeconds, 'rps')) return this.invalid();
    let c: { stable: number; panic: number };
    let r: { stable: number; panic: number };
    try {
      c = this.p.collection.stableAndPanicConcurrency(nowSeconds);
      r = this.p.collection.stableAndPanicRPS(nowSeconds);
    } catch (e) {
      // No data in the stable window: as for the KPA, nothing to decide on.
      if (e instanceof NoDataError) return this.invalid();
      throw e;
    }
    if (readyPods === undefined) return this.invalid();
    const input = Object.freeze({
      nowSeconds,
      readyPods,
      stable: Object.freeze({ concurrency: c.stable, rps: r.stable }),
      panic: Object.freeze({ concurrency: c.panic, rps: r.panic }),
      history: Object.freeze(this.history(nowSeconds)),
      settings: userSettings(a, this.p.reachable),
      previousDesiredScale: this.p.status.desiredScale,
      poke,
    });
    const out = this.call('decide', nowSeconds, callDecide, this.user, [input], 'decide', readDecision);
    const d = this.checkDecision(out, nowSeconds);
    let desired = Math.ceil(d.desiredScale);
    if (d.minScale !== undefined) desired = Math.max(desired, d.minScale);
    if (d.maxScale !== undefined) desired = Math.min(desired, d.maxScale);
    if (d.scaleToZero === false) desired = Math.max(desired, 1);
    const panicLoad = a.metric === 'rps' ? r.panic : c.panic;
    const tbc = a.deciderSpec.targetBurstCapacity;
    let ebc = tbc === 0 ? 0 : tbc > 0 ? Math.floor(readyPods * a.deciderSpec.totalValue - tbc - panicLoad) : -1;
    // TBC −1 is the revision's own promise that the activator stays in the path: the KPA reconciler
    // then scrapes no pod and skips the activator probe before scaling to zero, so 'Serve' is not taken.
    if (d.sksMode === 'Serve' && ebc < 0 && tbc !== -1) ebc = 0;
    if (d.sksMode === 'Proxy' && ebc >= 0) ebc = -1;
    const { status, notify } = applyScaleResult(this.p.status, { desiredPodCount: desired, excessBurstCapacity: ebc, scaleValid: true });
    this.p.status = status;
    this.inPanicNow = d.inPanic ?? false;
    const metric = a.metric === 'rps' ? r : c;
    return { valid: true, desiredPodCount: desired, notify, observedStable: metric.stable, observedPanic: metric.panic, ...this.status() };
  }

  private invalid(): ClassEvaluation {
    return { valid: false, desiredPodCount: 0, notify: false, observedStable: Number.NaN, observedPanic: Number.NaN, ...this.status() };
  }

  private checkDecision(read: ReadDecision, now: number): AutoscalerDecision {
    const bad = (rule: string): never => this.fault('decide', now, rule);
    if (read.type !== undefined) return bad(`decide must return { desiredScale, ... } (got ${read.type})`);
    const { d, then } = read;
    if (typeof then === 'function') return bad('decide must return synchronously (it returned a Promise)');
    const ds = d['desiredScale'];
    if (typeof ds !== 'number' || !Number.isFinite(ds) || ds < 0) return bad(`decide returned desiredScale ${shown(ds)}: must be a finite number ≥ 0`);
    if (d['sksMode'] !== undefined && d['sksMode'] !== 'Serve' && d['sksMode'] !== 'Proxy') return bad(`decide returned sksMode ${shown(d['sksMode'])}: must be "Serve" or "Proxy"`);
    if (d['minScale'] !== undefined && !isWhole(d['minScale'], 0)) return bad(`decide returned minScale ${shown(d['minScale'])}: must be a whole number ≥ 0`);
    if (d['maxScale'] !== undefined && !isWhole(d['maxScale'], 1)) return bad(`decide returned maxScale ${shown(d['maxScale'])}: must be a whole number ≥ 1`);
    for (const k of ['scaleToZero', 'inPanic'] as const) {
      if (d[k] !== undefined && typeof d[k] !== 'boolean') return bad(`decide returned ${k} ${shown(d[k])}: must be true or false`);
    }
    return d as unknown as AutoscalerDecision;
  }

  snapshot(): unknown {
    const user = this.call('snapshot', Number.NaN, callSnapshot, this.user, []);
    return { status: { ...this.p.status }, pa: { ...this.p.pa }, inPanic: this.inPanicNow, user };
  }
}

/**
 * A user-written class named `opts.name`. Each revision's instance loads the module
 * afresh (`opts.load`) and calls its `create`; `state` is handed to `create` (a restarted
 * controller's last snapshot).
 */
export function userAutoscalerClass(opts: UserClassOptions, state?: (revision: string) => unknown): AutoscalerClass {
  return {
    name: opts.name,
    create: (spec, nowSeconds) => new UserInstance(opts, spec.revision ?? '', spec, nowSeconds, state?.(spec.revision ?? '')),
  };
}
