/**
 * The report's charts on a run's data, compiled to Vega (in the worker, so the page only
 * draws them). While a run streams they carry fewer points than the report's (they are
 * redrawn twice a second) and end at the run's present; once it ends they are the report's own.
 */
import { compile } from 'vega-lite';
import { pointsPerRevision, timeAxis, xAt, type TimeAxis } from '../../src/output/report/aggregate.js';
import { buildCharts } from '../../src/output/report/charts/index.js';
import type { RunData } from '../../src/output/report/load.js';
import type { ChartOut } from './protocol.js';

/** Points per revision on the time axis of the live charts. */
export const LIVE_POINTS = 200;

type Row = Record<string, unknown>;

/**
 * The time axis of a run still going at `nowSeconds`: its data ends now, on the whole run's x
 * axis. The report's chart builders hold each level to the end of the data (a step line's last
 * row is drawn up to the axis' end, a period open at the end is closed there), so with this
 * axis they draw the levels of the bucket the run is in up to the present: cut at the last
 * whole bucket instead, a pod that became ready in the current bucket would not be drawn.
 */
export function axisSoFar(axis: TimeAxis, nowSeconds: number): TimeAxis {
  const now = Math.min(Math.max(0, nowSeconds), axis.durationSeconds);
  return { ...axis, durationSeconds: now, buckets: Math.floor(now / axis.bucketSeconds + 1e-9) + 1, xEndSeconds: axis.xEndSeconds ?? axis.durationSeconds };
}

/** Does `b` repeat `a` but for its time: a row that only marks where `a`'s level ends? */
function repeats(a: Row, b: Row): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k === 't' || a[k] === b[k]);
}

/**
 * Cuts a chart's rows at `x` (in the axis' unit), which no row should pass: a row after it is
 * dropped, but one that only ends the level of the row before it (a step held for one more
 * bucket) ends it at `x`, and periods from `s` to `e` (or a bucket's rect to `t2`) end at `x`.
 */
function cutAt(spec: unknown, x: number): void {
  if (Array.isArray(spec)) {
    for (const s of spec) cutAt(s, x);
    return;
  }
  if (typeof spec !== 'object' || spec === null) return;
  const o = spec as Row;
  const data = o['data'] as { values?: Row[] } | undefined;
  if (data !== undefined && Array.isArray(data.values)) {
    const rows = data.values;
    data.values = rows.flatMap((r, i): Row[] => {
      if (typeof r['t'] === 'number') {
        if (r['t'] <= x) return [typeof r['t2'] === 'number' && r['t2'] > x ? { ...r, t2: x } : r];
        const prev = rows[i - 1];
        return prev !== undefined && typeof prev['t'] === 'number' && prev['t'] < x && repeats(prev, r) ? [{ ...r, t: x }] : [];
      }
      if (typeof r['s'] === 'number' && typeof r['e'] === 'number') return r['s'] <= x ? [{ ...r, e: Math.min(r['e'], x) }] : [];
      return [r];
    });
  }
  for (const [k, v] of Object.entries(o)) if (k !== 'data') cutAt(v, x);
}

/** The charts on `run`'s data; live: fewer points, and the data so far (to `nowSeconds`) on the whole run's axis. */
export function charts(run: RunData, live?: { nowSeconds: number }): ChartOut[] {
  const points = pointsPerRevision(run.revisions.length);
  const full = timeAxis(run.durationSeconds, live !== undefined ? Math.min(LIVE_POINTS, points) : points);
  const axis = live !== undefined ? axisSoFar(full, live.nowSeconds) : full;
  const ctx = { run, axis, multiService: new Set(run.revisions.map((r) => r.service)).size > 1 };
  return buildCharts(ctx).map((c) => {
    if (live !== undefined) cutAt(c.spec, xAt(axis, axis.durationSeconds));
    return { id: c.id, heading: c.heading, explanation: c.explanation, spec: compile(c.spec).spec };
  });
}
