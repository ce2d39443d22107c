/**
 * Which call into a user autoscaler module each thread is in, kept in shared memory so that
 * another thread can still read it after this one died. A call that allocates past V8's heap
 * limit kills its isolate at once (no JavaScript runs after it); when knsim runs the module in a
 * worker thread, the thread that started it reads here which module, class, revision and call it
 * was, and reports that in one line instead of V8's abort.
 *
 * Layout: a claim counter (Int32 at byte 0), then fixed slots, one per thread that attached. A
 * slot: Int32 in-call flag, Int32 text length, Float64 the call's time, then the text
 * (`module \t class \t revision \t call`, UTF-8, cut at the slot's end).
 */
const HEADER_BYTES = 8;
const SLOT_BYTES = 4096;
const TEXT_OFFSET = 16;
const SLOTS = 64;

/** A new log for up to 64 threads (the CLI's isolated run and its sweep threads). */
export function newUserCallLog(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + SLOTS * SLOT_BYTES);
}

interface Slot {
  flags: Int32Array;
  time: Float64Array;
  text: Uint8Array;
}

let slot: Slot | undefined;
let shared: SharedArrayBuffer | undefined;
const encoder = new TextEncoder();

/** This thread writes its calls into `log` from now on (a slot of its own; none left: not logged). */
export function attachUserCallLog(log: SharedArrayBuffer): void {
  if (shared === log) return;
  shared = log;
  const i = Atomics.add(new Int32Array(log, 0, 1), 0, 1);
  if (i >= SLOTS) {
    slot = undefined;
    return;
  }
  const at = HEADER_BYTES + i * SLOT_BYTES;
  slot = { flags: new Int32Array(log, at, 2), time: new Float64Array(log, at + 8, 1), text: new Uint8Array(log, at + TEXT_OFFSET, SLOT_BYTES - TEXT_OFFSET) };
}

/** The log this thread writes to, for the threads it starts (undefined: none). */
export function attachedUserCallLog(): SharedArrayBuffer | undefined {
  return shared;
}

/** What a call was: the module's file, the class, the revision (undefined at load), the call, its time. */
export interface LoggedCall {
  module: string;
  className: string;
  revision: string | undefined;
  call: string;
  atSeconds: number | undefined;
}

/** Notes the call this thread is entering. */
export function enterUserCall(module: string, className: string, revision: string | undefined, call: string, atSeconds: number | undefined): void {
  const s = slot;
  if (s === undefined) return;
  const { written } = encoder.encodeInto(`${module}\t${className}\t${revision ?? ''}\t${call}`, s.text);
  s.time[0] = atSeconds ?? Number.NaN;
  Atomics.store(s.flags, 1, written ?? 0);
  Atomics.store(s.flags, 0, 1);
}

/** Notes that this thread's call returned (or threw). */
export function leaveUserCall(): void {
  if (slot !== undefined) Atomics.store(slot.flags, 0, 0);
}

/**
 * The calls threads were in when read: after every thread that could still return has returned,
 * these are the calls of the threads that died inside one.
 */
export function callsInProgress(log: SharedArrayBuffer): LoggedCall[] {
  const used = Math.min(SLOTS, Atomics.load(new Int32Array(log, 0, 1), 0));
  const out: LoggedCall[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < used; i++) {
    const at = HEADER_BYTES + i * SLOT_BYTES;
    const flags = new Int32Array(log, at, 2);
    if (Atomics.load(flags, 0) !== 1) continue;
    // TextDecoder does not read shared memory: copy the bytes out first.
    const text = decoder.decode(new Uint8Array(log, at + TEXT_OFFSET, Atomics.load(flags, 1)).slice());
    const [module = '', className = '', revision = '', call = ''] = text.split('\t');
    const t = new Float64Array(log, at + 8, 1)[0]!;
    out.push({ module, className, revision: revision === '' ? undefined : revision, call, atSeconds: Number.isNaN(t) ? undefined : t });
  }
  return out;
}

let gate: (() => void) | undefined;

/**
 * What loading a user module first passes through: the CLI sets a gate that stops a command on
 * its main thread, to run it again in a worker thread where a module's memory cannot abort the
 * process (src/cli/isolated.ts). Library callers (tests, notebooks) set none and load in place.
 */
export function setUserModuleGate(g: (() => void) | undefined): void {
  gate = g;
}

export function passUserModuleGate(): void {
  gate?.();
}
