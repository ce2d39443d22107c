/**
 * The report's charts on a run's data, compiled to Vega (in the worker, so the page only
 * draws them). While a run streams they carry fewer points than the report's: they are
 * redrawn twice a second; once it ends they are the report's own.
 */
import { compile } from 'vega-lite';
import { pointsPerRevision, timeAxis } from '../../src/output/report/aggregate.js';
import { buildCharts } from '../../src/output/report/charts/index.js';
import type { RunData } from '../../src/output/report/load.js';
import type { ChartOut } from './protocol.js';

/** Points per revision on the time axis of the live charts. */
export const LIVE_POINTS = 200;

export function charts(run: RunData, live = false): ChartOut[] {
  const points = pointsPerRevision(run.revisions.length);
  const axis = timeAxis(run.durationSeconds, live ? Math.min(LIVE_POINTS, points) : points);
  const ctx = { run, axis, multiService: new Set(run.revisions.map((r) => r.service)).size > 1 };
  return buildCharts(ctx).map((c) => ({ id: c.id, heading: c.heading, explanation: c.explanation, spec: compile(c.spec).spec }));
}
