import type { TopLevelSpec } from 'vega-lite';
import { KPA_CLASS } from '../../../core/autoscaler/index.js';
import { type Interval, type TimeAxis, bucketLabel, mergeIntervals, timeUnitLabel, xAt } from '../aggregate.js';
import type { RevisionData, RunData } from '../load.js';

/** A Vega-Lite fragment. Builders assemble plain objects; vl.compile checks them in tests. */
export type Spec = Record<string, unknown>;

export interface ChartContext {
  run: RunData;
  axis: TimeAxis;
  /** More than one service: panel titles name the service too. */
  multiService: boolean;
}

export interface Chart {
  /** File stem: charts/<id>.vl.json, .svg, .png. */
  id: string;
  /** Short heading for the HTML report. */
  heading: string;
  /** One sentence on how to read it (shown above the chart in the HTML). */
  explanation: string;
  spec: TopLevelSpec;
}

export const WIDTH = 760;

export const COLORS = {
  desired: '#ff7f0e',
  want: '#8c564b',
  ready: '#2ca02c',
  starting: '#1f77b4',
  terminating: '#7f7f7f',
  panic: '#d62728',
  proxy: '#9467bd',
  ok: '#4c78a8',
  cold: '#f58518',
  s503: '#e45756',
  s504: '#b279a2',
  clientTimeout: '#9d755d',
  s502: '#222222',
  p50: '#4c78a8',
  p95: '#54a24b',
  p99: '#e45756',
  activator: '#9467bd',
  queueProxy: '#17becf',
  warm: '#4c78a8',
  all: '#888888',
  firstByte: '#54a24b',
  autoscalerDown: '#555555',
  activatorDown: '#8c6d31',
  activatorRollout: '#bcbd22',
  nodeMaintenance: '#17becf',
} as const;

