import { HPA_CLASS } from '../../../core/autoscaler/index.js';
import { type Row, breakGaps, bucketMean, val, xAt, xOf } from '../aggregate.js';
import type { RevisionData } from '../load.js';
import { type Chart, type ChartContext, type Spec, COLORS, autoscalerDownIntervals, WIDTH, aggregationNote, keyedLegend, periodLayers, revisionTitle, stack, topLevel, xEncoding, busiest, withLines } from './common.js';
import { panicIntervals, shownPeriods } from './pods.js';

function metricUnit(r: RevisionData): string {
  return r.settings?.metric === 'rps' ? 'requests/s' : 'concurrent requests';
}

function labels(r: RevisionData): Record<string, string> {
  const s = r.settings;
  const sw = s ? ` (${s.stableWindowSeconds} s window)` : '';
  const pw = s ? ` (${s.panicWindowSeconds} s window)` : '';
  const pt = s ? `${s.panicThresholdPercent}% × ` : '';
  return {
    s: `observed, stable${sw}`,
    p: `observed, panic${pw}`,
    c: 'target × ready pods',
    // The decider counts no ready pods as one (upstream's max(1, ready)): at zero the line stays at one pod's.
    h: `panic line (⌈${pt}max(1, ready)⌉−1) × target`,
  };
}

/**
 * The panic value above which the decider panics at an evaluation: it panics when
 * ⌈panic / target⌉ / max(1, ready) ≥ threshold, and since ⌈panic / target⌉ is a whole
 * number that holds exactly when panic > target × (⌈threshold × max(1, ready)⌉ − 1).
 */
export function panicLine(threshold: number, target: number, readyPods: number): number {
  // The tolerance keeps products such as 2 × 3 from rounding up to 7.
  return target * (Math.ceil(threshold * Math.max(1, readyPods) - 1e-9) - 1);
}

function panel(ctx: ChartContext, r: RevisionData, i: number, panicked: boolean): Spec {
  const { axis } = ctx;
  const d = r.decisions;
  const threshold = (r.settings?.panicThresholdPercent ?? 200) / 100;
  // Only valid evaluations carry observed values (the collector had data).
  const t: number[] = [];
  const stable: number[] = [];
  const panic: number[] = [];
  const capacity: number[] = [];
  const thresh: number[] = [];
  for (let i = 0; i < d.time.length; i++) {
    if (d.valid[i] !== 1) continue;
    t.push(d.time[i]!);
    stable.push(d.observedStable[i]!);
    panic.push(d.observedPanic[i]!);
    capacity.push(d.target[i]! * d.readyPods[i]!);
    thresh.push(panicLine(threshold, d.target[i]!, d.readyPods[i]!));
  }
  const keys = ['s', 'p', 'c', 'h'];
  const values: Row[] = [];
  if (axis.bucketSeconds <= 1) {
    // Short runs: every evaluation as is.
    for (let i = 0; i < t.length; i++) {
      values.push({ t: xAt(axis, t[i]!), s: val(stable[i]!, 2), p: val(panic[i]!, 2), c: val(capacity[i]!, 2), h: val(thresh[i]!, 2) });
    }
  } else {
    const [ms, mp, mc, mh] = [stable, panic, capacity, thresh].map((v) => bucketMean(axis, t, v)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let b = 0; b < axis.buckets; b++) {
      if (Number.isNaN(ms[b]!)) continue;
      values.push({ t: xOf(axis, b), s: val(ms[b]!, 2), p: val(mp[b]!, 2), c: val(mc[b]!, 2), h: val(mh[b]!, 2) });
    }
  }
  // When the load is tiny next to the pods' capacity (an idle tail), a linear axis flattens the
  // observed values onto zero: a symlog axis keeps both readable.
  const maxOf = (a: readonly number[]): number => a.reduce((m, v) => (Number.isFinite(v) && v > m ? v : m), 0);
  const observedMax = Math.max(maxOf(stable), maxOf(panic));
  const squeezed = Math.max(maxOf(capacity), maxOf(thresh)) > 8 * Math.max(observedMax, 0.5);
  const top = Math.max(maxOf(capacity), maxOf(thresh));
  const yScale: Spec = squeezed ? { type: 'symlog', constant: Math.max(0.5, observedMax / 4), domain: [0, top * 1.15], nice: false } : {};
  const ticks = [0, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000].filter((v) => v <= top * 1.05);
  // Short enough to fit along the panel's height (a longer rotated title pushes the plot down).
  const yTitle = `load (${metricUnit(r)})`;
  const lab = labels(r);
  const legend = keyedLegend(`KPA input (${metricUnit(r)})`, lab, { symbolType: 'stroke' });
  return {
    title: revisionTitle(ctx, r) + (squeezed ? ' (symlog y axis: small loads stay visible next to the capacity)' : ''),
    width: WIDTH,
    height: 200,
    layer: [
      ...periodLayers(axis, panicked ? panicIntervals(ctx, r) : undefined, undefined, autoscalerDownIntervals(ctx, r)),
      {
        // Evaluations without data (e.g. at zero) leave a gap: ticks are 2 s apart.
        data: { values: breakGaps(values, keys, xAt(axis, Math.max(4.5, 1.5 * axis.bucketSeconds))) },
        transform: [{ fold: keys, as: ['k', 'v'] }],
        name: `data_kpa_${i}`,
        mark: { type: 'line', interpolate: 'linear' },
        encoding: {
          x: xEncoding(axis),
          y: { field: 'v', type: 'quantitative', title: yTitle, scale: yScale, ...(squeezed ? { axis: { values: ticks, format: ',~r' } } : {}) },
          stroke: { field: 'k', type: 'nominal', scale: { domain: keys, range: [COLORS.ok, COLORS.cold, COLORS.ready, COLORS.panic] }, legend },
          strokeDash: { field: 'k', type: 'nominal', scale: { domain: keys, range: [[1, 0], [1, 0], [6, 3], [2, 3]] }, legend },
        },
      },
    ],
  };
}

