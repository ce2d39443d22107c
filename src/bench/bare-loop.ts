/**
 * The yardstick of issue 19: a bare fastpriorityqueue pop+push loop, the least any
 * discrete-event simulator with a binary heap does per event. A case's event rate divided
 * by this loop's, with the same number of events and the same queue size, measured in the
 * same process right after the case, says how much a run costs beyond the queue itself.
 */
import FastPriorityQueue from 'fastpriorityqueue';

interface Item {
  time: number;
  seq: number;
}

/**
 * CPU seconds of `events` pop+push steps on a queue holding `queueSize` events (best of
 * `rounds`): CPU rather than wall time, so other processes on the machine skew the ratio less.
 */
export function bareLoopSeconds(events: number, queueSize: number, rounds = 3): number {
  // Delays drawn once, outside the timed loop (a linear congruential generator: a stand-in, not a model).
  const delays = new Float64Array(1 << 16);
  let x = 12345;
  for (let i = 0; i < delays.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    delays[i] = ((x >>> 0) / 4294967296) * 0.2;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const q = new FastPriorityQueue<Item>((a, b) => a.time < b.time || (a.time === b.time && a.seq < b.seq));
    let seq = 0;
    for (let i = 0; i < Math.max(1, queueSize); i++) q.add({ time: delays[i & 0xffff]!, seq: seq++ });
    const started = process.cpuUsage();
    for (let i = 0; i < events; i++) {
      const e = q.poll()!;
      e.time += delays[i & 0xffff]!;
      e.seq = seq++;
      q.add(e);
    }
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return best;
}
