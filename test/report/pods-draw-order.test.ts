/**
 * The pods chart of capacity-planning (24 h in 1 min steps). At 22.43 h the decider asked for 8
 * pods and 6 were not Ready (5 of them Pending, waiting for room on a node): the blue line's
 * rise was drawn at the same x, as wide as, and under the desired and want lines, and did not
 * show. Each line is now drawn narrower than every line under it. What is plotted is checked
 * against pods.csv and autoscaler.csv (brute force), what vega draws against the draw order,
 * and the caption against what the blue line counts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, View, type Spec as VegaSpec } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { DRAW, READY_WIDTH } from '../../src/output/report/charts/pods.js';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv, dataOf } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');
const BUCKET = 60;

/** Which count a pods.csv event puts its pod in (events not listed leave it where it was). */
const COUNT: Record<string, 'r' | 's' | 'x' | 'gone'> = {
  Ready: 'r',
  Pending: 's',
  Starting: 's',
  ImagePullBackOff: 's',
  NotReady: 's',
  CrashLoopBackOff: 's',
  Terminating: 'x',
  Gone: 'gone',
};

/** Per 1 min bucket, the most pods each count held in it, from pods.csv: at its start and after each instant in it. */
function heldFromPods(dir: string, buckets: number): Record<'r' | 's' | 'x', number[]> {
  const rows = csv(dir, 'pods.csv').map((e) => ({ t: Number(e['time_s']), pod: e['pod']!, to: COUNT[e['event']!] }));
  const out = { r: new Array<number>(buckets).fill(0), s: new Array<number>(buckets).fill(0), x: new Array<number>(buckets).fill(0) };
  const where = new Map<string, 'r' | 's' | 'x'>();
  const level = { r: 0, s: 0, x: 0 };
  const raise = (b: number): void => {
    for (const k of ['r', 's', 'x'] as const) out[k][b] = Math.max(out[k][b]!, level[k]);
  };
  let b = 0;
  let i = 0;
  while (i < rows.length) {
    const t = rows[i]!.t;
    // Every bucket up to the one t falls in held the level from before (unless t is its very start).
    const tb = Math.floor(t / BUCKET);
    for (; b < tb; b++) raise(b);
    if (t > tb * BUCKET) raise(tb);
    for (; i < rows.length && rows[i]!.t === t; i++) {
      const { pod, to } = rows[i]!;
      if (to === undefined) continue;
      const was = where.get(pod);
      if (was !== undefined) level[was]--;
      if (to === 'gone') where.delete(pod);
      else {
        level[to]++;
        where.set(pod, to);
      }
    }
    raise(tb);
  }
  for (; b < buckets; b++) raise(b);
  return out;
}

/** Per bucket, the most desired (or want) the decider set in it, else the last set before. */
function setFromDecisions(dir: string, column: 'desired' | 'want', buckets: number): number[] {
  const set: number[][] = Array.from({ length: buckets }, () => []);
  for (const e of csv(dir, 'autoscaler.csv')) {
    const v = Number(e[column]);
    if (v >= 0) set[Math.floor(Number(e['time_s']) / BUCKET)]!.push(v);
  }
  const out: number[] = [];
  let held = Number.NaN;
  for (const inStep of set) {
    if (inStep.length > 0) held = inStep[inStep.length - 1]!;
    out.push(inStep.length > 0 ? Math.max(...inStep) : held);
  }
  return out;
}

interface Item {
  datum?: Record<string, unknown>;
  strokeWidth?: number;
  items?: Mark[];
}
interface Mark {
  marktype: string;
  role?: string;
  items: Item[];
}

/** Every mark vega draws for a Vega-Lite spec, in drawing order. */
async function drawnMarks(spec: unknown): Promise<Mark[]> {
  const view = new View(parse(compile(spec as TopLevelSpec).spec as VegaSpec), { renderer: 'none' });
  await view.runAsync();
  const out: Mark[] = [];
  const walk = (m: Mark): void => {
    out.push(m);
    for (const item of m.items) for (const child of item.items ?? []) walk(child);
  };
  walk((view.scenegraph() as unknown as { root: Mark }).root);
  view.finalize();
  return out;
}

