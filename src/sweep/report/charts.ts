/**
 * Vega-Lite specs of the sweep and tuner reports (plain objects; rendered by
 * ../report/render.js). Every chart shows means with their intervals: 95 % from 5 replications on,
 * and with 2–4 the range of the replications for every metric but the rates; the words say which.
 */
import type { TopLevelSpec } from 'vega-lite';
import { axisLabel, type Axis } from '../axes.js';
import { HEATMAP_METRICS, LINE_CHART_METRICS, METRICS, type MetricKey } from '../../output/metrics.js';
import type { PointResult, SeedMode } from '../sweep.js';
import type { ExploredPoint, PointStatus } from '../tune.js';
import { isRangeInterval, RANGE_INTERVAL_BELOW } from '../stats.js';
import { fittedTicks, sweptTicks } from './ticks.js';

type Spec = Record<string, unknown>;

export interface SweepChart {
  /** File stem: charts/<id>.vl.json, .svg, .png. */
  id: string;
  heading: string;
  /** One or two sentences on how to read it. */
  explanation: string;
  spec: TopLevelSpec;
}

/**
 * Without a canvas (charts/*.svg and .png), vega estimates a label's width as 0.8 em a character,
 * about half again its width in DejaVu Sans: a 420-pixel limit cut the tuner's 49-character
 * "screening only (…, not compared)" to "not compar…". 600 pixels hold 68 such characters.
 */
const LABEL_LIMIT = 600;

const CONFIG: Spec = {
  view: { stroke: '#cccccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#ececec' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: LABEL_LIMIT, titleLimit: LABEL_LIMIT },
  title: { fontSize: 16, subtitleFontSize: 12, subtitleColor: '#555555', anchor: 'start', offset: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
};

function topLevel(title: string, subtitle: string | string[], body: Spec): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    background: 'white',
    padding: 12,
    config: CONFIG,
    ...body,
  } as unknown as TopLevelSpec;
}

// ---------------------------------------------------------------- axes as chart scales

const DURATION = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** How an axis is drawn: numbers (or durations, in seconds) on a linear scale, anything else as ordered categories. */
export interface AxisScale {
  field: string;
  title: string;
  quantitative: boolean;
  /** The plotted value of each axis value. */
  value(v: string): number | string;
  /** A value as a category (heatmap cells): durations in seconds, like the title says. */
  text(v: string): string;
  /** The categories in the order given on the command line. */
  order: string[];
}

export function axisScale(axis: Axis, i: number): AxisScale {
  const label = axisLabel(axis);
  const numeric = axis.values.every((v) => /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v));
  const durations = !numeric && axis.values.every((v) => DURATION.test(v));
  const seconds = (v: string): number => {
    const m = DURATION.exec(v)!;
    return Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  };
  const text = durations ? (v: string): string => String(seconds(v)) : (v: string): string => v;
  return {
    field: `a${i}`,
    title: durations ? `${label} (s)` : label,
    quantitative: numeric || durations,
    value: numeric ? (v) => Number(v) : durations ? seconds : (v) => v,
    text,
    order: axis.values.map(text),
  };
}

/**
 * Pixels left free inside each end of a plot's scales: the dots at the first and last values,
 * at a flat line's 1 pod or 0 %, and the tuner's winner (the cheapest, at the objective's low
 * end) sat on the plot's edge, half over its frame, a whisker there hidden under the axis line.
 * 12 pixels hold the tuner's winner dot (size 180).
 */
const EDGE_PADDING = 12;

/** Width of a line panel of a one-axis sweep. */
const LINE_PANEL_WIDTH = 330;

/**
 * A swept setting's axis, `length` pixels long (ignored for categories).
 * A setting of whole numbers has no value between them (containerConcurrency 1..6: no 1.2, 1.4
 * ticks), nor between its grid's steps: stable-window 10s..120s:10s ticks every 10 s at most, not
 * every 5 s, whose 24 labels on a 620-pixel axis ran into each other ("115120"). The ticks are
 * chosen so that each keeps its label: vega hid four labels of 100,000..900,000 on a line panel.
 * No nice domain: the padding alone makes room, and the ticks stay within the values swept.
 */
function xyEncoding(s: AxisScale, many = false, length = LINE_PANEL_WIDTH, vertical = false): Spec {
  if (!s.quantitative) return { field: s.field, type: 'ordinal', title: s.title, sort: s.order, axis: many ? { labelAngle: -45 } : { labelAngle: 0 } };
  const whole = s.order.every((v) => Number.isInteger(Number(v)));
  const ticks = sweptTicks(s.order.map(Number), length, { integer: whole, vertical, padding: EDGE_PADDING });
  return { field: s.field, type: 'quantitative', title: s.title, scale: { zero: false, nice: false, padding: EDGE_PADDING }, axis: { values: ticks.values, format: ticks.format } };
}

/** "target=10, stable-window=30s". */
export function pointLabel(axes: readonly Axis[], values: readonly string[]): string {
  return axes.map((a, i) => `${axisLabel(a)}=${values[i]}`).join(', ');
}

function pointRow(axes: readonly Axis[], scales: readonly AxisScale[], p: PointResult): Spec {
  const row: Spec = { point: p.point, label: pointLabel(axes, p.values) };
  scales.forEach((s, i) => (row[s.field] = s.value(p.values[i]!)));
  return row;
}

