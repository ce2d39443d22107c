/**
 * The live charts of a run paused between two chart buckets (web/src/live-charts.ts): what
 * vega draws from them (headless, the scenegraph's points) reaches the present and shows the
 * pods the inspector shows for the same moment.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, View, type Spec } from 'vega';
import { afterAll, describe, expect, it } from 'vitest';
import { round } from '../../src/output/report/aggregate.js';
import { READY_WIDTH } from '../../src/output/report/charts/pods.js';
import { nearestDecision } from '../../web/src/inspector.js';
import { charts } from '../../web/src/live-charts.js';
import { Session } from '../../web/src/session.js';
import { root } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'knsim-live-charts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Item {
  datum?: Record<string, unknown>;
  x?: number;
  strokeWidth?: number;
  items?: Mark[];
}
interface Mark {
  marktype: string;
  items: Item[];
}

/** Every mark vega drew for `spec` (renderer none), in drawing order. */
async function drawnMarks(spec: unknown): Promise<Mark[]> {
  const view = new View(parse(spec as Spec), { renderer: 'none' });
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

/** The drawn points of the line or area mark whose rows have `key` = `value`, in x order. */
function series(marks: Mark[], type: string, key: string, value: string): Array<{ t: number; v: number; x: number }> {
  const found = marks.filter((m) => m.marktype === type && m.items[0]?.datum?.[key] === value);
  expect(found, `one ${type} for ${key} = ${value}`).toHaveLength(1);
  return found[0]!.items.filter((i) => typeof i.datum!['v'] === 'number').map((i) => ({ t: i.datum!['t'] as number, v: i.datum!['v'] as number, x: i.x! }));
}

describe('live charts of a run paused inside a chart bucket', () => {
  // quickstart: 310 s, so the live charts' buckets are 2 s wide; its first pod becomes Ready at
  // 12.06 s, and its 7th decider tick is at 13.55 s, in the same bucket [12, 14).
  const text = readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8');
  const s = new Session({ text, file: 'quickstart.yaml', outDir: join(tmp, 'quickstart') });
  for (let i = 0; i < 7; i++) s.stepTick();
  const now = s.now;
  const rev = s.live.runData().revisions[0]!;
  const readyAt = rev.pods.time[rev.pods.event.indexOf('Ready')]!;
  const tick = nearestDecision(s.live.decisions, now)!;
  const live = charts(s.live.runData(), { nowSeconds: now });
  const spec = (id: string): unknown => live.find((c) => c.id === id)!.spec;
  /** Pixels per second on the charts' 760 px wide x axis from 0 to 310 s. */
  const px = 760 / 310;

  it('the moment: a tick at the present, one ready pod, Ready since earlier in the same 2 s bucket', () => {
    expect(now).toBeCloseTo(13.552615, 5);
    expect(tick.time).toBeCloseTo(now, 5);
    expect(tick.readyPods).toBe(1);
    expect(readyAt).toBeCloseTo(12.059148, 5);
    expect(Math.floor(readyAt / 2)).toBe(Math.floor(now / 2));
  });

  it('the pods chart draws its ready line at the inspector\'s 1 ready pod from the bucket it became Ready in up to the present, wider than the lines on it', async () => {
    const marks = await drawnMarks(spec('pods'));
    const ready = series(marks, 'line', 'k', 'r');
    const last = ready[ready.length - 1]!;
    expect(last.t).toBe(round(now, 5));
    expect(last.v).toBe(tick.readyPods);
    // Drawn across [12 s, now], not a zero-width step at 12 s.
    const atOne = ready.filter((p) => p.v === 1);
    expect(atOne[0]!.t).toBe(12);
    expect(last.x - atOne[0]!.x).toBeCloseTo((now - 12) * px, 1);
    // Starting also held 1 pod in [12, 14): it is drawn after ready, narrower, so ready shows beside it.
    const lines = marks.filter((m) => m.marktype === 'line' && ['r', 's'].includes(m.items[0]?.datum?.['k'] as string));
    expect(lines.map((m) => m.items[0]!.datum!['k'])).toEqual(['r', 's']);
    expect(lines.map((m) => m.items[0]!.strokeWidth)).toEqual([READY_WIDTH, 2.1]);
    expect(series(marks, 'line', 'k', 's').filter((p) => p.t === 12).map((p) => p.v)).toEqual([1]);
    // The legend's symbols are drawn as wide as their lines.
    const symbols = marks.filter((m) => m.marktype === 'symbol').flatMap((m) => m.items).filter((i) => typeof i.datum?.['value'] === 'string' && 'rsxdw'.includes(i.datum['value'] as string));
    expect(Object.fromEntries(symbols.map((i) => [i.datum!['value'], i.strokeWidth]))).toEqual({ r: READY_WIDTH, s: 2.1, x: 3, d: 1.2, w: 1.2 });
  });

  it('the waiting and traffic charts draw the bucket the run is in up to the present: the most waiting in the samples of [12 s, now], 100 % of the traffic', async () => {
    const ts = rev.timeseries;
    const inBucket = ts.time.flatMap((t, i) => (t >= 12 && t <= now ? [ts.activatorWaiting[i]!] : []));
    // The samples at 12 s and 13 s, the activator still holding the requests of the cold start.
    expect(inBucket).toHaveLength(2);
    expect(Math.max(...inBucket)).toBeGreaterThan(0);
    const waiting = series(await drawnMarks(spec('waiting')), 'line', 'k', 'a');
    expect(waiting.slice(-2)).toEqual([
      { t: 12, v: Math.max(...inBucket), x: expect.any(Number) },
      { t: round(now, 5), v: Math.max(...inBucket), x: expect.any(Number) },
    ]);
    const traffic = await drawnMarks(spec('traffic'));
    const area = traffic.filter((m) => m.marktype === 'area')[0]!.items.map((i) => [i.datum!['t'], i.datum!['v']]);
    expect(area.slice(-2)).toEqual([[12, 100], [round(now, 5), 100]]);
  });

  it('the completions chart draws the bucket the run is in as a rate over the second it has, [12 s, 13 s], not as a dip over 2 s', async () => {
    const q = rev.requests;
    // The row at 13 s covers [12 s, 13 s); the one at 14 s is not written yet.
    const okIn = q.time.reduce((a, t, i) => (t > 12 && t <= now ? a + q.ok[i]! : a), 0);
    expect(q.time.filter((t) => t > 12)).toEqual([13]);
    expect(okIn).toBeGreaterThan(0);
    const ok = series(await drawnMarks(spec('requests')), 'area', 'outcome', 'ok');
    expect(ok.slice(-2).map((p) => [p.t, p.v])).toEqual([[12, okIn], [13, okIn]]);
    expect(ok[ok.length - 1]!.x - ok[ok.length - 2]!.x).toBeCloseTo(px, 1);
  });

  it('the ready-pods chart draws the mean ready pods of [12 s, now] up to the present', async () => {
    const marks = await drawnMarks(spec('ready-pods'));
    const area = series(marks, 'area', 's', 'hello');
    const last = area[area.length - 1]!;
    expect(last.t).toBe(round(now, 5));
    // Time-weighted over the part of the bucket that has happened: Ready from 12.06 s to now.
    expect(last.v).toBeCloseTo((now - readyAt) / (now - 12), 3);
    expect(area[area.length - 2]!.t).toBe(12);
    expect(last.x - area[area.length - 2]!.x).toBeCloseTo((now - 12) * px, 1);
  });
});