const CONFIG: Spec = {
  view: { stroke: '#cccccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#ececec' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'right', labelLimit: 420, titleLimit: 420 },
  title: { fontSize: 16, subtitleFontSize: 12, subtitleColor: '#555555', anchor: 'start', frame: 'group', offset: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  concat: { spacing: 22 },
  line: { strokeWidth: 1.8 },
};

/** The panel title of one revision. */
export function revisionTitle(ctx: ChartContext, r: RevisionData): string {
  return ctx.multiService ? `${r.service} / ${r.revision}` : r.revision;
}

/** "x (unit)" and, for long runs, a note that the data is bucketed. */
export function xTitle(axis: TimeAxis): string {
  return `time since start (${timeUnitLabel(axis)})`;
}

export function aggregationNote(axis: TimeAxis, how: string): string {
  return axis.bucketSeconds > 1 ? `\nShown in ${bucketLabel(axis)} buckets (${how}).` : '';
}

/** The shared time axis: fixed to the run's length so panels line up (a run still going: its whole length). */
export function xEncoding(axis: TimeAxis, field = 't'): Spec {
  return {
    field,
    type: 'quantitative',
    title: xTitle(axis),
    scale: { domain: [0, xAt(axis, axis.xEndSeconds ?? axis.durationSeconds)], nice: false, zero: false },
    axis: { tickCount: 10, labelFlush: true },
  };
}

/** Full-height shaded periods (panic) and a strip along the top (SKS Proxy), with their own legend. */
export function periodLayers(
  axis: TimeAxis,
  panic: readonly Interval[] | undefined,
  proxy: readonly Interval[] | undefined,
  down: readonly Interval[] = [],
  activatorDown: readonly Interval[] = [],
  activatorRollout: readonly Interval[] = [],
): Spec[] {
  const domain: string[] = [];
  const range: string[] = [];
  if (panic !== undefined) {
    domain.push('panic mode');
    range.push(COLORS.panic);
  }
  if (proxy !== undefined) {
    domain.push('SKS in Proxy mode (activator in path)');
    range.push(COLORS.proxy);
  }
  if (down.length > 0) {
    domain.push(AUTOSCALER_DOWN);
    range.push(COLORS.autoscalerDown);
  }
  if (activatorDown.length > 0) {
    domain.push(ACTIVATOR_DOWN);
    range.push(COLORS.activatorDown);
  }
  if (activatorRollout.length > 0) {
    domain.push(ACTIVATOR_ROLLOUT);
    range.push(COLORS.activatorRollout);
  }
  const fill = (label: string): Spec => ({
    datum: label,
    type: 'nominal',
    scale: { domain, range },
    legend: { title: 'periods', symbolType: 'square', symbolOpacity: 0.5 },
  });
  const rows = (ivs: readonly Interval[]): Spec[] => ivs.map((iv) => ({ s: xAt(axis, iv.start), e: xAt(axis, iv.end) }));
  const layers: Spec[] = [];
  if (down.length > 0) {
    layers.push({
      data: { values: rows(down) },
      mark: { type: 'rect', opacity: 0.22 },
      encoding: { x: { ...xEncoding(axis, 's') }, x2: { field: 'e' }, fill: fill(AUTOSCALER_DOWN) },
    });
  }
  if (activatorRollout.length > 0) {
    layers.push({
      data: { values: rows(activatorRollout) },
      mark: { type: 'rect', opacity: 0.18 },
      encoding: { x: { ...xEncoding(axis, 's') }, x2: { field: 'e' }, fill: fill(ACTIVATOR_ROLLOUT) },
    });
  }
  if (activatorDown.length > 0) {
    layers.push({
      data: { values: rows(activatorDown) },
      mark: { type: 'rect', opacity: 0.22 },
      encoding: { x: { ...xEncoding(axis, 's') }, x2: { field: 'e' }, fill: fill(ACTIVATOR_DOWN) },
    });
  }
  if (panic !== undefined) {
    layers.push({
      data: { values: rows(without(panic, down)) },
      mark: { type: 'rect', opacity: 0.12 },
      encoding: { x: { ...xEncoding(axis, 's') }, x2: { field: 'e' }, fill: fill('panic mode') },
    });
  }
  if (proxy !== undefined) {
    layers.push({
      data: { values: rows(proxy) },
      mark: { type: 'rect', opacity: 0.55 },
      encoding: { x: { ...xEncoding(axis, 's') }, x2: { field: 'e' }, y: { value: 0 }, y2: { value: 7 }, fill: fill('SKS in Proxy mode (activator in path)') },
    });
  }
  return layers;
}

const AUTOSCALER_DOWN = "Knative's autoscaler down (no decider)";
const ACTIVATOR_DOWN = 'an activator down (crashed)';
const ACTIVATOR_ROLLOUT = 'activators restarting (old ones draining)';

/**
 * From each rolling restart of the activators, or deletion of one, until the old activators had
 * exited (summary.json's `activatorRollouts` and `activatorDeletions`), merged where they overlap.
 */
export function activatorRolloutIntervals(ctx: ChartContext): Interval[] {
  const { activatorRollouts = [], activatorDeletions = [] } = ctx.run.summary;
  const end = ctx.axis.durationSeconds;
  const ivs = [...activatorRollouts, ...activatorDeletions].map((r) => ({ start: r.fromSeconds, end: r.drainedSeconds ?? end })).sort((a, b) => a.start - b.start);
  return mergeIntervals(ivs, 1e-9);
}

/**
 * Node maintenance: from each node drain until its node is deleted, and from each NodePool drift
 * until its last drifted node is deleted (summary.json's `nodeDrains` and `nodePoolDrifts`; the
 * run's end when not within it), merged where they overlap. A drain that found no node, or a drift
 * that marked none, is no period.
 */
export function nodeMaintenanceIntervals(ctx: ChartContext): Interval[] {
  const { nodeDrains = [], nodePoolDrifts = [] } = ctx.run.summary;
  const end = ctx.axis.durationSeconds;
  const ivs = [
    ...nodeDrains.filter((d) => d.outcome !== 'NotFound').map((d) => ({ start: d.fromSeconds, end: d.deletedSeconds ?? end })),
    ...nodePoolDrifts.filter((d) => d.driftedNodes > 0).map((d) => ({ start: d.atSeconds, end: d.completeSeconds ?? end })),
  ].sort((a, b) => a.start - b.start);
  return mergeIntervals(ivs, 1e-9);
}

/** When an activator was down after a crash (summary.json's `activatorDown`), merged over activators. */
export function activatorDownIntervals(ctx: ChartContext): Interval[] {
  const down = ctx.run.summary.activatorDown;
  if (down === undefined) return [];
  const ivs = down.map((d) => ({ start: d.fromSeconds, end: d.untilSeconds ?? ctx.axis.durationSeconds })).sort((a, b) => a.start - b.start);
  // Outages of different activators that overlap or touch are one band.
  return mergeIntervals(ivs, 1e-9);
}

/** `ivs` less the time covered by `cut` (both sorted, each without overlaps). */
export function without(ivs: readonly Interval[], cut: readonly Interval[]): Interval[] {
  if (cut.length === 0) return [...ivs];
  const out: Interval[] = [];
  for (const iv of ivs) {
    let start = iv.start;
    for (const c of cut) {
      if (c.end <= start || c.start >= iv.end) continue;
      if (c.start > start) out.push({ start, end: c.start });
      start = Math.max(start, c.end);
    }
    if (start < iv.end) out.push({ start, end: iv.end });
  }
  return out;
}

/**
 * When Knative's autoscaler was down (summary.json's `autoscalerDown`), for a revision it
 * scales: the KPA's (the HPA class and user classes have controllers of their own).
 */
export function autoscalerDownIntervals(ctx: ChartContext, r: RevisionData): Interval[] {
  const down = ctx.run.summary.autoscalerDown;
  if (down === undefined || (r.settings?.class ?? KPA_CLASS) !== KPA_CLASS) return [];
  return down.map((d) => ({ start: d.fromSeconds, end: d.untilSeconds ?? ctx.axis.durationSeconds }));
}

/** A legend whose labels come from a key → label map (data keeps short keys). */
export function keyedLegend(title: string, labels: Record<string, string>, extra: Spec = {}): Spec {
  const map = JSON.stringify(labels).replace(/"/g, "'");
  return { title, labelExpr: `${map}[datum.label] || datum.label`, ...extra };
}

export function topLevel(title: string, subtitle: string | string[], body: Spec): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    // A subtitle line per sentence group (\n): long single lines would make the PNG very wide.
    title: { text: title, subtitle: typeof subtitle === 'string' && subtitle.includes('\n') ? subtitle.split('\n') : subtitle },
    background: 'white',
    padding: 12,
    config: CONFIG,
    ...body,
  } as unknown as TopLevelSpec;
}