const isFraction = (k: MetricKey): boolean => METRICS[k].unit === 'fraction';
/** Pods and nodes: a run's value is a whole number, so its axis has nothing to mark between them. */
const isCount = (k: MetricKey): boolean => METRICS[k].integer === true;
/** A value as text (cells, tooltips): significant digits, so small rates do not read "0%". */
const fmt = (k: MetricKey, digits = 3): string => (isFraction(k) ? `.${digits}~p` : `.${digits + 1}~r`);
/**
 * Axis and legend ticks: with no precision given, vega takes it from the tick step, so
 * ticks 0.01 % apart read 0.01 %, 0.02 %, … and never all "0%". A count ticks whole numbers
 * only (a panel of 1-pod means ticked 0.2, 0.4, … pods).
 */
const tickAxis = (k: MetricKey): Spec => (isFraction(k) ? { format: '~%' } : isCount(k) ? { tickMinStep: 1, format: ',d' } : {});
/** The title of an axis of means: the unit ends it, as on every other axis ("mean pod-seconds (s)"). */
const meanTitle = (k: MetricKey): string => `mean ${METRICS[k].title}`;
const tip = (k: MetricKey, field: string, title: string): Spec => ({ field, title, format: fmt(k, 5) });
/** Whether a metric's interval over n replications is their range (the bootstrap below 5), not a 95 % interval. */
export const isRange = (k: MetricKey, n: number): boolean => isRangeInterval(METRICS[k].kind, n);
const meanTips = (k: MetricKey, n: number): Spec[] => {
  // One replication has no interval: its tooltip rows would read "null".
  if (n < 2) return [tip(k, 'mean', `${METRICS[k].title}, mean`)];
  const [lo, hi] = isRange(k, n) ? ['lowest replication', 'highest replication'] : ['95 % low', '95 % high'];
  return [tip(k, 'mean', `${METRICS[k].title}, mean`), tip(k, 'lo', lo), tip(k, 'hi', hi)];
};

/** What hovering a heatmap cell shows besides its mean. */
const heatmapTip = (k: MetricKey, n: number): string =>
  n < 2 ? 'its value; one replication per point has no interval' : isRange(k, n) ? `the range of the ${n} replications` : 'the 95 % interval';

/** How a chart subtitle names the interval of n replications. */
const intervalName = (n: number): string =>
  n < 2
    ? 'no interval (one replication per point; an interval needs at least 2)'
    : n < RANGE_INTERVAL_BELOW
    ? `interval: Wilson 95 % for rates; for latencies, pods and pod-seconds the range of the ${n} replications (not 95 %)`
    : '95 % interval: Wilson for rates, bootstrap for latencies, pods and pod-seconds';

/** The line panels' words for their band or error bar over n replications. */
const bandWords = (n: number, mark: string): string =>
  n < 2
    ? `no ${mark}: with one replication per point there is no interval (it needs at least 2)`
    : n < RANGE_INTERVAL_BELOW
    ? `an interval (${mark}: the 95 % Wilson score interval for rates, which stays within 0–100 %; for latencies, pods and pod-seconds the range of the ${n} replications, which covers the mean less often than 95 %)`
    : `its 95 % confidence interval (${mark}: Wilson score interval for rates, which stays within 0–100 %; bootstrap for latencies, pods and pod-seconds, which stays within the values the replications gave)`;

// ---------------------------------------------------------------- one axis: lines with CI bands

/**
 * The scale of a metric's axis over the values it plots (means and interval ends).
 * All one value v: a one-value domain has no tick step, so vega would print its tick with six
 * decimals ("1.000000"); it shows 0..v instead (0..1 when v is 0: a flat line at 0 % or 0 pods).
 * A count's domain runs from a whole number to a whole number: over less than one (means of
 * 1.2..1.8 pods) even a single tick step is under 1, and vega ticked 1.5.
 */
function metricScale(k: MetricKey, values: ReadonlyArray<number | null>): Spec {
  // Points without the metric (no 200s: NaN) are not drawn, so they do not count.
  const all = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (all.length === 0) return { zero: false };
  const lo = all.reduce((a, b) => Math.min(a, b));
  const hi = all.reduce((a, b) => Math.max(a, b));
  if (lo === hi) return flatDomain(hi);
  return isCount(k) ? { zero: false, domain: [Math.floor(lo), Math.ceil(hi)], nice: true } : { zero: false };
}

/** The domain that shows one value v against zero (0..1 when v is 0). */
function flatDomain(v: number): Spec {
  return { domain: v === 0 ? [0, 1] : [Math.min(0, v), Math.max(0, v)] };
}

