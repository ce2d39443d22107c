import { type TimeAxis, bucketLabel, bucketMax, bucketStep, intervals, levelMax, val, xOf } from '../aggregate.js';
import type { RevisionData } from '../load.js';
import { type Chart, type ChartContext, type Spec, COLORS, autoscalerDownIntervals, WIDTH, headroomScale, heldToEnd, keyedLegend, periodLayers, revisionTitle, stack, topLevel, xEncoding, busiest, withLines } from './common.js';

// The legend's order; DRAW gives the drawing order.
const LABELS = {
  r: 'ready',
  s: 'starting (pending + starting)',
  x: 'terminating',
  d: 'desired (decider)',
  w: 'want (after min/max and scale-to-zero)',
};

/**
 * The blue line counts every pod not Ready that is not terminating: in a run where pods crash
 * or fail readiness, those too, and its label says so (they are not starting).
 */
const NOT_READY = 'not Ready (pending, starting or crash-looping)';

function labels(ctx: ChartContext): Record<keyof typeof LABELS, string> {
  const unready = ctx.run.revisions.some((r) => r.pods.event.some((e) => e === 'NotReady' || e === 'CrashLoopBackOff'));
  return unready ? { ...LABELS, s: NOT_READY } : LABELS;
}

/** The ready line's width: the widest, drawn first. */
export const READY_WIDTH = 4;

/**
 * The lines in drawing order, each narrower than every line drawn before it: where two hold the
 * same count at the same time (a step's rise is a vertical stroke at the same x for every line
 * that changes in it) the later one lies inside the earlier, which still shows on both sides.
 * With one width, desired and want (8 at 22.43 h in capacity-planning) covered the 6 pods
 * not yet Ready rising in the same step. Terminating goes under starting: it rises most often.
 */
export const DRAW: ReadonlyArray<{ key: keyof typeof LABELS; width: number }> = [
  { key: 'r', width: READY_WIDTH },
  { key: 'x', width: 3 },
  { key: 's', width: 2.1 },
  // Desired and want, dashed and dotted over each other (they are mostly equal): each shows in the other's gaps.
  { key: 'd', width: 1.2 },
  { key: 'w', width: 1.2 },
];
/** A Vega expression giving each line's width from its key (`datum.k` on the lines, `datum.value` in the legend). */
const widthExpr = (field: string): string => DRAW.map((l) => `${field} === '${l.key}' ? ${l.width} : `).join('') + '0';

/**
 * Panic periods from the decider's evaluations, as summary.json's panicSeconds counts them:
 * while Knative's autoscaler is down the revision has no decider, so no panic; a restarted one
 * with more than one pod Ready starts in panic at its creation (decider.ts), before its first
 * evaluation.
 */
export function panicIntervals(ctx: ChartContext, r: RevisionData): ReturnType<typeof intervals> {
  const down = autoscalerDownIntervals(ctx, r);
  const d = r.decisions;
  if (down.length === 0) return intervals(d.time, d.inPanic, ctx.axis.durationSeconds, ctx.axis.bucketSeconds);
  const points: Array<{ t: number; on: number; order: number }> = d.time.map((t, i) => ({ t, on: d.inPanic[i]!, order: 1 }));
  for (const o of down) {
    // The outage ends the panic at its start; a restart's state comes before that instant's evaluation.
    points.push({ t: o.start, on: 0, order: 2 });
    if (o.end < ctx.axis.durationSeconds) points.push({ t: o.end, on: readyAt(r, o.end) > 1 ? 1 : 0, order: 0 });
  }
  points.sort((a, b) => a.t - b.t || a.order - b.order);
  return intervals(points.map((p) => p.t), points.map((p) => p.on), ctx.axis.durationSeconds, ctx.axis.bucketSeconds);
}

/** The revision's Ready pods at `t` from pods.csv (events at `t` included); the next evaluation's ready_pods without it. */
function readyAt(r: RevisionData, t: number): number {
  if (r.pods.time.length === 0) {
    const i = r.decisions.time.findIndex((x) => x >= t);
    return i < 0 ? 0 : r.decisions.readyPods[i]!;
  }
  const { ready } = podDeltas(r);
  let n = 0;
  for (let i = 0; i < r.pods.time.length && r.pods.time[i]! <= t; i++) n += ready[i]!;
  return n;
}

