/**
 * Counts and rates that nodes.csv and pods.csv change by events (nodes billed, nodes Ready,
 * pods waiting for a node, $/h by pool), and their rows on the report's time grid.
 */
import { type TimeAxis, levelMax, levelMean, round, xAt, xOf } from '../aggregate.js';
import type { NodeEventData, RunData } from '../load.js';

/** A level that changes by `delta[i]` at `time[i]` (times in order). */
export interface Steps {
  time: number[];
  delta: number[];
}

const steps = (): Steps => ({ time: [], delta: [] });

/**
 * From nodes.csv: nodes billed (launch → deletion; the launch is the provision request unless a
 * failed create call put it later, LaunchFailed → Launched), NodeClaims provisioning but not billed
 * (LaunchFailed → Launched or Deleted: their create call is being retried), nodes pods can bind to
 * (Ready, and tainted neither for removal nor for memory pressure) and, per pool, the price per hour
 * of its billed nodes.
 */
export function nodeSteps(n: NodeEventData): { billed: Steps; unlaunched: Steps; ready: Steps; rateByPool: Map<string, Steps> } {
  const billed = steps();
  const unlaunched = steps();
  const ready = steps();
  const rateByPool = new Map<string, Steps>();
  type NodeState = { billed: boolean; unlaunched: boolean; ready: boolean; removing: boolean; pressure: boolean };
  const state = new Map<string, NodeState>();
  const open = (s: NodeState): boolean => s.ready && !s.removing && !s.pressure;
  for (let i = 0; i < n.time.length; i++) {
    const [t, node, e] = [n.time[i]!, n.node[i]!, n.event[i]!];
    const rate = rateByPool.get(n.pool[i]!) ?? steps();
    rateByPool.set(n.pool[i]!, rate);
    const s = state.get(node) ?? { billed: false, unlaunched: false, ready: false, removing: false, pressure: false };
    state.set(node, s);
    // Billed from the request, or from the launch after a failed create call; a node deleted unlaunched never was.
    const billedNow = e === 'Requested' || e === 'Launched' ? true : e === 'LaunchFailed' || e === 'Deleted' ? false : s.billed;
    if (billedNow !== s.billed) {
      const sign = billedNow ? 1 : -1;
      s.billed = billedNow;
      billed.time.push(t);
      billed.delta.push(sign);
      rate.time.push(t);
      rate.delta.push(sign * n.pricePerHour[i]!);
    }
    const unlaunchedNow = e === 'LaunchFailed' ? true : e === 'Launched' || e === 'Deleted' ? false : s.unlaunched;
    if (unlaunchedNow !== s.unlaunched) {
      s.unlaunched = unlaunchedNow;
      unlaunched.time.push(t);
      unlaunched.delta.push(unlaunchedNow ? 1 : -1);
    }
    const was = open(s);
    if (e === 'Ready') s.ready = true;
    // A removal called off: the autoscaler untaints a Ready node.
    else if (e === 'Untainted') Object.assign(s, { ready: true, removing: false });
    else if (e === 'Tainted') s.removing = true;
    else if (e === 'NodeHasInsufficientMemory') s.pressure = true;
    else if (e === 'NodeHasSufficientMemory') s.pressure = false;
    else if (e === 'Deleted') s.ready = false;
    const is = open(s);
    if (is !== was) {
      ready.time.push(t);
      ready.delta.push(is ? 1 : -1);
    }
  }
  return { billed, unlaunched, ready, rateByPool };
}

/**
 * From pods.csv: pods Pending with PodScheduled=False (from their first Unschedulable attempt
 * until they are bound, or deleted unbound), over all revisions.
 */
