/**
 * Vega-Lite specs of the sweep and tuner reports (plain objects; rendered by
 * ../report/render.js). Every chart shows means with their 95 % confidence intervals.
 */
import type { TopLevelSpec } from 'vega-lite';
import { axisLabel, type Axis } from '../axes.js';
import { HEATMAP_METRICS, LINE_CHART_METRICS, METRICS, type MetricKey } from '../../output/metrics.js';
import type { PointResult } from '../sweep.js';
import type { ExploredPoint, PointStatus } from '../tune.js';

type Spec = Record<string, unknown>;

export interface SweepChart {
  /** File stem: charts/<id>.vl.json, .svg, .png. */
  id: string;
  heading: string;
  /** One or two sentences on how to read it. */
  explanation: string;
  spec: TopLevelSpec;
}

const CONFIG: Spec = {
  view: { stroke: '#cccccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#ececec' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 420 },
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
  /** The category order for ordinal axes (the order given on the command line). */
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
  return {
    field: `a${i}`,
    title: durations ? `${label} (s)` : label,
    quantitative: numeric || durations,
    value: numeric ? (v) => Number(v) : durations ? seconds : (v) => v,
    order: axis.values,
  };
}

function xyEncoding(s: AxisScale, many = false): Spec {
  return s.quantitative
    ? { field: s.field, type: 'quantitative', title: s.title, scale: { zero: false } }
    : { field: s.field, type: 'ordinal', title: s.title, sort: s.order, axis: many ? { labelAngle: -45 } : { labelAngle: 0 } };
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

const fmt = (k: MetricKey): string => (METRICS[k].unit === 'fraction' ? '.3~%' : '.4~r');

// ---------------------------------------------------------------- one axis: lines with CI bands

function linesChart(axes: readonly Axis[], points: readonly PointResult[]): SweepChart {
  const s = axisScale(axes[0]!, 0);
  const x = xyEncoding(s, points.length > 12);
  const panels = LINE_CHART_METRICS.map((k) => {
    const values = points.map((p) => ({ ...pointRow(axes, [s], p), mean: p.metrics[k].mean, lo: p.metrics[k].lo, hi: p.metrics[k].hi }));
    const axis = METRICS[k].unit === 'fraction' ? { format: '.2~%' } : {};
    const y = { field: 'mean', type: 'quantitative', title: null, scale: { zero: false }, axis };
    return {
      title: { text: METRICS[k].label, fontSize: 13, anchor: 'middle' },
      width: 330,
      height: 150,
      data: { values },
      layer: [
        {
          transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
          mark: { type: 'errorband', color: '#4c78a8', opacity: 0.25 },
          encoding: { x, y: { field: 'lo', type: 'quantitative', title: null, axis }, y2: { field: 'hi' } },
        },
        {
          mark: { type: 'line', color: '#4c78a8', point: true },
          encoding: { x, y, tooltip: [{ field: 'label' }, { field: 'mean', format: '.6~g' }, { field: 'lo', format: '.6~g' }, { field: 'hi', format: '.6~g' }] },
        },
      ],
    };
  });
  return {
    id: 'lines',
    heading: `Metrics against ${s.title}`,
    explanation:
      'One panel per metric: the mean over replications (line and dots) and its 95 % confidence interval (band). Replication r of every point used the same random numbers, so the shape of a line is more certain than the width of its band suggests.',
    spec: topLevel(`Sweep: metrics against ${s.title}`, 'Mean over replications with 95 % confidence band (Student t).', { concat: panels, columns: 2 }),
  };
}

// ---------------------------------------------------------------- two axes: heatmaps

function heatmapChart(axes: readonly Axis[], points: readonly PointResult[], k: MetricKey, scheme: string): SweepChart {
  const sx = axisScale(axes[0]!, 0);
  const sy = axisScale(axes[1]!, 1);
  // Heatmap cells are categories even for numeric axes: one cell per grid value.
  const values = points.map((p) => ({ ...pointRow(axes, [sx, sy], p), x: p.values[0], y: p.values[1], mean: p.metrics[k].mean, lo: p.metrics[k].lo, hi: p.metrics[k].hi }));
  const means = values.map((v) => v.mean);
  const lo = Math.min(...means);
  const hi = Math.max(...means);
  const mid = lo + (hi - lo) / 2;
  const label = METRICS[k].label;
  const many = Math.max(sx.order.length, sy.order.length) > 12;
  const cell = Math.max(22, Math.min(70, Math.floor(560 / Math.max(sx.order.length, sy.order.length))));
  const x = { field: 'x', type: 'ordinal', title: sx.title, sort: sx.order, axis: { labelAngle: many ? -45 : 0 } };
  const y = { field: 'y', type: 'ordinal', title: sy.title, sort: [...sy.order].reverse() };
  const layers: Spec[] = [
    {
      mark: { type: 'rect' },
      encoding: {
        x,
        y,
        color: { field: 'mean', type: 'quantitative', title: label, scale: { scheme }, legend: { format: fmt(k) } },
        tooltip: [{ field: 'label' }, { field: 'mean', format: '.6~g' }, { field: 'lo', format: '.6~g' }, { field: 'hi', format: '.6~g' }],
      },
    },
  ];
  if (!many) {
    layers.push({
      mark: { type: 'text', fontSize: 10 },
      encoding: {
        x,
        y,
        text: { field: 'mean', type: 'quantitative', format: fmt(k) },
        color: { condition: { test: `datum.mean > ${mid}`, value: 'white' }, value: 'black' },
      },
    });
  }
  return {
    id: `heatmap-${k.replace(/_/g, '-')}`,
    heading: `${label} over ${sx.title} × ${sy.title}`,
    explanation: `Each cell is one grid point, coloured by the mean ${label} over the replications (hover for the 95 % interval).`,
    spec: topLevel(`Sweep: ${label}`, `Mean over replications at each (${sx.title}, ${sy.title}).`, {
      data: { values },
      width: cell * sx.order.length,
      height: cell * sy.order.length,
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
    const dominated = points.some((q) => q !== p && q.metrics[cost].mean <= c && q.metrics[lat].mean <= l && (q.metrics[cost].mean < c || q.metrics[lat].mean < l));
    if (!dominated) front.add(p.point);
  }
  return front;
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
  const x = { field: 'cost', type: 'quantitative', title: 'pod-seconds (mean)', scale: { zero: false } };
  const y = { field: 'p99', type: 'quantitative', title: 'p99 latency, ms (mean)', scale: { zero: false } };
  const color = { field: 'front', type: 'nominal', title: null, scale: { domain: ['Pareto front', 'dominated'], range: ['#e45756', '#9aa7b8'] } };
  const valid = (a: string, b: string): Spec => ({ filter: `isValid(datum.${a}) && isValid(datum.${b})` });
  const labelled = values.filter((v) => v.front === 'Pareto front').length <= 15;
  const layers: Spec[] = [
    { transform: [valid('p99Lo', 'p99Hi')], mark: { type: 'rule', opacity: 0.5 }, encoding: { x, y: { field: 'p99Lo', type: 'quantitative' }, y2: { field: 'p99Hi' }, color } },
    { transform: [valid('costLo', 'costHi')], mark: { type: 'rule', opacity: 0.5 }, encoding: { y, x: { field: 'costLo', type: 'quantitative' }, x2: { field: 'costHi' }, color } },
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
        tooltip: [{ field: 'label' }, { field: 'cost', title: 'pod-seconds', format: '.6~g' }, { field: 'p99', title: 'p99 ms', format: '.6~g' }, { field: 'errors', title: 'error rate', format: '.3~%' }],
      },
    },
  ];
  if (labelled) {
    layers.push({
      transform: [{ filter: "datum.front === 'Pareto front'" }],
      mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 9, color: '#333333' },
      encoding: { x, y, text: { field: 'label' } },
    });
  }
  return {
    id: 'pareto',
    heading: 'Cost against p99 latency (Pareto front)',
    explanation:
      'Every grid point at its mean pod-seconds (cost) and mean p99 latency, with 95 % intervals as whiskers. Red points are the Pareto front: no other point is both cheaper and faster.',
    spec: topLevel('Sweep: cost vs p99 latency', 'Mean pod-seconds and p99 latency per point; whiskers are 95 % intervals; the red line is the Pareto front.', {
      data: { values },
      width: 620,
      height: 380,
      layer: layers,
    }),
  };
}

