/**
 * Which call into a user autoscaler module each thread is in, kept in shared memory so that
 * another thread can still read it after this one died. A call that allocates past V8's heap
 * limit kills its isolate at once (no JavaScript runs after it), or the whole process when one
 * allocation overshoots the limit; so each slot is also written through to a file (the mirror)
 * that the process which started this one reads after it died (src/cli/isolated.ts), to report
 * which module, class, revision and call it was in one line instead of V8's abort.
 *
 * Layout: a claim counter (Int32 at byte 0), then fixed slots, one per thread that attached. A
 * slot: Int32 in-call flag, Int32 text length, Float64 the call's time, then the text
 * (`module \t class \t revision \t call`, UTF-8, cut at the slot's end).
 */
import { writeSync } from 'node:fs';

const HEADER_BYTES = 8;
const SLOT_BYTES = 4096;
const TEXT_OFFSET = 16;
const SLOTS = 64;

/** The size of a log (and of its mirror file), bytes. */
export const USER_CALL_LOG_BYTES = HEADER_BYTES + SLOTS * SLOT_BYTES;

/** A new log for up to 64 threads (the CLI's isolated run and its sweep threads). */
export function newUserCallLog(): SharedArrayBuffer {
  return new SharedArrayBuffer(USER_CALL_LOG_BYTES);
}

interface Slot {
  /** Byte offset of the slot in the log (and its mirror file). */
  at: number;
  flags: Int32Array;
  time: Float64Array;
  text: Uint8Array;
}

let slot: Slot | undefined;
let shared: SharedArrayBuffer | undefined;
/** A file descriptor (shared by the process's threads) the log's bytes are written through to. */
let mirror: number | undefined;
const encoder = new TextEncoder();

/**
 * This thread writes its calls into `log` from now on (a slot of its own; none left: not logged),
 * and through to the file open at `mirrorFd` when given, at the same offsets.
 */
export function attachUserCallLog(log: SharedArrayBuffer, mirrorFd?: number): void {
  mirror = mirrorFd;
  if (shared === log) return;
  shared = log;
  const i = Atomics.add(new Int32Array(log, 0, 1), 0, 1);
  if (i >= SLOTS) {
    slot = undefined;
    return;
  }
  const at = HEADER_BYTES + i * SLOT_BYTES;
  slot = { at, flags: new Int32Array(log, at, 2), time: new Float64Array(log, at + 8, 1), text: new Uint8Array(log, at + TEXT_OFFSET, SLOT_BYTES - TEXT_OFFSET) };
}

/** The log this thread writes to, for the threads it starts (undefined: none). */
export function attachedUserCallLog(): SharedArrayBuffer | undefined {
  return shared;
}

/** The mirror file's descriptor this thread writes through to, for the threads it starts. */
export function attachedUserCallLogMirror(): number | undefined {
  return mirror;
}

/** Copies `length` bytes of this thread's slot to the mirror file (pwrite: what the process wrote outlives it). */
function writeThrough(s: Slot, length: number): void {
  if (mirror === undefined || shared === undefined) return;
  // fs does not write from shared memory: copy the bytes out first.
  writeSync(mirror, new Uint8Array(shared, s.at, length).slice(), 0, length, s.at);
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
  writeThrough(s, TEXT_OFFSET + (written ?? 0));
}

/** Notes that this thread's call returned (or threw). */
export function leaveUserCall(): void {
  if (slot === undefined) return;
  Atomics.store(slot.flags, 0, 0);
  writeThrough(slot, 4);
}

/**
 * The calls threads were in when read: after every thread that could still return has returned,
 * these are the calls of the threads that died inside one.
 */
export function callsInProgress(log: ArrayBufferLike): LoggedCall[] {
  // A mirror file's claim counter stays 0 (each thread claims in its own process's memory): read every slot.
  const used = log instanceof SharedArrayBuffer ? Math.min(SLOTS, Atomics.load(new Int32Array(log, 0, 1), 0)) : SLOTS;
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