describe('the pods chart of capacity-planning', () => {
  let dir: string;
  let chart: NonNullable<ReturnType<typeof reportCharts>['charts'][number]>;
  beforeAll(() => {
    const loaded = loadScenario(join(root, 'scenarios', 'capacity-planning.yaml'), { sets: [] });
    dir = join(mkdtempSync(join(tmpdir(), 'knsim-pods-draw-')), 'cp');
    runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
    chart = reportCharts(loadRunData(dir)).charts.find((c) => c.id === 'pods')!;
  }, 120_000);

  it('plots in each 1 min step the most pods.csv held and the most autoscaler.csv set, the 22.43 h step included', () => {
    const rows = dataOf(chart.spec, 'data_pods_0');
    const buckets = 24 * 60;
    const held = heldFromPods(dir, buckets);
    const desired = setFromDecisions(dir, 'desired', buckets);
    const want = setFromDecisions(dir, 'want', buckets);
    let checked = 0;
    for (const row of rows) {
      const b = Math.round((row['t']! * 3600) / BUCKET);
      if (b >= buckets) continue; // the last step held to the run's end
      expect([row['r'], row['s'], row['x'], row['d'], row['w']], `step at ${row['t']} h`).toEqual([held.r[b], held.s[b], held.x[b], desired[b], want[b]]);
      checked++;
    }
    expect(checked).toBe(buckets);
    expect(rows.find((r) => r['t'] === 22.43333)).toEqual({ t: 22.43333, d: 8, w: 8, r: 3, s: 6, x: 1 });
  });

  it('draws ready, terminating, not Ready, desired, want in that order, each narrower than the ones before, and the legend as wide', async () => {
    const marks = await drawnMarks(chart.spec);
    const lines = marks.filter((m) => m.marktype === 'line' && typeof m.items[0]?.datum?.['k'] === 'string');
    expect(lines.map((m) => [m.items[0]!.datum!['k'], m.items[0]!.strokeWidth])).toEqual([
      ['r', READY_WIDTH],
      ['x', 3],
      ['s', 2.1],
      ['d', 1.2],
      ['w', 1.2],
    ]);
    // Strictly narrower than every line under it, but desired and want (dashed and dotted, in each other's gaps).
    for (let i = 1; i < DRAW.length; i++) if (DRAW[i]!.key !== 'w') expect(DRAW[i]!.width).toBeLessThan(DRAW[i - 1]!.width);
    const symbols = marks.filter((m) => m.marktype === 'symbol').flatMap((m) => m.items).filter((i) => typeof i.datum?.['value'] === 'string' && 'rsxdw'.includes(i.datum['value'] as string));
    expect(Object.fromEntries(symbols.map((i) => [i.datum!['value'], i.strokeWidth]))).toEqual({ r: READY_WIDTH, s: 2.1, x: 3, d: 1.2, w: 1.2 });
  });

  it('its caption says the blue line counts pods not Ready, Pending ones waiting for a node included; its subtitle names the per-step maximum once', () => {
    expect(chart.explanation).toContain('against the pods Ready, not Ready (Pending or starting; Pending includes pods waiting for room on a node) and terminating;');
    expect(chart.explanation).not.toContain('actually starting');
    expect(chart.explanation).toContain('Each line is drawn over wider ones, so a line that holds the same count as another shows on both sides of it; desired and want, as thin as each other, show in each other’s gaps.');
    const subtitle = (chart.spec as unknown as { title: { subtitle: string[] } }).title.subtitle;
    expect(subtitle).toEqual([
      'Desired and want are step functions set at each decider evaluation; pod counts come from the pod transitions (pods.csv).',
      'Each 1 min step shows the most of each line: pods held, desired and want set in it.',
    ]);
  });
});
