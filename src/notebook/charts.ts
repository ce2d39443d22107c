/**
 * Small Vega-Lite spec builders for the teaching notebooks: time panels with several
 * series, shaded periods and marked moments; dot charts with error bars. They return
 * plain objects (no vega import here), rendered by `show` in ./display.ts.
 */

/** A Vega-Lite spec as a plain object (kept untyped so notebook cells need no vega types). */
export type ChartSpec = Record<string, unknown>;

export const PALETTE = {
  blue: '#1f77b4',
  orange: '#ff7f0e',
  green: '#2ca02c',
  red: '#d62728',
  purple: '#9467bd',
  brown: '#8c564b',
  pink: '#e377c2',
  grey: '#7f7f7f',
  olive: '#bcbd22',
  cyan: '#17becf',
} as const;

const DEFAULT_COLORS = Object.values(PALETTE);

/**
 * An axis title with its unit at the end in parentheses ("time (s)", "ready (pods)"): the
 * notebooks' convention, so a chart never leaves its reader guessing seconds or minutes.
 */
function withUnit(title: string, what: string): string {
  if (!/\([^()]+\)$/.test(title)) throw new Error(`${what} "${title}": an axis title ends with its unit in parentheses, e.g. "time (s)"`);
  return title;
}

/** [time, value] points of time-stamped rows: `points(samples, (s) => s.ready)`. */
export function points<T extends { time: number }>(rows: readonly T[], value: (row: T) => number): Array<[number, number]> {
  return rows.map((r) => [r.time, value(r)]);
}

export interface Series {
  name: string;
  /** [x, y] points in x order. */
  points: ReadonlyArray<readonly [number, number]>;
  color?: string;
  /** Draw as steps (a value holds until the next point), e.g. pod counts and decisions. */
  step?: boolean;
  /** Mark each point (useful for the decider's 2 s ticks). */
  dots?: boolean;
  dashed?: boolean;
  /** Line width (default 2). */
  width?: number;
}

/** A shaded stretch of the x axis (e.g. panic mode), listed in its own legend. */
export interface Band {
  from: number;
  to: number;
  label: string;
  color?: string;
}

/** A labelled vertical line (e.g. "load stops"). */
export interface Marker {
  at: number;
  label: string;
  color?: string;
}

/** A horizontal reference line (e.g. the target). */
export interface Level {
  y: number;
  label: string;
  color?: string;
}

export interface Panel {
  title?: string;
  yTitle: string;
  series: Series[];
  bands?: Band[];
  markers?: Marker[];
  levels?: Level[];
  /** Panel height in pixels (default 220). */
  height?: number;
  /** Fixed y range; default: from 0 to the data's maximum. */
  yDomain?: [number, number];
  /** Whole-number y ticks (pod counts). */
  integer?: boolean;
}

export interface TimeChartOptions {
  title: string;
  subtitle?: string | string[];
  /** Shared x-axis title (default "time (s)"). */
  xTitle?: string;
  /** Shared x range; default: the data's range. */
  xDomain?: [number, number];
  width?: number;
  panels: Panel[];
}

const CONFIG = {
  view: { stroke: '#cccccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#ececec' },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'right', labelLimit: 0 },
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555555', anchor: 'start', offset: 10 },
  concat: { spacing: 24 },
};

function top(title: string, subtitle: string | string[] | undefined, body: ChartSpec): ChartSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: subtitle === undefined ? { text: title } : { text: title, subtitle },
    background: 'white',
    padding: 10,
    config: CONFIG,
    ...body,
  };
}

