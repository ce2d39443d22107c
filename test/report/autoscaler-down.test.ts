/**
 * The report shades when Knative's autoscaler was down (summary.json's autoscalerDown) on the
 * pods and KPA charts of the revisions it scales, and no panic band runs through that time:
 * the decider that was in panic is gone, and the restarted one's panic starts when it does.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { without } from '../../src/output/report/charts/common.js';
import { buildHtml } from '../../src/output/report/html.js';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');
type Rect = { s: number; e: number };

/** The rect layers' rows by their fill label, in the panel of `revision` of the chart `id`. */
function bands(spec: unknown, revision: string): Map<string, Rect[]> {
  const out = new Map<string, Rect[]>();
  const panels = (spec as { vconcat: Array<{ title: string; layer: Array<Record<string, unknown>> }> }).vconcat;
  const panel = panels.find((p) => p.title.includes(revision))!;
  for (const l of panel.layer) {
    const fill = (l['encoding'] as { fill?: { datum: string } } | undefined)?.fill;
    if ((l['mark'] as { type: string }).type !== 'rect' || fill === undefined) continue;
    out.set(fill.datum, (l['data'] as { values: Rect[] }).values);
  }
  return out;
}

describe('the charts of a run with an autoscaler restart', () => {
  let dir: string;
  let control: string;
  beforeAll(() => {
    const tmp = mkdtempSync(join(tmpdir(), 'knsim-down-'));
    const scenario = join(root, 'scenarios', 'autoscaler-restart.yaml');
    // The restart while api panics (its spike at 2m10s), so a panic would run through the outage.
    dir = join(tmp, 'down');
    runWorld(loadScenario(scenario, { sets: ['updates[0].at=2m20s'] }).world, { outDir: dir, trace: { mode: 'none' } });
    control = join(tmp, 'up');
    runWorld(loadScenario(scenario, { sets: ['updates=[]'] }).world, { outDir: control, trace: { mode: 'none' } });
  });

  it('shades 140–170 s grey on the pods, KPA and waiting panels of both KPA revisions', () => {
    const charts = reportCharts(loadRunData(dir)).charts;
    for (const id of ['pods', 'kpa', 'waiting']) {
      const spec = charts.find((c) => c.id === id)!.spec;
      for (const rev of ['api-00001', 'reports-00001']) {
        if (id === 'kpa' && rev === 'reports-00001') continue;
        expect(bands(spec, rev).get("Knative's autoscaler down (no decider)"), `${id} ${rev}`).toEqual([{ s: 140, e: 170 }]);
      }
    }
    expect(charts.find((c) => c.id === 'pods')!.explanation).toContain('Grey shading marks when Knative’s autoscaler was down');
  });

  it('draws no panic through the outage: the panic before it ends at 140 s, the new decider\'s starts as it is made, at 170 s', () => {
    const spec = reportCharts(loadRunData(dir)).charts.find((c) => c.id === 'pods')!.spec;
    const panic = bands(spec, 'api-00001').get('panic mode')!;
    const rows = csv(dir, 'autoscaler.csv').filter((r) => r['revision'] === 'api-00001');
    // The decider panicked before the restart, and the restarted one is in panic from its first tick.
    expect(rows.filter((r) => Number(r['time_s']) < 140).at(-1)!['in_panic']).toBe('1');
    const firstAfter = rows.find((r) => Number(r['time_s']) >= 170)!;
    expect([Number(firstAfter['time_s']), firstAfter['in_panic']]).toEqual([172, '1']);
    expect(panic.some((b) => b.e === 140)).toBe(true);
    expect(panic.some((b) => b.s === 170)).toBe(true);
    // summary.json counts the same panic: the bands' total.
    const summary = loadRunData(dir).summary;
    const total = panic.reduce((a, b) => a + (b.e - b.s), 0);
    expect(summary.revisions.find((r) => r.revision === 'api-00001')!.panicSeconds).toBeCloseTo(total, 3);
    for (const b of panic) expect(b.e <= 140 || b.s >= 170).toBe(true);
  });

  it('says so under the report\'s summary table', () => {
    const html = (d: string) => {
      const run = loadRunData(d);
      return buildHtml({ summary: run.summary, settings: run.settings, axis: reportCharts(run).ctx.axis, charts: [], missing: [] });
    };
    expect(html(dir)).toContain('<p class="note">Knative’s autoscaler was down (restarting; no KPA decision, not even from zero): 140–170 s.</p>');
    expect(html(control)).not.toContain('autoscaler was down');
  });

  it('adds nothing to the charts of a run without one', () => {
    const text = JSON.stringify(reportCharts(loadRunData(control)).charts.map((c) => [c.spec, c.explanation]));
    expect(text).not.toContain('autoscaler down');
    expect(text).not.toContain('Grey shading');
  });

  it.each([
    // intervals, cut, what is left
    [[{ start: 0, end: 10 }], [], [{ start: 0, end: 10 }]],
    [[{ start: 0, end: 10 }], [{ start: 3, end: 5 }], [{ start: 0, end: 3 }, { start: 5, end: 10 }]],
    [[{ start: 0, end: 10 }], [{ start: 0, end: 10 }], []],
    [[{ start: 2, end: 4 }, { start: 6, end: 9 }], [{ start: 3, end: 7 }], [{ start: 2, end: 3 }, { start: 7, end: 9 }]],
    [[{ start: 5, end: 8 }], [{ start: 0, end: 1 }, { start: 9, end: 12 }], [{ start: 5, end: 8 }]],
  ])('without(%j, %j) = %j', (ivs, cut, left) => {
    expect(without(ivs, cut)).toEqual(left);
  });
});
