/**
 * The periods legend of the pods, KPA and waiting charts lists only shading some panel draws, and
 * the explanation says what never happened instead of pointing at a strip that is not there: hang
 * never had the SKS in Proxy mode, quickstart never panicked, hello-world did both.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');
const PANIC = 'panic mode';
const PROXY = 'SKS in Proxy mode (activator in path)';

function chartsOf(name: string): { dir: string; chart: (id: string) => { explanation: string; spec: unknown } } {
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-period-legend-')), name);
  runWorld(loadScenario(join(root, 'scenarios', `${name}.yaml`)).world, { outDir: dir, trace: { mode: 'none' } });
  const { charts } = reportCharts(loadRunData(dir));
  return { dir, chart: (id) => charts.find((c) => c.id === id)! };
}

/** Each period kind a chart's layers shade, with the rows of its bands over all panels. */
function periods(spec: unknown): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (o: unknown): void => {
    if (o === null || typeof o !== 'object') return;
    const r = o as Record<string, unknown>;
    const fill = (r['encoding'] as Record<string, { datum?: string; scale?: { domain?: string[] } }> | undefined)?.['fill'];
    if (fill?.datum !== undefined) {
      for (const d of fill.scale?.domain ?? []) out.set(d, out.get(d) ?? 0);
      out.set(fill.datum, (out.get(fill.datum) ?? 0) + (r['data'] as { values: unknown[] }).values.length);
    }
    for (const v of Object.values(r)) walk(v);
  };
  walk(spec);
  return out;
}

/** Seconds the timeseries samples of a run had the SKS in Proxy mode, and autoscaler.csv evaluations in panic. */
function truth(dir: string): { proxy: number; panic: number } {
  return {
    proxy: csv(dir, 'timeseries.csv').filter((r) => r['sks_mode'] === 'Proxy').length,
    panic: csv(dir, 'autoscaler.csv').filter((r) => r['in_panic'] === '1').length,
  };
}

describe('the periods legend and the shading it names', () => {
  it('hang: the SKS was never in Proxy mode, so no chart lists its strip, and the waiting chart says so', () => {
    const { dir, chart } = chartsOf('hang');
    expect(truth(dir).proxy).toBe(0);
    for (const id of ['pods', 'waiting']) {
      expect([...periods(chart(id).spec).keys()], id).not.toContain(PROXY);
      expect(chart(id).explanation, id).not.toContain('marked by the purple strip');
    }
    expect(chart('waiting').explanation).toContain('while the SKS is in Proxy mode, as during a cold start, which no revision shown ever was');
    expect(chart('pods').explanation).toContain('the SKS never put the activator in the request path: no Proxy mode, so no purple strip');
    // It did panic: every panic band drawn is listed.
    expect(periods(chart('pods').spec).get(PANIC)).toBeGreaterThan(0);
  });

  it('quickstart: no evaluation panicked, so neither the pods nor the KPA chart lists panic shading', () => {
    const { dir, chart } = chartsOf('quickstart');
    expect(truth(dir).panic).toBe(0);
    for (const id of ['pods', 'kpa']) expect([...periods(chart(id).spec).keys()], id).not.toContain(PANIC);
    expect(chart('kpa').explanation).toContain('No revision shown ever panicked: nothing is shaded red.');
  });

  it('hello-world: it panicked and went through the activator, and both are listed with their bands', () => {
    const { dir, chart } = chartsOf('hello-world');
    expect(truth(dir).panic).toBeGreaterThan(0);
    expect(truth(dir).proxy).toBeGreaterThan(0);
    const p = periods(chart('pods').spec);
    expect(p.get(PANIC)).toBeGreaterThan(0);
    expect(p.get(PROXY)).toBeGreaterThan(0);
    expect(chart('pods').explanation).toContain('red shading marks panic mode and the purple strip along the top marks periods');
    expect(chart('kpa').explanation).toContain(' Red shading marks panic mode.');
  });
});