function linesChart(axes: readonly Axis[], points: readonly PointResult[], seeds: SeedMode): SweepChart {
  const n = points[0]!.replications;
  const s = axisScale(axes[0]!, 0);
  // One point: a numeric x of one value has no tick step (vega printed "30.000000") and a band
  // over one x has no width (the interval did not show): a category, with the interval as an error bar.
  const single = points.length === 1;
  // Values that are not numbers (true/false, class names) are categories: nothing lies between
  // two of them, so no line or band joins them (a line from true to false read as a trend).
  const categories = single || !s.quantitative;
  const x = single ? xyEncoding({ ...s, quantitative: false }) : xyEncoding(s, points.length > 12);
  // A metric no point has (latencies when no request got a 200) gets no panel: an empty one makes vega warn.
  // The rates are of answered requests: the unanswered share gets a panel where it matters (see manyUnanswered).
  const charted: readonly MetricKey[] = points.some((p) => p.metrics.unanswered_rate.mean >= 0.01) ? [...LINE_CHART_METRICS, 'unanswered_rate'] : LINE_CHART_METRICS;
  const panels = charted.filter((k) => points.some((p) => Number.isFinite(p.metrics[k].mean))).map((k) => {
    const values = points.map((p) => ({ ...pointRow(axes, [s], p), mean: p.metrics[k].mean, lo: p.metrics[k].lo, hi: p.metrics[k].hi }));
    // Nothing the y axis draws reaches above the plot, so every panel's title (placed above all
    // its panel draws) is at the same height as its neighbour's: the y title starts at the plot's
    // top and runs down (centred, "max ready pods (count)" stuck out above a 150-pixel plot), and
    // a label on the plot's top edge is drawn below it (a 2 % tick there raised its title 6 pixels).
    const axis = { ...tickAxis(k), titleAnchor: 'end', labelFlush: true };
    const y = { field: 'mean', type: 'quantitative', title: METRICS[k].title, scale: { ...metricScale(k, values.flatMap((v) => [v.mean, v.lo, v.hi])), padding: EDGE_PADDING }, axis };
    return {
      // Centred on the plot, not on the plot and its axes (whose labels differ in width).
      title: { text: METRICS[k].label, fontSize: 13, anchor: 'middle', frame: 'group' },
      width: LINE_PANEL_WIDTH,
      height: 150,
      data: { values },
      layer: [
        // No band without intervals (one replication): an empty layer makes vega warn.
        ...(values.some((v) => v.lo !== null && v.hi !== null && Number.isFinite(v.lo) && Number.isFinite(v.hi))
          ? [
              {
                transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
                mark: categories ? { type: 'errorbar', color: '#4c78a8', ticks: { size: 14 } } : { type: 'errorband', color: '#4c78a8', opacity: 0.25 },
                encoding: { x, y: { field: 'lo', type: 'quantitative', title: METRICS[k].title, axis }, y2: { field: 'hi' } },
              },
            ]
          : []),
        {
          mark: categories ? { type: 'point', color: '#4c78a8', filled: true, opacity: 1 } : { type: 'line', color: '#4c78a8', point: true },
          encoding: { x, y, tooltip: [{ field: 'label' }, ...meanTips(k, n)] },
        },
      ],
    };
  });
  return {
    id: 'lines',
    heading: `Metrics against ${s.title}`,
    explanation: categories
      ? `One panel per metric: the mean over replications (dot) and ${bandWords(n, 'error bar')}.${single ? '' : ` The values of ${s.title} are categories, not points on a scale, so no line joins them.`}`
      : `One panel per metric: the mean over replications (line and dots) and ${bandWords(n, 'band')}. ${
          // Only common random numbers make the points' differences free of the replications' noise.
          // Without bands (one replication) there is no width to compare a line's shape with.
          n < 2
            ? seeds === 'common'
              ? 'Every point used the same random numbers.'
              : 'Every point ran with seeds of its own (--seeds independent), so the differences between points carry run-to-run noise too.'
            : seeds === 'common'
              ? 'Replication r of every point used the same random numbers, so the shape of a line is more certain than the width of its band suggests.'
              : 'Every point ran with seeds of its own (--seeds independent), so the differences between points carry the replications’ noise too: a wiggle narrower than the bands may be noise.'
        }`,
    spec: topLevel(`Sweep: metrics against ${s.title}`, `Mean over replications with its ${intervalName(n)}.`, { concat: panels, columns: 2 }),
  };
}

// ---------------------------------------------------------------- two axes: heatmaps

/** Most values of an axis drawn at a cell size that fits its labels (sweep heatmaps, the tuner's search space). */
export const MAX_SPACE_CELLS = 60;

/**
 * When every cell has the same mean, a colour domain of that one value paints them all the
 * scheme's middle colour (0 % errors in alarming red): the domain runs from 0 instead (0..1
 * when they are all 0), so equal cells read as what they are next to zero.
 */
function flatColorDomain(lo: number, hi: number): Spec {
  return lo !== hi ? {} : flatDomain(hi);
}

/**
 * Significant digits of a heatmap's cell numbers: 3, or more (up to 6) until the lowest and the
 * highest mean read differently. The colours run from the lowest mean to the highest however
 * close they are, so cells 0.001 points apart are the scale's two ends and must not both read 1.97 %.
 */
export function cellDigits(k: MetricKey, lo: number, hi: number): number {
  const text = (v: number, d: number): number => Number((isFraction(k) ? v * 100 : v).toPrecision(isFraction(k) ? d : d + 1));
  let d = 3;
  while (d < 6 && lo !== hi && text(lo, d) === text(hi, d)) d++;
  return d;
}

/** Pixels a heatmap cell's 10-pixel text takes per character at most (DejaVu Sans digits; its text has no m or w). */
const CELL_CHAR_PX = 6.4;