/** The charts of a sweep: lines with CI bands for one axis, heatmaps for two, and cost vs p99 always. */
export function sweepCharts(axes: readonly Axis[], points: readonly PointResult[]): SweepChart[] {
  if (points.length === 0) return [];
  const out: SweepChart[] = [];
  if (axes.length === 1) out.push(linesChart(axes, points));
  if (axes.length === 2) for (const [k, scheme] of HEATMAP_METRICS) out.push(heatmapChart(axes, points, k, scheme));
  out.push(paretoChart(axes, points));
  return out;
}

// ---------------------------------------------------------------- tuner

const STATUS_ORDER: PointStatus[] = ['winner', 'feasible', 'uncertain', 'infeasible', 'dominated'];
const STATUS_COLORS = ['#d62728', '#2ca02c', '#f2b447', '#9aa7b8', '#c5b0d5'];
const STATUS_LABELS: Record<PointStatus, string> = {
  winner: 'winner',
  feasible: 'meets every SLO (95 % upper bound)',
  uncertain: 'SLO not met with confidence',
  infeasible: 'violates an SLO (95 % lower bound)',
  dominated: 'dropped: costlier than a feasible point',
};

export interface TuneChartInput {
  axes: readonly Axis[];
  points: readonly ExploredPoint[];
  objective: MetricKey;
  /** The SLO drawn on the y axis: its metric and threshold. */
  slo: { metric: MetricKey; threshold: number; text: string } | undefined;
  /** Grid size, for the subtitle. */
  totalPoints: number;
}