/** SKS Proxy periods from the per-second samples. */
export function proxyIntervals(ctx: ChartContext, r: RevisionData): ReturnType<typeof intervals> {
  const t = r.timeseries.time;
  const end = t.length > 0 ? Math.min(ctx.axis.durationSeconds, t[t.length - 1]! + 1) : ctx.axis.durationSeconds;
  return intervals(t, r.timeseries.proxy, end, ctx.axis.bucketSeconds);
}

const known = (v: number): number => (v >= 0 ? v : Number.NaN);

/** The count a pods.csv event puts its pod in; events not listed leave the pod where it was. */
const STATE: Record<string, 'ready' | 'notReady' | 'terminating' | 'gone'> = {
  Ready: 'ready',
  Pending: 'notReady',
  Starting: 'notReady',
  ImagePullBackOff: 'notReady',
  // A readiness failure or a crash takes the pod out of the endpoints until it is Ready again.
  NotReady: 'notReady',
  CrashLoopBackOff: 'notReady',
  Terminating: 'terminating',
  Gone: 'gone',
};

/**
 * How each pods.csv row of a revision changes its Ready, not-yet-ready (Pending, Starting,
 * NotReady, crash-looping) and Terminating counts: one delta per row, in row (time) order.
 */
export function podDeltas(r: RevisionData): { ready: number[]; notReady: number[]; terminating: number[] } {
  const e = r.pods;
  const out = { ready: [] as number[], notReady: [] as number[], terminating: [] as number[] };
  const state = new Map<string, 'ready' | 'notReady' | 'terminating'>();
  for (let i = 0; i < e.time.length; i++) {
    const pod = e.pod[i]!;
    const was = state.get(pod);
    const now = STATE[e.event[i]!];
    const d = { ready: 0, notReady: 0, terminating: 0 };
    if (now !== undefined && now !== was) {
      if (was !== undefined) d[was]--;
      if (now === 'gone') state.delete(pod);
      else {
        d[now]++;
        state.set(pod, now);
      }
    }
    out.ready.push(d.ready);
    out.notReady.push(d.notReady);
    out.terminating.push(d.terminating);
  }
  return out;
}

/**
 * Ready, not-yet-ready and Terminating pod counts from pods.csv, each the most held in a
 * bucket: the Ready step lands in the second pods.csv says, not at the next whole-second sample.
 */
export function podLevels(axis: TimeAxis, r: RevisionData): { ready: Float64Array; notReady: Float64Array; terminating: Float64Array } {
  const t = r.pods.time;
  const { ready, notReady, terminating } = podDeltas(r);
  return { ready: levelMax(axis, t, ready), notReady: levelMax(axis, t, notReady), terminating: levelMax(axis, t, terminating) };
}

/**
 * Which period kinds some shown panel has. The panels share one legend: a kind no panel has gets
 * no legend entry and no sentence sending the reader to look for its shading.
 */
export function shownPeriods(ctx: ChartContext, revs: readonly RevisionData[]): { panic: boolean; proxy: boolean } {
  return { panic: revs.some((r) => panicIntervals(ctx, r).length > 0), proxy: revs.some((r) => proxyIntervals(ctx, r).length > 0) };
}

function panel(ctx: ChartContext, r: RevisionData, i: number, periods: { panic: boolean; proxy: boolean }): Spec {
  const { axis } = ctx;
  const ts = r.timeseries;
  // The decider reports -1 while it has no metric data yet: no decision, not a scale.
  const desired = bucketStep(axis, r.decisions.time, r.decisions.desired.map(known));
  const want = bucketStep(axis, r.decisions.time, r.decisions.want.map(known));
  // From pods.csv when the run has it (exact times); else the whole-second samples.
  const { ready, notReady, terminating } = ctx.run.files.pods
    ? podLevels(axis, r)
    : {
        ready: bucketMax(axis, ts.time, ts.ready),
        notReady: bucketMax(axis, ts.time, ts.pending.map((p, i) => p + ts.starting[i]!)),
        terminating: bucketMax(axis, ts.time, ts.terminating),
      };
  const values: Spec[] = [];
  for (let b = 0; b < axis.buckets; b++) {
    const row: Spec = { t: xOf(axis, b) };
    let any = false;
    for (const [k, arr] of [['d', desired], ['w', want], ['r', ready], ['s', notReady], ['x', terminating]] as const) {
      const v = val(arr[b]!, 0);
      if (v !== null) {
        row[k] = v;
        any = true;
      }
    }
    if (any) values.push(row);
  }
  const keys = Object.keys(LABELS);
  return {
    title: revisionTitle(ctx, r),
    width: WIDTH,
    height: 220,
    layer: [
      ...periodLayers(axis, periods.panic ? panicIntervals(ctx, r) : undefined, periods.proxy ? proxyIntervals(ctx, r) : undefined, autoscalerDownIntervals(ctx, r)),
      {
        data: { values: heldToEnd(axis, values) },
        // Folded in drawing order: vega draws the lines in the order their keys first appear.
        transform: [{ fold: DRAW.map((l) => l.key), as: ['k', 'v'] }],
        name: `data_pods_${i}`,
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: { expr: widthExpr('datum.k') } },
        encoding: {
          x: xEncoding(axis),
          y: { field: 'v', type: 'quantitative', title: 'pods (count)', scale: headroomScale([desired, want, ready, notReady, terminating].flatMap((a) => [...a])), axis: { tickMinStep: 1, format: 'd' } },
          stroke: {
            field: 'k',
            type: 'nominal',
            scale: { domain: keys, range: [COLORS.ready, COLORS.starting, COLORS.terminating, COLORS.desired, COLORS.want] },
            legend: podsLegend(ctx),
          },
          strokeDash: {
            field: 'k',
            type: 'nominal',
            scale: { domain: keys, range: [[1, 0], [1, 0], [1, 0], [6, 3], [2, 2]] },
            legend: podsLegend(ctx),
          },
        },
      },
    ],
  };
}