/**
 * Why a cell has no mean: words for its tooltip, and what its cell says in `width` pixels.
 * A latency has no mean when some run got no 200 (stats.ts boundedCI), not only when all did:
 * such a cell says in how many runs, as the points table does, or only "–" where that does not fit.
 */
export function noMeanText(k: MetricKey, none: number | undefined, runs: number, width: number): { tip: string; text: string | string[] } {
  if (METRICS[k].unit !== 'ms') return { tip: 'no value', text: '–' };
  if (none === undefined || none <= 0 || none >= runs) return { tip: runs > 1 && none === runs ? `no 200s in any of the ${runs} runs` : 'no 200s', text: 'no 200s' };
  const fits = (lines: string[]): boolean => lines.every((l) => l.length * CELL_CHAR_PX <= width - 6);
  const text = [['no 200s', `in ${none} of ${runs} runs`], ['no 200s', `in ${none} of ${runs}`]].find(fits) ?? '–';
  return { tip: `no 200s in ${none} of ${runs} runs, which leaves no mean`, text };
}

function heatmapChart(axes: readonly Axis[], points: readonly PointResult[], k: MetricKey, scheme: string, without200?: ReadonlyMap<number, number>): SweepChart {
  const sx = axisScale(axes[0]!, 0);
  const sy = axisScale(axes[1]!, 1);
  const longest = Math.max(sx.order.length, sy.order.length);
  const many = longest > 12;
  const cell = Math.max(22, Math.min(70, Math.floor(560 / longest)));
  // Past MAX_SPACE_CELLS values, an axis is 560 pixels long with thinner cells and labels thinned out
  // (at 22 pixels a cell, 1,000 values made a chart 22,000 pixels wide).
  const side = (n: number): number => (n > MAX_SPACE_CELLS ? 560 : cell * n);
  const cellWidth = side(sx.order.length) / sx.order.length;
  // Heatmap cells are categories even for numeric axes: one cell per grid value.
  const values = points.map((p) => {
    const missing = Number.isFinite(p.metrics[k].mean) ? undefined : noMeanText(k, without200?.get(p.point), p.replications, cellWidth);
    return { ...pointRow(axes, [sx, sy], p), x: sx.text(p.values[0]!), y: sy.text(p.values[1]!), mean: p.metrics[k].mean, lo: p.metrics[k].lo, hi: p.metrics[k].hi, why: missing?.tip, whyText: missing?.text };
  });
  // Only points that have the metric: a latency of a point with no 200s is NaN, which made lo, hi and
  // the white-text threshold NaN (black text on the darkest cells).
  const means = values.map((v) => v.mean).filter((m) => Number.isFinite(m));
  const lo = Math.min(...means);
  const hi = Math.max(...means);
  // White text on the darker half of the colour domain (see flatColorDomain when all are equal).
  const mid = lo !== hi ? lo + (hi - lo) / 2 : hi === 0 ? 0.5 : hi / 2;
  const digits = cellDigits(k, lo, hi);
  const label = METRICS[k].label;
  const thin = (n: number): Spec => (n > MAX_SPACE_CELLS ? { labelOverlap: true, ticks: false } : {});
  // The order as the scale's domain, not as a sort list: vega-lite turns a sort list into one nested
  // expression per value, which overflowed the stack at 1,000 values.
  const x = { field: 'x', type: 'ordinal', title: sx.title, scale: { domain: sx.order }, axis: { labelAngle: many ? -45 : 0, ...thin(sx.order.length) } };
  const y = { field: 'y', type: 'ordinal', title: sy.title, scale: { domain: [...sy.order].reverse() }, axis: thin(sy.order.length) };
  const tooltip = [{ field: 'label' }, ...meanTips(k, points[0]!.replications)];
  const layers: Spec[] = [
    {
      mark: { type: 'rect' },
      encoding: {
        x,
        y,
        color: {
          field: 'mean',
          type: 'quantitative',
          title: METRICS[k].title,
          scale: { scheme, ...flatColorDomain(lo, hi) },
          // Precision from the tick step, as the line panels' axes: a fixed 3 digits read the same
          // (1.97 %) at every tick of a scale from 1.9669 % to 1.968 %.
          legend: isFraction(k) ? tickAxis(k) : {},
        },
        tooltip,
      },
    },
  ];
  if (!many) {
    layers.push({
      transform: [{ filter: 'isValid(datum.mean)' }],
      mark: { type: 'text', fontSize: 10 },
      encoding: {
        x,
        y,
        text: { field: 'mean', type: 'quantitative', format: fmt(k, digits) },
        color: { condition: { test: `datum.mean > ${mid}`, value: 'white' }, value: 'black' },
        // The number lies over its cell and takes the pointer: it shows the cell's tooltip too.
        tooltip,
      },
    });
  }
  // A cell without the metric (a latency where some run got no 200) is left blank, and says why rather
  // than "null": the colour layer draws no rect there, so a blank one carries the tooltip.
  if (values.some((v) => !Number.isFinite(v.mean))) {
    const why = [{ field: 'label' }, { field: 'why', title: METRICS[k].title }];
    layers.push(
      { transform: [{ filter: '!isValid(datum.mean)' }], mark: { type: 'rect', fill: 'white' }, encoding: { x, y, tooltip: why } },
      {
        transform: [{ filter: '!isValid(datum.mean)' }],
        mark: { type: 'text', fontSize: 10, lineHeight: 12, color: '#555555' },
        encoding: { x, y, text: { field: 'whyText' }, tooltip: why },
      },
    );
  }
  return {
    id: `heatmap-${k.replace(/_/g, '-')}`,
    heading: `${label} over ${sx.title} × ${sy.title}`,
    explanation: `Each cell is one grid point, coloured by the mean ${label} over the replications (hover for ${heatmapTip(k, points[0]!.replications)}).`,
    spec: topLevel(`Sweep: ${label}`, `Mean over replications at each (${sx.title}, ${sy.title}).`, {
      data: { values },
      width: side(sx.order.length),
      height: side(sy.order.length),
      layer: layers,
    }),
  };
}