/** Explored points of a tune: objective against the first SLO's metric, and the explored part of the space. */
export function tuneCharts(input: TuneChartInput): SweepChart[] {
  const { axes, points, objective } = input;
  if (points.length === 0) return [];
  const scales = axes.map(axisScale);
  const yMetric = input.slo?.metric ?? 'p99_ms';
  const values = points.map((p) => ({
    ...pointRow(axes, scales, p),
    objective: p.metrics[objective].mean,
    objLo: p.metrics[objective].lo,
    objHi: p.metrics[objective].hi,
    slo: p.metrics[yMetric].mean,
    sloLo: p.metrics[yMetric].lo,
    sloHi: p.metrics[yMetric].hi,
    replications: p.replications,
    status: STATUS_LABELS[p.status],
  }));
  const color = {
    field: 'status',
    type: 'nominal',
    title: null,
    scale: { domain: STATUS_ORDER.map((s) => STATUS_LABELS[s]), range: STATUS_COLORS },
  };
  const tooltip = [
    { field: 'label' },
    { field: 'status' },
    { field: 'replications' },
    { field: 'objective', title: METRICS[objective].label, format: '.6~g' },
    { field: 'slo', title: METRICS[yMetric].label, format: '.6~g' },
    { field: 'sloHi', title: `${METRICS[yMetric].label}, 95 % upper`, format: '.6~g' },
  ];
  const x = { field: 'objective', type: 'quantitative', title: `${METRICS[objective].label} (mean)`, scale: { zero: false } };
  const y = { field: 'slo', type: 'quantitative', title: `${METRICS[yMetric].label} (mean)`, scale: { zero: false }, ...(METRICS[yMetric].unit === 'fraction' ? { axis: { format: '.2~%' } } : {}) };
  const layers: Spec[] = [
    { transform: [{ filter: 'isValid(datum.sloLo) && isValid(datum.sloHi)' }], mark: { type: 'rule', opacity: 0.5 }, encoding: { x, y: { field: 'sloLo', type: 'quantitative' }, y2: { field: 'sloHi' }, color } },
    {
      mark: { type: 'point', filled: true },
      encoding: { x, y, color, size: { condition: { test: "datum.status === 'winner'", value: 180 }, value: 50 }, tooltip },
    },
  ];
  if (input.slo !== undefined) {
    layers.push({ data: { values: [{ t: input.slo.threshold }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#d62728' }, encoding: { y: { field: 't', type: 'quantitative' } } });
  }
  const out: SweepChart[] = [
    {
      id: 'tune-explored',
      heading: `Explored points: ${METRICS[objective].label} against ${METRICS[yMetric].label}`,
      explanation: `Every point the tuner simulated, at its mean objective and mean ${METRICS[yMetric].label} (whiskers: 95 % interval)${input.slo !== undefined ? `; the dashed line is the SLO ${input.slo.text}` : ''}. The winner is the cheapest point whose upper bounds meet every SLO.`,
      spec: topLevel('Tuner: explored points', `${points.length} of ${input.totalPoints} grid points simulated.`, { data: { values }, width: 620, height: 380, layer: layers }),
    },
  ];
  if (axes.length === 2) {
    const [sx, sy] = [scales[0]!, scales[1]!];
    const cells = values.map((v, i) => ({ ...v, x: points[i]!.values[0], y: points[i]!.values[1] }));
    const many = Math.max(sx.order.length, sy.order.length) > 12;
    const cell = Math.max(12, Math.min(60, Math.floor(560 / Math.max(sx.order.length, sy.order.length))));
    out.push({
      id: 'tune-space',
      heading: `Where the tuner looked: ${sx.title} × ${sy.title}`,
      explanation: 'Each simulated point of the search space, coloured by its verdict; empty cells were never simulated.',
      spec: topLevel('Tuner: explored part of the search space', `${points.length} of ${input.totalPoints} grid points simulated.`, {
        data: { values: cells },
        width: cell * sx.order.length,
        height: cell * sy.order.length,
        mark: { type: 'rect', stroke: 'white' },
        encoding: {
          x: { field: 'x', type: 'ordinal', title: sx.title, sort: sx.order, scale: { domain: sx.order }, axis: { labelAngle: many ? -45 : 0 } },
          y: { field: 'y', type: 'ordinal', title: sy.title, sort: [...sy.order].reverse(), scale: { domain: [...sy.order].reverse() } },
          color,
          tooltip,
        },
      }),
    });
  } else if (axes.length === 1) {
    const s = scales[0]!;
    const xe = { ...xyEncoding(s, s.order.length > 12), ...(s.quantitative ? {} : { scale: { domain: s.order } }) };
    out.push({
      id: 'tune-space',
      heading: `Where the tuner looked: ${METRICS[objective].label} against ${s.title}`,
      explanation: 'The objective of each simulated value of the parameter, coloured by its verdict (whiskers: 95 % interval).',
      spec: topLevel('Tuner: explored values', `${points.length} of ${input.totalPoints} values simulated.`, {
        data: { values },
        width: 620,
        height: 300,
        layer: [
          { transform: [{ filter: 'isValid(datum.objLo) && isValid(datum.objHi)' }], mark: { type: 'rule', opacity: 0.5 }, encoding: { x: xe, y: { field: 'objLo', type: 'quantitative', title: `${METRICS[objective].label} (mean)`, scale: { zero: false } }, y2: { field: 'objHi' }, color } },
          { mark: { type: 'point', filled: true, size: 60 }, encoding: { x: xe, y: { field: 'objective', type: 'quantitative' }, color, tooltip } },
        ],
      }),
    });
  }
  return out;
}