export function unschedulableSteps(run: RunData): Steps {
  const all: Array<[number, number]> = [];
  for (const r of run.revisions) {
    const waiting = new Set<string>();
    const e = r.pods;
    for (let i = 0; i < e.time.length; i++) {
      const pod = e.pod[i]!;
      const ev = e.event[i]!;
      if (ev === 'Unschedulable' && !waiting.has(pod)) {
        waiting.add(pod);
        all.push([e.time[i]!, 1]);
      } else if ((ev === 'Scheduled' || ev === 'Terminating' || ev === 'Gone') && waiting.delete(pod)) {
        all.push([e.time[i]!, -1]);
      }
    }
  }
  // A stable sort keeps each revision's order at one instant.
  all.sort((a, b) => a[0] - b[0]);
  return { time: all.map((x) => x[0]), delta: all.map((x) => x[1]) };
}

/** The level of `s` just after each of `times` (sorted): every event at or before the instant counts. */
export function levelsAt(times: readonly number[], s: Steps): number[] {
  const out: number[] = [];
  let level = 0;
  let i = 0;
  for (const t of times) {
    while (i < s.time.length && s.time[i]! <= t) level += s.delta[i++]!;
    out.push(level);
  }
  return out;
}

export type LevelRow = Record<string, number>;

/**
 * Rows {t, <key>: level} of several levels on the report's grid. On a 1 s grid: the exact step
 * functions, a row at 0, at every instant any level changes and at the end. On a coarser grid:
 * a row per bucket with the most each level held in it (`max`) or its time-weighted mean
 * (`mean`: means add up, and Σ mean × width is the level's integral), and a row at the end.
 */
export function levelRows(axis: TimeAxis, series: ReadonlyArray<readonly [string, Steps]>, how: 'max' | 'mean', digits = 6): LevelRow[] {
  const rows: LevelRow[] = [];
  const end = axis.durationSeconds;
  if (axis.bucketSeconds <= 1) {
    const instants = [...new Set([0, ...series.flatMap(([, s]) => s.time.filter((t, i) => s.delta[i] !== 0 && t <= end)), end])].sort((a, b) => a - b);
    const levels = series.map(([, s]) => levelsAt(instants, s));
    instants.forEach((t, i) => {
      const row: LevelRow = { t: xAt(axis, t) };
      series.forEach(([k], j) => (row[k] = round(levels[j]![i]!, digits)));
      rows.push(row);
    });
    return rows;
  }
  const per = series.map(([, s]) => (how === 'max' ? levelMax(axis, s.time, s.delta) : levelMean(axis, s.time, s.delta)));
  for (let b = 0; b < axis.buckets; b++) {
    const row: LevelRow = { t: xOf(axis, b) };
    // levelMax is NaN before a level's first event: nothing held yet is 0.
    series.forEach(([k], j) => (row[k] = round(Number.isNaN(per[j]![b]!) ? 0 : per[j]![b]!, digits)));
    rows.push(row);
  }
  // The last bucket's level holds to the end of the run.
  const last = rows[rows.length - 1]!;
  if (last['t'] !== xAt(axis, end)) rows.push({ ...last, t: xAt(axis, end) });
  return rows;
}

/**
 * Cumulative node cost ($) at `times` (sorted, seconds): Σ over nodes of price × the part of
 * [provision request, deletion) before t, from the pools' $/h steps.
 */
export function cumulativeCost(rate: Steps, times: readonly number[]): number[] {
  const out: number[] = [];
  let level = 0;
  let cost = 0;
  let at = 0;
  let i = 0;
  for (const t of times) {
    while (i < rate.time.length && rate.time[i]! <= t) {
      cost += (level * (rate.time[i]! - at)) / 3600;
      at = rate.time[i]!;
      level += rate.delta[i++]!;
    }
    out.push(cost + (level * (t - at)) / 3600);
  }
  return out;
}

/** Several step levels as one (their sum), in time order. */
export function sumSteps(list: Iterable<Steps>): Steps {
  const all = [...list].flatMap((s) => s.time.map((t, i) => [t, s.delta[i]!] as const)).sort((a, b) => a[0] - b[0]);
  return { time: all.map((e) => e[0]), delta: all.map((e) => e[1]) };
}