// ---------------------------------------------------------------- cost vs p99: Pareto

/** Points not dominated in (pod-seconds, p99) means: nothing is at least as cheap and as fast and better in one. */
export function paretoFront(points: readonly PointResult[], cost: MetricKey = 'pod_seconds', lat: MetricKey = 'p99_ms'): Set<number> {
  const front = new Set<number>();
  for (const p of points) {
    const c = p.metrics[cost].mean;
    const l = p.metrics[lat].mean;
    // A point without a p99 (no 200s) is not on the chart: with NaN no comparison held, so it was never dominated.
    if (!Number.isFinite(c) || !Number.isFinite(l)) continue;
    const dominated = points.some((q) => q !== p && q.metrics[cost].mean <= c && q.metrics[lat].mean <= l && (q.metrics[cost].mean < c || q.metrics[lat].mean < l));
    if (!dominated) front.add(p.point);
  }
  return front;
}

const PARETO_WIDTH = 620;

/**
 * A horizontal metric axis whose every tick keeps its label (see ./ticks.ts), over the values it
 * plots (means and interval ends; a point without the metric is not drawn, so it does not count).
 */
function fittedX(k: MetricKey, plotted: ReadonlyArray<number | null>, width: number): Spec {
  const all = plotted.filter((v): v is number => v !== null && Number.isFinite(v));
  if (all.length === 0) return { scale: { zero: false, padding: EDGE_PADDING } };
  // reduce, not Math.min(...all): a sweep of a million points would overflow the call stack.
  const t = fittedTicks(all.reduce((a, b) => Math.min(a, b)), all.reduce((a, b) => Math.max(a, b)), width, { integer: isCount(k), percent: isFraction(k), padding: EDGE_PADDING });
  return { scale: { domain: t.domain, nice: false, zero: false, padding: EDGE_PADDING }, axis: { values: t.values, format: t.format } };
}