/** One panel of a stacked chart: full width, `height` px tall, its layers drawn in order. */
export function panel(title: string, height: number, layer: Spec[]): Spec {
  return { title, width: WIDTH, height, layer };
}

/** A layer drawing `values` (`name` is the data set's name in the exported spec); `rest` is its mark and encoding. */
export function dataLayer(name: string, values: Spec[], rest: Spec): Spec {
  return { data: { values }, name, ...rest };
}

/** One panel per item, stacked vertically (always a vconcat, so each panel keeps its own title). */
export function stack(panels: Spec[]): Spec {
  return { vconcat: panels, resolve: { scale: { stroke: 'shared', fill: 'shared', color: 'shared' } } };
}

/**
 * A step line or area draws a row's level only up to the next row. When the data ends inside
 * the last row's bucket (a live run's present, or a run whose length is not a whole number of
 * buckets), that row is repeated at the end of the data, so the bucket's level is drawn up to it.
 */
export function heldToEnd(axis: TimeAxis, rows: Spec[]): Spec[] {
  const last = rows[rows.length - 1];
  const end = xAt(axis, axis.durationSeconds);
  return last !== undefined && (last['t'] as number) < end ? [...rows, { ...last, t: end }] : rows;
}

/** A y scale from 0 with ~10% headroom above the largest value, so lines stay clear of the top strip. */
export function headroomScale(values: Iterable<number>): Spec {
  let max = 0;
  for (const v of values) if (Number.isFinite(v) && v > max) max = v;
  return { domain: [0, max > 0 ? Math.max(max + 1, max * 1.1) : 1], nice: true, zero: true };
}

/**
 * The most panels a per-revision or per-service chart stacks. A hundred revisions made charts
 * tens of thousands of pixels tall, and drawing them took gigabytes; past this many, the busiest
 * are drawn and the rest are in the CSVs and the summary table.
 */
export const MAX_PANELS = 20;

/**
 * Requests a revision answered: over the run (summary.json), or so far in a playground run,
 * which has no summary yet (its per-second completions).
 */
function revisionRequests(run: RunData, r: RevisionData): number {
  const s = run.summary.revisions?.find((x) => x.service === r.service && x.revision === r.revision);
  if (s !== undefined) return s.requests.total;
  let n = 0;
  for (const c of r.requests.completed) if (Number.isFinite(c)) n += c;
  return n;
}

/**
 * The items to draw a panel for: every one up to MAX_PANELS, else the MAX_PANELS with the most
 * requests (ties: the first), in their order; and the subtitle line that says which, if any were left out.
 */
export function busiest<T>(run: RunData, items: readonly T[], revisionsOf: (x: T) => readonly RevisionData[], what: string, max = MAX_PANELS): { shown: T[]; note: string[] } {
  if (items.length <= max) return { shown: [...items], note: [] };
  const requests = items.map((x) => revisionsOf(x).reduce((a, r) => a + revisionRequests(run, r), 0));
  const keep = new Set([...items.keys()].sort((a, b) => requests[b]! - requests[a]! || a - b).slice(0, max));
  return {
    shown: items.filter((_, i) => keep.has(i)),
    note: [`The ${max} ${what} with the most requests, of ${items.length}; the others are in the CSVs and the summary table.`],
  };
}

/** A subtitle with extra lines after it. */
export function withLines(subtitle: string, lines: readonly string[]): string | string[] {
  return lines.length === 0 ? subtitle : [...subtitle.split('\n'), ...lines];
}