function xDomainOf(panels: readonly Panel[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const p of panels) {
    for (const s of p.series) {
      for (const [x] of s.points) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

function panelSpec(p: Panel, x: ChartSpec, width: number, domain: [number, number]): ChartSpec {
  const names = p.series.map((s) => s.name);
  const colors = p.series.map((s, i) => s.color ?? DEFAULT_COLORS[i % DEFAULT_COLORS.length]!);
  const y: ChartSpec = {
    field: 'y',
    type: 'quantitative',
    title: withUnit(p.yTitle, 'yTitle'),
    scale: p.yDomain !== undefined ? { domain: p.yDomain, nice: false } : { zero: true },
  };
  if (p.integer) y['axis'] = { tickMinStep: 1, format: 'd' };
  const layers: ChartSpec[] = [];
  const bands = p.bands ?? [];
  if (bands.length > 0) {
    const labels = [...new Set(bands.map((b) => b.label))];
    const fills = labels.map((l, i) => bands.find((b) => b.label === l)?.color ?? [PALETTE.red, PALETTE.purple, PALETTE.olive][i % 3]!);
    layers.push({
      data: { values: bands.map((b) => ({ from: b.from, to: b.to, label: b.label })) },
      mark: { type: 'rect', opacity: 0.13 },
      encoding: {
        x: { ...x, field: 'from' },
        x2: { field: 'to' },
        fill: { field: 'label', type: 'nominal', scale: { domain: labels, range: fills }, legend: { title: 'shaded', symbolOpacity: 0.4, labelLimit: 0 } },
      },
    });
  }
  for (const s of p.series) {
    const mark: ChartSpec = { type: 'line', strokeWidth: s.width ?? 2, clip: true };
    if (s.step) mark['interpolate'] = 'step-after';
    if (s.dashed) mark['strokeDash'] = [6, 4];
    if (s.dots) mark['point'] = { filled: true, size: 22 };
    layers.push({
      data: { values: s.points.map(([px, py]) => ({ x: px, y: py })) },
      mark,
      encoding: {
        x: { ...x, field: 'x' },
        y,
        color: {
          datum: s.name,
          type: 'nominal',
          scale: { domain: names, range: colors },
          legend: { title: null, symbolStrokeWidth: 3, labelLimit: 0 },
        },
      },
    });
  }
  for (const l of p.levels ?? []) {
    const c = l.color ?? PALETTE.grey;
    layers.push({
      data: { values: [{ y: l.y, label: l.label }] },
      layer: [
        { mark: { type: 'rule', color: c, strokeDash: [2, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        {
          mark: { type: 'text', color: c, align: 'left', baseline: 'bottom', dx: 4, dy: -2, fontSize: 11 },
          encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
        },
      ],
    });
  }
  // Labels of markers close together go on separate lines.
  const markers = [...(p.markers ?? [])].sort((a, b) => a.at - b.at);
  const span = domain[1] - domain[0];
  let row = 0;
  markers.forEach((m, i) => {
    const prev = markers[i - 1];
    row = prev !== undefined && m.at - prev.at < 0.12 * span ? row + 1 : 0;
    const c = m.color ?? '#444444';
    // Labels in the right quarter go to the left of their line, so they stay inside the plot.
    const right = m.at > domain[0] + 0.75 * span;
    layers.push({
      data: { values: [{ x: m.at, label: m.label }] },
      layer: [
        { mark: { type: 'rule', color: c, strokeDash: [4, 3] }, encoding: { x: { ...x, field: 'x' } } },
        {
          mark: { type: 'text', color: c, align: right ? 'right' : 'left', baseline: 'top', dx: right ? -4 : 4, dy: 4 + 14 * row, fontSize: 11 },
          encoding: { x: { ...x, field: 'x' }, y: { value: 0 }, text: { field: 'label' } },
        },
      ],
    });
  });
  const spec: ChartSpec = {
    width,
    height: p.height ?? 220,
    layer: layers,
    resolve: { scale: { color: 'shared', fill: 'independent' } },
  };
  if (p.title !== undefined) spec['title'] = { text: p.title, fontSize: 13, fontWeight: 'normal', anchor: 'start' };
  return spec;
}

/** Panels of lines over a shared x axis (time), stacked vertically. */
export function timeChart(o: TimeChartOptions): ChartSpec {
  const width = o.width ?? 560;
  const domain = o.xDomain ?? xDomainOf(o.panels);
  const x: ChartSpec = {
    type: 'quantitative',
    title: withUnit(o.xTitle ?? 'time (s)', 'xTitle'),
    scale: { domain, nice: false, zero: false },
    axis: { tickCount: 10 },
  };
  const panels = o.panels.map((p) => panelSpec(p, x, width, domain));
  // A lone panel with a title of its own stays a (one-panel) concat: spread at the top, its title
  // would replace the chart's title and subtitle.
  const body: ChartSpec =
    panels.length === 1 && o.panels[0]!.title === undefined ? panels[0]! : { vconcat: panels, resolve: { scale: { color: 'independent', fill: 'independent' } } };
  return top(o.title, o.subtitle, body);
}

export interface Estimate {
  /** Position on the x axis: a category (string) or a number. */
  x: string | number;
  /** Which group (colour) it belongs to. */
  group: string;
  mean: number;
  lo: number;
  hi: number;
}

export interface EstimateChartOptions {
  title: string;
  subtitle?: string | string[];
  xTitle: string;
  yTitle: string;
  groupTitle?: string;
  rows: Estimate[];
  width?: number;
  height?: number;
  /** Start the y axis at 0 (default true). */
  zero?: boolean;
  levels?: Level[];
}

/** Means with 95 % error bars, one colour per group, side by side at each x. */
export function estimateChart(o: EstimateChartOptions): ChartSpec {
  const numericX = o.rows.every((r) => typeof r.x === 'number');
  withUnit(o.xTitle, 'xTitle');
  withUnit(o.yTitle, 'yTitle');
  const groups = [...new Set(o.rows.map((r) => r.group))];
  const xEnc: ChartSpec = numericX
    ? { field: 'x', type: 'quantitative', title: o.xTitle, scale: { zero: false, padding: 20 } }
    : { field: 'x', type: 'nominal', title: o.xTitle, sort: null, axis: { labelAngle: 0 } };
  const color: ChartSpec = {
    field: 'group',
    type: 'nominal',
    title: o.groupTitle ?? null,
    sort: groups,
    scale: { domain: groups, range: DEFAULT_COLORS.slice(0, Math.max(groups.length, 1)) },
  };
  const offset: ChartSpec = numericX ? {} : { xOffset: { field: 'group', type: 'nominal', sort: groups } };
  const y: ChartSpec = { field: 'mean', type: 'quantitative', title: o.yTitle, scale: { zero: o.zero ?? true } };
  const layers: ChartSpec[] = [
    {
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: { x: xEnc, ...offset, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
    },
    {
      mark: { type: 'point', filled: true, size: 70 },
      encoding: {
        x: xEnc,
        ...offset,
        y,
        color,
        tooltip: [{ field: 'mean' }, { field: 'lo' }, { field: 'hi' }],
      },
    },
  ];
  if (numericX) layers.unshift({ mark: { type: 'line', strokeWidth: 1, opacity: 0.6 }, encoding: { x: xEnc, y, color } });
  const body: ChartSpec = {
    width: o.width ?? 520,
    height: o.height ?? 260,
    data: { values: o.rows.map((r) => ({ ...r })) },
    layer: layers,
  };
  if ((o.levels ?? []).length > 0) {
    (body['layer'] as ChartSpec[]).push(
      ...(o.levels ?? []).map((l) => ({
        data: { values: [{ y: l.y, label: l.label }] },
        layer: [
          { mark: { type: 'rule', color: l.color ?? PALETTE.grey, strokeDash: [2, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
          {
            mark: { type: 'text', color: l.color ?? PALETTE.grey, align: 'left', baseline: 'bottom', dx: 4, dy: -2, fontSize: 11 },
            encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
          },
        ],
      })),
    );
  }
  return top(o.title, o.subtitle, body);
}

export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
  group?: string;
}

export interface ScatterChartOptions {
  title: string;
  subtitle?: string | string[];
  xTitle: string;
  yTitle: string;
  points: ScatterPoint[];
  width?: number;
  height?: number;
  /** Join the points in order with a line. */
  connect?: boolean;
}

/** Labelled points, e.g. a cost / cold-start trade-off. */
export function scatterChart(o: ScatterChartOptions): ChartSpec {
  withUnit(o.xTitle, 'xTitle');
  withUnit(o.yTitle, 'yTitle');
  const x = { field: 'x', type: 'quantitative', title: o.xTitle, scale: { zero: true, nice: true } };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle, scale: { zero: true, nice: true } };
  const hasGroups = o.points.some((p) => p.group !== undefined);
  const color = hasGroups ? { color: { field: 'group', type: 'nominal', title: null } } : {};
  const layers: ChartSpec[] = [];
  if (o.connect) layers.push({ mark: { type: 'line', color: PALETTE.grey, strokeWidth: 1 }, encoding: { x, y, order: { field: 'i' } } });
  layers.push(
    { mark: { type: 'point', filled: true, size: 80, color: PALETTE.blue }, encoding: { x, y, ...color } },
    { mark: { type: 'text', align: 'left', dx: 8, dy: -6, fontSize: 11 }, encoding: { x, y, text: { field: 'label' } } },
  );
  // Points at the same place share one label ("a / b"), so labels never overprint.
  const merged: Array<ScatterPoint & { i: number }> = [];
  o.points.forEach((p, i) => {
    const same = merged.find((m) => m.x === p.x && m.y === p.y && m.group === p.group);
    if (same === undefined) merged.push({ ...p, i });
    else same.label = `${same.label} / ${p.label}`;
  });
  return top(o.title, o.subtitle, {
    width: o.width ?? 520,
    height: o.height ?? 280,
    data: { values: merged },
    layer: layers,
  });
}

/** One decider evaluation, named as in knsim's autoscaler.csv (a DecisionRow fits). */
export interface DeciderRow {
  time: number;
  observedStable: number;
  observedPanic: number;
  desired: number;
  readyPods?: number;
  inPanic?: boolean;
  /** The load fed in (hand-driven walks). */
  load?: number;
}

export interface DeciderChartOptions {
  title: string;
  subtitle?: string | string[];
  /** Marked moments on the upper (concurrency) panel. */
  markers?: Marker[];
  /** Marked moments on the lower (pods) panel. */
  podMarkers?: Marker[];
  /** Reference lines on the concurrency panel (e.g. the target of n pods). */
  levels?: Level[];
  /** Ready pods per second from a simulation (instead of the ready count at each tick). */
  readySamples?: ReadonlyArray<{ time: number; ready: number }>;
  xDomain?: [number, number];
  width?: number;
}

/** Contiguous stretches where `pred` holds over time-ordered rows, as bands. */
function bandsOf<T extends { time: number }>(rows: readonly T[], pred: (r: T) => boolean, label: string, color: string, step: number): Band[] {
  const out: Band[] = [];
  let from: number | undefined;
  let last = 0;
  for (const r of rows) {
    if (pred(r)) {
      from ??= r.time;
      last = r.time;
    } else if (from !== undefined) {
      out.push({ from, to: r.time, label, color });
      from = undefined;
    }
  }
  if (from !== undefined) out.push({ from, to: last + step, label, color });
  return out;
}

/**
 * The decider at work: the stable and panic averages it read (and the load, when given)
 * over the pods it asked for and the pods that were ready, with panic mode shaded.
 */
export function deciderChart(rows: readonly DeciderRow[], o: DeciderChartOptions): ChartSpec {
  const upper: Series[] = [];
  if (rows.some((r) => r.load !== undefined)) {
    upper.push({ name: 'load (in flight)', points: rows.map((r) => [r.time, r.load ?? 0]), step: true, color: PALETTE.grey });
  }
  upper.push(
    { name: 'stable-window average', points: rows.map((r) => [r.time, r.observedStable]), color: PALETTE.blue },
    { name: 'panic-window average', points: rows.map((r) => [r.time, r.observedPanic]), color: PALETTE.orange, dashed: true },
  );
  const lower: Series[] = [
    { name: 'desired pods (decider)', points: rows.map((r) => [r.time, r.desired]), step: true, dots: rows.length <= 200, color: PALETTE.green },
  ];
  if (o.readySamples !== undefined) {
    lower.push({ name: 'ready pods', points: o.readySamples.map((s) => [s.time, s.ready]), step: true, color: PALETTE.grey, dashed: true });
  } else if (rows.some((r) => r.readyPods !== undefined)) {
    lower.push({ name: 'ready pods', points: rows.map((r) => [r.time, r.readyPods ?? 0]), step: true, color: PALETTE.grey, dashed: true });
  }
  const bands = rows.some((r) => r.inPanic) ? bandsOf(rows, (r) => r.inPanic === true, 'panic mode', PALETTE.red, 2) : [];
  return timeChart({
    title: o.title,
    ...(o.subtitle !== undefined ? { subtitle: o.subtitle } : {}),
    ...(o.xDomain !== undefined ? { xDomain: o.xDomain } : {}),
    ...(o.width !== undefined ? { width: o.width } : {}),
    panels: [
      { yTitle: 'concurrency (requests in flight)', series: upper, markers: o.markers ?? [], levels: o.levels ?? [], bands },
      { yTitle: 'pods (count)', series: lower, integer: true, height: 160, markers: o.podMarkers ?? [], bands },
    ],
  });
}

/** What a {@link runChart} panel shows, one line per revision. */
export type RunPanel =
  /** Ready pods; for a single revision also pods starting (Pending or Starting) and terminating. */
  | 'pods'
  /** The decider's desired pods (per evaluation). */
  | 'desired'
  /** The revision's share of the default route, percent. */
  | 'traffic'
  /** Requests waiting at the activators for a pod. */
  | 'waiting'
  /** The stable-window average the autoscaler observed. */
  | 'concurrency'
  /** Requests completed per second (needs a run made with `requests: true`). */
  | 'rps';

/** The parts of a SimRun that {@link runChart} reads (structural, so charts.ts stays free of model imports). */
export interface ChartableRun {
  revisions: readonly string[];
  samples: ReadonlyArray<{ time: number; revision: string; ready: number; pending: number; starting: number; terminating: number; activatorWaiting: number; proxy: boolean; trafficPercent: number }>;
  decisions: ReadonlyArray<{ time: number; revision: string; desired: number; observedStable: number; inPanic: boolean; valid: boolean }>;
  requests: ReadonlyArray<{ revision: string; arrival: number; latencyMs: number }>;
  /** Pod phase changes at their exact times (pods.csv); when given, the pods panel steps at them. */
  pods?: ReadonlyArray<{ time: number; revision: string; pod: string; event: string }>;
}

/**
 * Ready, not-yet-ready (Pending/Starting) and Terminating counts of one revision as steps at
 * the instants pods.csv records, from `from` to `to`. Per-second samples are taken at whole
 * seconds, so a step drawn from them lands up to a second after the change.
 */
export function podSteps(
  events: NonNullable<ChartableRun['pods']>,
  revision: string,
  from: number,
  to: number,
): { ready: Array<[number, number]>; starting: Array<[number, number]>; terminating: Array<[number, number]> } {
  const kindOf = (e: string): 'ready' | 'starting' | 'terminating' | undefined =>
    e === 'Ready' ? 'ready' : e === 'Pending' || e === 'Starting' ? 'starting' : e === 'Terminating' ? 'terminating' : undefined;
  const state = new Map<string, 'ready' | 'starting' | 'terminating'>();
  const n = { ready: 0, starting: 0, terminating: 0 };
  const out = { ready: [] as Array<[number, number]>, starting: [] as Array<[number, number]>, terminating: [] as Array<[number, number]> };
  const push = (t: number): void => {
    for (const k of ['ready', 'starting', 'terminating'] as const) {
      const pts = out[k];
      const last = pts[pts.length - 1];
      // Several changes at one instant leave one point: the count after all of them.
      if (last !== undefined && last[0] === t) last[1] = n[k];
      else pts.push([t, n[k]]);
    }
  };
  let started = false;
  for (const e of events) {
    if (e.revision !== revision) continue;
    if (e.time > to) break;
    if (!started && e.time >= from) {
      push(from);
      started = true;
    }
    const was = state.get(e.pod);
    const now = kindOf(e.event);
    if (e.event === 'Gone' || now !== undefined) {
      if (was !== undefined) n[was]--;
      if (now !== undefined) {
        n[now]++;
        state.set(e.pod, now);
      } else state.delete(e.pod);
    } else continue; // other events (restarts, probe failures) change no phase count
    if (e.time >= from) push(e.time);
  }
  if (!started) push(from);
  push(to);
  return out;
}

export interface RunChartOptions {
  title: string;
  subtitle?: string | string[];
  panels: readonly RunPanel[];
  /** Which revisions (default: all, in creation order). */
  revisions?: readonly string[];
  /** Time window to show (default: the whole run). */
  from?: number;
  to?: number;
  markers?: Marker[];
  /** Shade panic mode and/or the periods with the activator in the path (one revision only). */
  shade?: ReadonlyArray<'panic' | 'proxy'>;
  width?: number;
}

const PANEL_TITLES: Record<RunPanel, string> = {
  pods: 'pods (count)',
  desired: 'desired (pods)',
  traffic: 'traffic (%)',
  waiting: 'waiting at activators (requests)',
  concurrency: 'stable avg (requests in flight)',
  rps: 'completed (requests/s)',
};

/** Panels over time of a simulated run, one line per revision. */
export function runChart(run: ChartableRun, o: RunChartOptions): ChartSpec {
  const revs = o.revisions ?? run.revisions;
  const from = o.from ?? 0;
  const to = o.to ?? Math.max(1, ...run.samples.map((s) => s.time));
  const inWindow = (t: number): boolean => t >= from && t <= to;
  const colorOf = (i: number): string => DEFAULT_COLORS[i % DEFAULT_COLORS.length]!;
  const single = revs.length === 1;
  const bands: Band[] = [];
  if (single) {
    const rev = revs[0]!;
    if (o.shade?.includes('panic')) {
      bands.push(...bandsOf(run.decisions.filter((d) => d.revision === rev && inWindow(d.time)), (d) => d.inPanic, 'panic mode', PALETTE.red, 2));
    }
    if (o.shade?.includes('proxy')) {
      bands.push(...bandsOf(run.samples.filter((s) => s.revision === rev && inWindow(s.time)), (s) => s.proxy, 'activator in path', PALETTE.purple, 1));
    }
  }
  const panels: Panel[] = o.panels.map((kind) => {
    const series: Series[] = [];
    revs.forEach((rev, i) => {
      const samples = run.samples.filter((s) => s.revision === rev && inWindow(s.time));
      const decisions = run.decisions.filter((d) => d.revision === rev && d.valid && inWindow(d.time));
      const name = (what: string): string => (single ? what : `${rev}${what === '' ? '' : ` ${what}`}`);
      switch (kind) {
        case 'pods': {
          const exact = run.pods !== undefined ? podSteps(run.pods, rev, from, to) : undefined;
          series.push({ name: name(single ? 'ready' : ''), points: exact?.ready ?? samples.map((s) => [s.time, s.ready]), step: true, color: single ? PALETTE.green : colorOf(i) });
          if (single) {
            series.push(
              { name: 'starting (Pending/Starting)', points: exact?.starting ?? samples.map((s) => [s.time, s.pending + s.starting]), step: true, color: PALETTE.blue, dashed: true },
              { name: 'terminating', points: exact?.terminating ?? samples.map((s) => [s.time, s.terminating]), step: true, color: PALETTE.grey, dashed: true },
            );
          }
          break;
        }
        case 'desired':
          series.push({ name: name(single ? 'desired' : ''), points: decisions.map((d) => [d.time, d.desired]), step: true, color: single ? PALETTE.green : colorOf(i) });
          break;
        case 'traffic':
          series.push({ name: name(''), points: samples.map((s) => [s.time, s.trafficPercent]), step: true, color: colorOf(i) });
          break;
        case 'waiting':
          // A sample is the count at that instant, not over the second after it: joined by lines, not steps.
          series.push({ name: name(single ? 'waiting at activators' : ''), points: samples.map((s) => [s.time, s.activatorWaiting]), color: single ? PALETTE.purple : colorOf(i) });
          break;
        case 'concurrency':
          series.push({ name: name(single ? 'stable-window average' : ''), points: decisions.map((d) => [d.time, d.observedStable]), color: single ? PALETTE.blue : colorOf(i) });
          break;
        case 'rps': {
          const counts = new Map<number, number>();
          for (const r of run.requests) {
            if (r.revision !== rev) continue;
            const t = Math.floor(r.arrival + r.latencyMs / 1000);
            if (inWindow(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
          }
          const pts: Array<[number, number]> = [];
          // Whole seconds only: the run's last second is cut short.
          for (let t = Math.ceil(from); t < Math.floor(to); t++) pts.push([t, counts.get(t) ?? 0]);
          series.push({ name: name(single ? 'completed / s' : ''), points: pts, color: single ? PALETTE.blue : colorOf(i), width: 1.2 });
          break;
        }
      }
    });
    const integer = kind === 'pods' || kind === 'desired' || kind === 'waiting';
    return { yTitle: PANEL_TITLES[kind], series, bands, markers: o.markers ?? [], integer, height: kind === 'traffic' ? 130 : 170 };
  });
  return timeChart({
    title: o.title,
    ...(o.subtitle !== undefined ? { subtitle: o.subtitle } : {}),
    xDomain: [from, to],
    ...(o.width !== undefined ? { width: o.width } : {}),
    panels,
  });
}