/**
 * Scrapes through the private Service that got no stat (mesh-compatibility-mode enabled), per
 * revision from summary.json: autoscaler.csv has no record of which seconds, so only the counts.
 * A failed second keeps the activators' stats (the requests they proxied) and loses the pods' count
 * of the rest, which is nothing while every request goes through an activator (Proxy mode).
 */
function failedScrapesNote(ctx: ChartContext): string {
  // A live run (the playground) has no summary yet: nothing to say until it has one.
  const failed = (ctx.run.summary.revisions ?? []).filter((r) => (r.failedScrapes ?? 0) > 0);
  if (failed.length === 0) return '';
  const counts = failed.map((r) => `${ctx.multiService ? `${r.service} / ` : ''}${r.revision} ${r.failedScrapes!.toLocaleString('en-US')}`).join(', ');
  const data = failed.map((f) => ctx.run.revisions.find((r) => r.service === f.service && r.revision === f.revision));
  const proxyThroughout = data.every((r) => r !== undefined && r.timeseries.proxy.length > 0 && r.timeseries.proxy.every((p) => p === 1));
  return (
    ` Scrapes through the private Service that got no stat (mesh-compatibility-mode enabled; in the summary table): ${counts}.` +
    ' Such a second keeps only the activators’ stats, of the requests they proxied: the windows miss the pods’ count of requests that reached them directly (a second with no stat at all counts as zero once a later one is in). The CSVs do not record which seconds these were, so the chart does not mark them.' +
    (proxyThroughout ? ' Here the SKS was in Proxy mode throughout: every request went through an activator, so the failures took nothing from the observed values.' : '')
  );
}

export function kpaChart(ctx: ChartContext): Chart | undefined {
  // The HPA class has no stable or panic window, and its observed value is a utilization, not a
  // load to set against target × ready pods: its revisions are left out and named below.
  const hpa = ctx.run.revisions.filter((r) => r.settings?.class === HPA_CLASS);
  const revs = ctx.run.revisions.filter((r) => r.settings?.class !== HPA_CLASS && r.decisions.valid.some((v) => v === 1));
  if (revs.length === 0) return undefined;
  const { shown, note } = busiest(ctx.run, revs, (r) => [r], 'revisions');
  // Without panic in any panel the legend lists no panic shading, and the text says none happened.
  const panicked = shownPeriods(ctx, shown).panic;
  const hpaNote =
    hpa.length === 0
      ? ''
      : ` Not shown: ${hpa.map((r) => r.revision).join(', ')}, on the HPA class, which has neither window nor panic mode; its decisions are in autoscaler.csv, and its CPU utilization against the pods' requests is in the CPU chart when the run models CPU.`;
  return {
    id: 'kpa',
    heading: 'What the KPA saw',
    explanation:
      'The metric the autoscaler averaged over its stable and panic windows, against the capacity of the ready pods (target × ready pods): the KPA scales up when the observed value rises above that capacity, and panics when the panic-window value rises above the dotted panic line (the decider compares the panic value rounded up to whole pods with the panic threshold × the ready pods, counting no ready pods as one, so the line moves in whole-pod steps and stays at the line of one pod while none is ready). Every line is drawn only at evaluations where the KPA had data (valid = 1 in autoscaler.csv): where the lines break or stop, it had none, as a stable window after the last pod left.' +
      (panicked ? ' Red shading marks panic mode.' : ' No revision shown ever panicked: nothing is shaded red.') +
      (ctx.run.summary.autoscalerDown === undefined
        ? ''
        : ' Grey shading marks when Knative’s autoscaler was down (restarting): nothing was evaluated, and the restarted process began with empty windows, so its first values average only the seconds since.') +
      failedScrapesNote(ctx) +
      hpaNote,
    spec: topLevel(
      'What the KPA saw',
      withLines(`Observed values at each decider evaluation (every 2 s, plus pokes from the activator) compared with target × ready pods.${aggregationNote(ctx.axis, 'mean of the evaluations in each bucket')}`, note),
      stack(shown.map((r, i) => panel(ctx, r, i, panicked))),
    ),
  };
}
