/**
 * Live charts are fed new rows in place (web/src/chart-board.ts) when only their rows
 * changed: what such a view draws must be what a view made afresh from the new spec draws.
 * Checked with vega's headless SVG output on a real run's charts, two moments apart.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, View, type Spec } from 'vega';
import { compile } from 'vega-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { fill, outgrown, sources, structureKey } from '../../web/src/chart-board.js';
import { charts } from '../../web/src/live-charts.js';
import { Session } from '../../web/src/session.js';
import { root } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'knsim-chart-board-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * What a view of `spec` draws; with `rows`, run first and then given `rows`' rows as the page
 * does: `made`, a view it has just made without rows; else an update in place.
 */
async function svg(spec: Spec, rows?: Spec, made = false): Promise<string> {
  const view = new View(parse(spec), { renderer: 'none' });
  await view.runAsync();
  if (rows !== undefined) await fill(view, rows, made);
  const out = await view.toSVG();
  view.finalize();
  return out;
}

/** `spec` with no rows in its source datasets, as the page makes a new view. */
const withoutRows = (spec: Spec): Spec => {
  const empty = new Set(sources(spec));
  return { ...spec, data: (spec as { data?: Array<{ name: string }> }).data?.map((d) => (empty.has(d as never) ? { ...d, values: [] } : d)) } as Spec;
};

/** A 1 h steady run (quickstart at a constant 30 rps), as the responsiveness test runs it. */
const steady = readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8')
  .replace(/^duration: .*$/m, 'duration: 1h')
  .replace(/ {6}rate:\n(?: {8,}.*\n?)+/, '      rps: 30\n');

describe('live charts updated in place', () => {
  it('draw exactly what a new view of the later spec draws, for every chart whose structure held', async () => {
    const s = new Session({ text: steady, file: 'steady.yaml', outDir: join(tmp, 'run') });
    s.advance(600);
    const before = charts(s.live.runData(), { nowSeconds: s.now });
    s.advance(1500);
    const after = charts(s.live.runData(), { nowSeconds: s.now });
    expect(after.map((c) => c.id)).toEqual(before.map((c) => c.id));
    let updated = 0;
    for (const [i, b] of before.entries()) {
      const a = after[i]!;
      const [older, newer] = [b.spec as Spec, a.spec as Spec];
      // Only where the rows changed does the comparison prove anything.
      if (JSON.stringify(sources(newer)) === JSON.stringify(sources(older))) continue;
      if (structureKey(older) !== structureKey(newer)) continue;
      updated++;
      expect(await svg(older, newer), a.id).toBe(await svg(newer));
    }
    // In a steady run most charts keep their structure while their rows grow.
    expect(updated).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it('a view made without rows and then given them (as the page makes one) draws what a view made with them draws: axis titles keep their room', async () => {
    const s = new Session({ text: readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8'), file: 'quickstart.yaml', outDir: join(tmp, 'quickstart') });
    s.advance(400);
    const final = charts(s.live.runData());
    expect(final.map((c) => c.id)).toContain('kpa');
    for (const c of final) {
      const spec = c.spec as Spec;
      expect(await svg(withoutRows(spec), spec, true), c.id).toBe(await svg(spec));
    }
  }, 60_000);

  it('an update whose y labels widen lays the view out again, so the y title stays on the chart', async () => {
    const chart = (vs: number[]): Spec => compile({
      width: 300,
      height: 100,
      data: { values: vs.map((v, t) => ({ t, v })) },
      mark: 'line',
      encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'v', type: 'quantitative', title: 'a long y axis title' } },
    }).spec as Spec;
    const [narrow, wide] = [chart([1, 2, 3]), chart([1, 20_000, 300_000])];
    expect(structureKey(wide)).toBe(structureKey(narrow));
    const view = new View(parse(narrow), { renderer: 'none' });
    await view.runAsync();
    const before = view.origin()[0];
    // Without laying out again, the title moves left of the room kept for it.
    for (const d of sources(wide)) view.data(d.name, d.values as object[]);
    await view.runAsync();
    expect(outgrown(view)).toBe(true);
    await fill(view, wide, false);
    expect(outgrown(view)).toBe(false);
    expect(view.origin()[0]).toBeGreaterThan(before + 20);
    view.finalize();
    expect(await svg(narrow, wide)).toBe(await svg(wide));
  });

  it('a changed scale bound or title is a different structure; rows alone are not', () => {
    const spec = { data: [{ name: 'a', values: [{ x: 1 }] }, { name: 'b', source: 'a' }], scales: [{ name: 'y', domain: [0, 10] }] } as unknown as Spec;
    const rows = { ...spec, data: [{ name: 'a', values: [{ x: 2 }, { x: 3 }] }, { name: 'b', source: 'a' }] } as unknown as Spec;
    const bound = { ...spec, scales: [{ name: 'y', domain: [0, 11] }] } as unknown as Spec;
    const parsed = { ...spec, data: [{ name: 'a', values: [{ x: 1 }], format: { parse: { x: 'number' } } }, { name: 'b', source: 'a' }] } as unknown as Spec;
    expect(structureKey(rows)).toBe(structureKey(spec));
    expect(structureKey(bound)).not.toBe(structureKey(spec));
    // Rows that need parsing are not swapped in place.
    expect(sources(parsed)).toEqual([]);
    expect(structureKey(parsed)).not.toBe(structureKey(spec));
  });
});
