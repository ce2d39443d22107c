/**
 * The report's charts on a run's data, compiled to Vega (in the worker, so the page only
 * draws them). While a run streams they carry fewer points than the report's: they are
 * redrawn twice a second; once it ends they are the report's own.
 */
import { compile } from 'vega-lite';
import { pointsPerRevision, timeAxis, xAt } from '../../src/output/report/aggregate.js';
import { buildCharts } from '../../src/output/report/charts/index.js';
import type { RunData } from '../../src/output/report/load.js';
import type { ChartOut } from './protocol.js';

/** Points per revision on the time axis of the live charts. */
export const LIVE_POINTS = 200;

type Row = Record<string, unknown>;

/**
 * Cuts a chart's rows at `x` (in the axis' unit): the report's charts hold the last level
 * and close open periods at the run's end, which for a run still going is the future.
 * Rows are the report's: a time `t`, or a period from `s` to `e`.
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
    data.values = data.values.flatMap((r): Row[] => {
      if (typeof r['t'] === 'number') return r['t'] <= x ? [r] : [];
      if (typeof r['s'] === 'number' && typeof r['e'] === 'number') return r['s'] <= x ? [{ ...r, e: Math.min(r['e'], x) }] : [];
      return [r];
    });
  }
  for (const [k, v] of Object.entries(o)) if (k !== 'data') cutAt(v, x);
}

/** The charts on `run`'s data; live: fewer points, and cut at `nowSeconds`. */
export function charts(run: RunData, live?: { nowSeconds: number }): ChartOut[] {
  const points = pointsPerRevision(run.revisions.length);
  const axis = timeAxis(run.durationSeconds, live !== undefined ? Math.min(LIVE_POINTS, points) : points);
  const ctx = { run, axis, multiService: new Set(run.revisions.map((r) => r.service)).size > 1 };
  return buildCharts(ctx).map((c) => {
    if (live !== undefined) cutAt(c.spec, xAt(axis, live.nowSeconds));
    return { id: c.id, heading: c.heading, explanation: c.explanation, spec: compile(c.spec).spec };
  });
}