/** The lines' legend, each symbol as wide as its line (one legend for stroke and dash). */
function podsLegend(ctx: ChartContext): Spec {
  return keyedLegend('pods (count)', labels(ctx), {
    symbolType: 'stroke',
    encoding: { symbols: { strokeWidth: { value: { expr: widthExpr('datum.value') } } } },
  });
}

export function podsChart(ctx: ChartContext): Chart | undefined {
  const revs = ctx.run.revisions.filter((r) => r.timeseries.time.length > 0 || r.decisions.time.length > 0);
  if (revs.length === 0) return undefined;
  const { shown, note } = busiest(ctx.run, revs, (r) => [r], 'revisions');
  const periods = shownPeriods(ctx, shown);
  return {
    id: 'pods',
    heading: 'Pods over time',
    explanation:
      `The decider’s desired scale (dashed) and the KPA’s want (dotted) against the pods Ready, ${notReadySentence(ctx, shown)} and terminating; ${periodsSentence(periods)}. Each line is drawn over wider ones, so a line that holds the same count as another shows on both sides of it; desired and want, as thin as each other, show in each other’s gaps.` +
      (ctx.run.summary.autoscalerDown === undefined
        ? ''
        : ' Grey shading marks when Knative’s autoscaler was down (restarting): no decider ran and nothing scaled the KPA’s revisions, so desired and want hold their last values; the restarted process starts each decider anew, in panic (holding the ready pods) where more than one pod is ready.'),
    spec: topLevel(
      'Pods over time',
      // One sentence says what a step shows: the aggregation note would say the per-bucket maximum again.
      withLines(`Desired and want are step functions set at each decider evaluation; pod counts come from the pod transitions (pods.csv).\nEach ${bucketLabel(ctx.axis)} step shows the most of each line: pods held, desired and want set in it.`, note),
      stack(shown.map((r, i) => panel(ctx, r, i, periods))),
    ),
  };
}

/**
 * What the blue line counts, in the caption: pods not yet Ready. It said "actually starting",
 * while in capacity-planning 5 of the 6 at 22.43 h were Pending, waiting for room on a node.
 */
function notReadySentence(ctx: ChartContext, shown: readonly RevisionData[]): string {
  const crashes = labels(ctx).s === NOT_READY;
  const waited = shown.some((r) => r.pods.event.some((e) => e === 'Unschedulable'));
  const what = crashes ? 'pending, starting or crash-looping' : 'Pending or starting';
  return `not Ready (${what}${waited ? '; Pending includes pods waiting for room on a node' : ''})`;
}

/** The shading the panels have, and what they never show. */
function periodsSentence(p: { panic: boolean; proxy: boolean }): string {
  const panic = 'red shading marks panic mode';
  const proxy = 'the purple strip along the top marks periods when the SKS put the activator in the request path (Proxy mode)';
  if (p.panic && p.proxy) return `${panic} and ${proxy}`;
  if (p.panic) return `${panic} (the SKS never put the activator in the request path: no Proxy mode, so no purple strip)`;
  if (p.proxy) return `${proxy} (no revision shown ever panicked: no red shading)`;
  return 'no revision shown ever panicked or had the activator put in its request path by the SKS (Proxy mode), so no period is shaded';
}
