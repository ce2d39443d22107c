/**
 * Each thread's CPU in a `knsim sweep` process, for the bench's end-to-end case (bench-sweep.ts):
 * what the second simulation thread costs, split into the simulation threads' own CPU and the
 * background threads' (V8's optimizing compiles, concurrent marking and parallel scavenges; libuv).
 * With one simulation thread the background work runs on the idle core; with two it shares the
 * cores with the runs, so the split says where a shortfall of the speed-up comes from.
 *
 * Linux only: the threads are read from /proc/<pid>/task while the process runs, every few
 * milliseconds, and a thread's CPU is its last sample (up to one interval short; the process's
 * exact total is the bench's CPU figure). A sample of a sweep's dozen threads costs the bench about
 * 0.13 ms of CPU, under 1 % of a core at 20 ms. Elsewhere nothing is sampled.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { WORKER_THREAD_NAME } from './thread-name.js';

export interface ThreadSample {
  tid: number;
  /** The thread's comm: `node` for the main thread and V8's and libuv's threads, WORKER_THREAD_NAME for the pool's. */
  name: string;
  cpuSeconds: number;
}

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS = 100;

/**
 * One /proc/<pid>/task/<tid>/stat line: the comm is between the first `(` and the last `)` (it may
 * hold both), then fields from the state on; utime and stime are the 12th and 13th of those.
 */
export function parseTaskStat(tid: number, text: string): ThreadSample | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const f = text.slice(close + 2).split(' ');
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return { tid, name: text.slice(open + 1, close), cpuSeconds: (utime + stime) / TICKS };
}

/** Every thread of process `pid` now; none if it has gone or there is no /proc. */
export function sampleThreads(pid: number): ThreadSample[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: ThreadSample[] = [];
  for (const t of tids) {
    try {
      const s = parseTaskStat(Number(t), readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8'));
      if (s !== undefined) out.push(s);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

export interface ThreadCpu {
  /** CPU seconds of the threads that simulate: the main thread first, then the pool's, by thread id. */
  simulation: number[];
  /** CPU seconds of every other thread together. */
  background: number;
}

/** The main thread (its id is the process's) and the pool's named threads simulate; the others are background. */
export function splitThreadCpu(samples: Iterable<ThreadSample>, pid: number): ThreadCpu {
  let main = 0;
  const pool: ThreadSample[] = [];
  let background = 0;
  for (const s of samples) {
    if (s.tid === pid) main = s.cpuSeconds;
    else if (s.name === WORKER_THREAD_NAME) pool.push(s);
    else background += s.cpuSeconds;
  }
  pool.sort((a, b) => a.tid - b.tid);
  return { simulation: [main, ...pool.map((s) => s.cpuSeconds)], background };
}

/**
 * Samples process `pid`'s threads every `everyMs` until stopped; `stop()` gives each thread's
 * last sample, threads that ended before it included.
 */
export function watchThreads(pid: number, everyMs = 20): { stop(): ThreadSample[] } {
  const last = new Map<number, ThreadSample>();
  const sample = (): void => {
    for (const s of sampleThreads(pid)) last.set(s.tid, s);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop(): ThreadSample[] {
      clearInterval(timer);
      return [...last.values()];
    },
  };
}