function paretoChart(axes: readonly Axis[], points: readonly PointResult[]): SweepChart {
  const scales = axes.map(axisScale);
  const front = paretoFront(points);
  const values = points.map((p) => ({
    ...pointRow(axes, scales, p),
    cost: p.metrics.pod_seconds.mean,
    costLo: p.metrics.pod_seconds.lo,
    costHi: p.metrics.pod_seconds.hi,
    p99: p.metrics.p99_ms.mean,
    p99Lo: p.metrics.p99_ms.lo,
    p99Hi: p.metrics.p99_ms.hi,
    errors: p.metrics.error_rate.mean,
    front: front.has(p.point) ? 'Pareto front' : 'dominated',
  }));
  const x = { field: 'cost', type: 'quantitative', title: meanTitle('pod_seconds'), ...fittedX('pod_seconds', values.flatMap((v) => (Number.isFinite(v.p99) ? [v.cost, v.costLo, v.costHi] : [])), PARETO_WIDTH) };
  // One p99 (a single point, or all equal) is shown against zero: a one-value domain ticked "2,059.263000".
  const plotted = values.filter((v) => Number.isFinite(v.cost) && Number.isFinite(v.p99));
  const y = { field: 'p99', type: 'quantitative', title: meanTitle('p99_ms'), scale: { ...metricScale('p99_ms', plotted.flatMap((v) => [v.p99, v.p99Lo, v.p99Hi])), padding: EDGE_PADDING } };
  const color = { field: 'front', type: 'nominal', title: null, scale: { domain: ['Pareto front', 'dominated'], range: ['#e45756', '#9aa7b8'] } };
  const valid = (a: string, b: string): Spec => ({ filter: `isValid(datum.${a}) && isValid(datum.${b})` });
  // Front points at the same means (grid values the runs did not react to) get one label, a line
  // each: drawn one per point, their names overprinted each other into an unreadable smear.
  const spots = new Map<string, { cost: number; p99: number; lines: string[] }>();
  for (const p of points) {
    if (!front.has(p.point)) continue;
    const [cost, p99] = [p.metrics.pod_seconds.mean, p.metrics.p99_ms.mean];
    const spot = spots.get(`${cost} ${p99}`);
    if (spot) spot.lines.push(pointLabel(axes, p.values));
    else spots.set(`${cost} ${p99}`, { cost, p99, lines: [pointLabel(axes, p.values)] });
  }
  const labelled = values.filter((v) => v.front === 'Pareto front').length <= 15;
  // No whiskers without intervals (one replication): an empty layer makes vega warn.
  const has = (a: 'p99Lo' | 'costLo', b: 'p99Hi' | 'costHi'): boolean => values.some((v) => v[a] !== null && v[b] !== null && Number.isFinite(v[a]) && Number.isFinite(v[b]) && Number.isFinite(v.cost) && Number.isFinite(v.p99));
  const whiskers = has('p99Lo', 'p99Hi') || has('costLo', 'costHi');
  // A line needs two places: front points that coincide draw none.
  const frontLine = spots.size >= 2;
  // Cost and p99 are bootstrapped: with 2–4 replications their whiskers are the replications' range.
  const n = points[0]!.replications;
  const range = n >= 2 && n < RANGE_INTERVAL_BELOW;
  const layers: Spec[] = [
    ...(has('p99Lo', 'p99Hi') ? [{ transform: [valid('p99Lo', 'p99Hi')], mark: { type: 'rule', opacity: 0.5 }, encoding: { x, y: { field: 'p99Lo', type: 'quantitative' }, y2: { field: 'p99Hi' }, color } }] : []),
    ...(has('costLo', 'costHi') ? [{ transform: [valid('costLo', 'costHi')], mark: { type: 'rule', opacity: 0.5 }, encoding: { y, x: { field: 'costLo', type: 'quantitative' }, x2: { field: 'costHi' }, color } }] : []),
    {
      transform: [{ filter: "datum.front === 'Pareto front'" }],
      mark: { type: 'line', interpolate: 'step-after', color: '#e45756', strokeDash: [4, 3], strokeWidth: 1.2 },
      encoding: { x, y, order: { field: 'cost', type: 'quantitative' } },
    },
    {
      mark: { type: 'point', filled: true, size: 55 },
      encoding: {
        x,
        y,
        color,
        tooltip: [{ field: 'label' }, tip('pod_seconds', 'cost', METRICS.pod_seconds.title), tip('p99_ms', 'p99', METRICS.p99_ms.title), tip('error_rate', 'errors', METRICS.error_rate.title)],
      },
    },
  ];
  if (labelled) {
    layers.push({
      data: { values: [...spots.values()] },
      // vega lays a label's lines downwards from its baseline: raise each by its extra lines
      // (9 px type, 11 px lines) so that every label ends just above its dot.
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 6, dy: { expr: '-2 - 11 * (length(datum.lines) - 1)' }, fontSize: 9, lineHeight: 11, color: '#333333' },
      encoding: { x, y, text: { field: 'lines' } },
    });
  }
  return {
    id: 'pareto',
    heading: 'Cost against p99 latency (Pareto front)',
    explanation: `Every grid point at its mean pod-seconds (cost) and mean p99 latency${whiskers ? (range ? `, with the range of the ${n} replications as whiskers (not a 95 % interval)` : ', with 95 % intervals as whiskers') : ''}. Red points are the Pareto front: no other point is both cheaper and faster.`,
    // Only what is drawn: no whiskers with one replication, no line through a front of one point.
    spec: topLevel('Sweep: cost vs p99 latency', [`Mean pod-seconds and p99 latency per point${frontLine ? '; the red line is the Pareto front' : '; red: the Pareto front'}.`, ...(whiskers ? [range ? `Whiskers: the range of the ${n} replications (not 95 %).` : `Whiskers: ${intervalName(n)}.`] : [])], {
      data: { values },
      width: PARETO_WIDTH,
      height: 380,
      layer: layers,
    }),
  };
}

/**
 * The charts of a sweep: lines with CI bands for one axis, heatmaps for two, and cost vs p99 always.
 * `without200` (report.ts runsWithout200) lets a heatmap cell without a latency say in how many runs there was no 200.
 */
export function sweepCharts(axes: readonly Axis[], points: readonly PointResult[], seeds: SeedMode = 'common', without200?: ReadonlyMap<number, number>): SweepChart[] {
  if (points.length === 0) return [];
  const out: SweepChart[] = [];
  // A metric no point has (latencies when no request got a 200) is not charted: an empty chart makes vega warn.
  const has = (k: MetricKey): boolean => points.some((p) => Number.isFinite(p.metrics[k].mean));
  if (axes.length === 1) out.push(linesChart(axes, points, seeds));
  if (axes.length === 2) for (const [k, scheme] of HEATMAP_METRICS) if (has(k)) out.push(heatmapChart(axes, points, k, scheme, without200));
  if (points.some((p) => Number.isFinite(p.metrics.pod_seconds.mean) && Number.isFinite(p.metrics.p99_ms.mean))) out.push(paretoChart(axes, points));
  return out;
}

// ---------------------------------------------------------------- tuner

const STATUS_ORDER: PointStatus[] = ['winner', 'feasible', 'uncertain', 'infeasible', 'dominated', 'screened'];
const STATUS_COLORS = ['#d62728', '#2ca02c', '#f2b447', '#9aa7b8', '#c5b0d5', '#e7e1dc'];
// The interval is 95 % or, for a bootstrapped metric under 5 replications, their range: the report's lead says which.
const STATUS_LABELS: Record<PointStatus, string> = {
  winner: 'winner',
  feasible: 'meets every SLO (upper end of its interval)',
  uncertain: 'SLO not met with confidence',
  infeasible: 'violates an SLO (lower end of its interval)',
  dominated: 'dropped: costlier than a feasible point',
  screened: 'screening only (fewer replications, not compared)',
};

export interface TuneChartInput {
  axes: readonly Axis[];
  points: readonly ExploredPoint[];
  objective: MetricKey;
  /** The SLO drawn on the y axis: its metric and threshold. */
  slo: { metric: MetricKey; threshold: number; text: string } | undefined;
  /** Grid size, for the subtitle. */
  totalPoints: number;
  /** The points tied with the winner (its objective cannot be told from theirs), as the caveats list them. */
  ties?: readonly number[];
}

const WINNER_OF_TIE = 'winner (of a tie: see Caveats)';
const TIED = 'meets every SLO, tied with the winner';
const TIED_COLOR = '#ff9896';

const EXPLORED_WIDTH = 620;
/** Side of the tuner's plot of a space too large for a cell per value. */
const SPACE_SIDE = 560;

/** Explored points of a tune: objective against the first SLO's metric, and the explored part of the space. */
export function tuneCharts(input: TuneChartInput): SweepChart[] {
  const { axes, points, objective } = input;
  if (points.length === 0) return [];
  const scales = axes.map(axisScale);
  const yMetric = input.slo?.metric ?? 'p99_ms';
  const tied = new Set(input.ties ?? []);
  const values = points.map((p) => ({
    ...pointRow(axes, scales, p),
    objective: p.metrics[objective].mean,
    objLo: p.metrics[objective].lo,
    objHi: p.metrics[objective].hi,
    slo: p.metrics[yMetric].mean,
    sloLo: p.metrics[yMetric].lo,
    sloHi: p.metrics[yMetric].hi,
    replications: p.replications,
    sloInterval: p.replications < 2 ? 'none (one replication)' : isRange(yMetric, p.replications) ? `the range of the ${p.replications} replications` : '95 %',
    status: tied.has(p.point) ? TIED : p.status === 'winner' && tied.size > 0 ? WINNER_OF_TIE : STATUS_LABELS[p.status],
  }));
  // A winner with ties is not the one best point: it says so, and the points it ties with have their own colour.
  const labels = STATUS_ORDER.map((s) => (s === 'winner' && tied.size > 0 ? WINNER_OF_TIE : STATUS_LABELS[s]));
  const colors = [...STATUS_COLORS];
  if (tied.size > 0) {
    labels.splice(1, 0, TIED);
    colors.splice(1, 0, TIED_COLOR);
  }
  const winnerLabel = labels[0]!;
  const color = {
    field: 'status',
    type: 'nominal',
    title: null,
    scale: { domain: labels, range: colors },
  };
  const tooltip = [
    { field: 'label' },
    { field: 'status' },
    { field: 'replications' },
    tip(objective, 'objective', METRICS[objective].title),
    tip(yMetric, 'slo', METRICS[yMetric].title),
    tip(yMetric, 'sloHi', `${METRICS[yMetric].title}, upper end of interval`),
    { field: 'sloInterval', title: `${METRICS[yMetric].title}, interval` },
  ];
  // A screened point (or a tune of 2–4 replications) has the range of its replications for a bootstrapped metric.
  const whiskers = (k: MetricKey): string =>
    points.some((p) => p.replications >= 2 && isRange(k, p.replications))
      ? `whiskers: the 95 % interval, or for a point of fewer than ${RANGE_INTERVAL_BELOW} replications the range of its replications`
      : 'whiskers: 95 % interval';
  const x = { field: 'objective', type: 'quantitative', title: meanTitle(objective), ...fittedX(objective, values.filter((v) => Number.isFinite(v.slo)).map((v) => v.objective), EXPLORED_WIDTH) };
  // The threshold is on the y scale too: the SLO line is drawn whatever the points' values.
  const ys = metricScale(yMetric, [...values.flatMap((v) => [v.slo, v.sloLo, v.sloHi]), ...(input.slo !== undefined ? [input.slo.threshold] : [])]);
  const y = { field: 'slo', type: 'quantitative', title: meanTitle(yMetric), scale: { ...ys, padding: EDGE_PADDING }, axis: tickAxis(yMetric) };
  // Whiskers only where some point has an interval (an empty layer makes vega warn).
  const interval = (lo: number | null, hi: number | null): boolean => lo !== null && hi !== null && Number.isFinite(lo) && Number.isFinite(hi);
  const layers: Spec[] = [
    ...(values.some((v) => interval(v.sloLo, v.sloHi) && Number.isFinite(v.objective))
      ? [{ transform: [{ filter: 'isValid(datum.sloLo) && isValid(datum.sloHi)' }], mark: { type: 'rule', opacity: 0.5 }, encoding: { x, y: { field: 'sloLo', type: 'quantitative' }, y2: { field: 'sloHi' }, color } }]
      : []),
    {
      mark: { type: 'point', filled: true },
      encoding: { x, y, color, size: { condition: { test: `datum.status === '${winnerLabel}'`, value: 180 }, value: 50 }, tooltip },
    },
  ];
  if (input.slo !== undefined) {
    layers.push({ data: { values: [{ t: input.slo.threshold }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#d62728' }, encoding: { y: { field: 't', type: 'quantitative' } } });
  }
  // Nothing to plot when no point has both (every run of every point answered no request with a 200).
  const plotted = values.some((v) => Number.isFinite(v.objective) && Number.isFinite(v.slo));
  const out: SweepChart[] = [];
  if (plotted) out.push(
    {
      id: 'tune-explored',
      heading: `Explored points: ${METRICS[objective].label} against ${METRICS[yMetric].label}`,
      explanation: `Every point the tuner simulated, at its mean objective and mean ${METRICS[yMetric].label} (${whiskers(yMetric)})${input.slo !== undefined ? `; the dashed line is the SLO ${input.slo.text}` : ''}. The winner is the cheapest point whose upper bounds meet every SLO${tied.size > 0 ? `; ${tied.size} other point${tied.size === 1 ? '' : 's'} meeting every SLO tie${tied.size === 1 ? 's' : ''} with it (the runs cannot tell ${tied.size === 1 ? 'its' : 'their'} objective from the winner's)` : ''}.`,
      spec: topLevel('Tuner: explored points', `${points.length} of ${input.totalPoints} grid points simulated.`, { data: { values }, width: EXPLORED_WIDTH, height: 380, layer: layers }),
    },
  );
  if (axes.length === 2) {
    const [sx, sy] = [scales[0]!, scales[1]!];
    const cells = values.map((v, i) => ({ ...v, x: sx.text(points[i]!.values[0]!), y: sy.text(points[i]!.values[1]!) }));
    const longest = Math.max(sx.order.length, sy.order.length);
    const many = longest > 12;
    const grid = longest <= MAX_SPACE_CELLS;
    const cell = Math.max(12, Math.min(60, Math.floor(560 / longest)));
    // Past MAX_SPACE_CELLS values on an axis, a cell per value made a chart thousands of pixels wide
    // (600 × 600 values took 1.1 GB to draw; 1,000 × 1,000 overflowed vega's stack): the explored
    // points are drawn as squares on a 560-pixel plot, numeric axes on a linear scale.
    // The whole range of the axis, so the explored part shows against the space searched.
    const span = (s: AxisScale): number[] => {
      const v = s.order.map(Number);
      return [Math.min(...v), Math.max(...v)];
    };
    const side = (s: AxisScale, field: 'x' | 'y', order: string[]): Spec =>
      !grid && s.quantitative
        ? { ...xyEncoding(s, false, SPACE_SIDE, field === 'y'), field: s.field, scale: { domain: span(s), padding: EDGE_PADDING } }
        : { field, type: 'ordinal', title: s.title, sort: order, scale: { domain: grid ? order : order.filter((v) => cells.some((c) => c[field] === v)) } };
    const xs = side(sx, 'x', sx.order);
    out.push({
      id: 'tune-space',
      heading: `Where the tuner looked: ${sx.title} × ${sy.title}`,
      explanation: grid
        ? 'Each simulated point of the search space, coloured by its verdict; empty cells were never simulated.'
        : 'Each simulated point of the search space, coloured by its verdict; the space has too many values for a cell each, so only simulated points are drawn.',
      spec: topLevel('Tuner: explored part of the search space', `${points.length} of ${input.totalPoints} grid points simulated.`, {
        data: { values: cells },
        width: grid ? cell * sx.order.length : SPACE_SIDE,
        height: grid ? cell * sy.order.length : SPACE_SIDE,
        mark: grid ? { type: 'rect', stroke: 'white' } : { type: 'square', filled: true, size: 40 },
        encoding: {
          x: { ...xs, ...(xs['type'] === 'ordinal' ? { axis: { labelAngle: many ? -45 : 0 } } : {}) },
          y: side(sy, 'y', [...sy.order].reverse()),
          color,
          tooltip,
        },
      }),
    });
  } else if (axes.length === 1) {
    const s = scales[0]!;
    const xe = { ...xyEncoding(s, s.order.length > 12, EXPLORED_WIDTH), ...(s.quantitative ? {} : { scale: { domain: s.order } }) };
    const ye = { field: 'objective', type: 'quantitative', title: meanTitle(objective), scale: { ...metricScale(objective, values.flatMap((v) => [v.objective, v.objLo, v.objHi])), padding: EDGE_PADDING }, axis: tickAxis(objective) };
    out.push({
      id: 'tune-space',
      heading: `Where the tuner looked: ${METRICS[objective].label} against ${s.title}`,
      explanation: `The objective of each simulated value of the parameter, coloured by its verdict (${whiskers(objective)}).`,
      spec: topLevel('Tuner: explored values', `${points.length} of ${input.totalPoints} values simulated.`, {
        data: { values },
        width: EXPLORED_WIDTH,
        height: 300,
        layer: [
          ...(values.some((v) => interval(v.objLo, v.objHi)) ? [{ transform: [{ filter: 'isValid(datum.objLo) && isValid(datum.objHi)' }], mark: { type: 'rule', opacity: 0.5 }, encoding: { x: xe, y: { ...ye, field: 'objLo' }, y2: { field: 'objHi' }, color } }] : []),
          { mark: { type: 'point', filled: true, size: 60 }, encoding: { x: xe, y: ye, color, tooltip } },
        ],
      }),
    });
  }
  return out;
}
