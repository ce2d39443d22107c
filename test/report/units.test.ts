/**
 * One unit convention across the run report: every chart axis and legend and every table row
 * names its unit, and times on the run's clock use one unit (s, min or h by run length) on
 * every time axis and in the summary table alike.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { buildHtml } from '../../src/output/report/html.js';
import { type RunData, buildReport, loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

const root = resolve(import.meta.dirname, '../..');

/** The unit named in a title's last parentheses, if it is one. */
const UNIT = /\((?:[^()]*[ ,])?(s|min|h|ms|count|requests\/s|concurrent requests|%|requests|\$|\$\/h)(?:[ ,][^()]*)?\)\s*$/;
const names = (title: string): boolean => UNIT.test(title) || /\(% of traffic\)$|\(share, %\)$/.test(title);

type Obj = Record<string, unknown>;

function walk(o: unknown, visit: (o: Obj) => void): void {
  if (o === null || typeof o !== 'object') return;
  if (Array.isArray(o)) return o.forEach((v) => walk(v, visit));
  visit(o as Obj);
  for (const v of Object.values(o as Obj)) walk(v, visit);
}

/** Axis titles and legend titles of one chart spec, as written and as Vega-Lite compiles them. */
function titles(spec: unknown): { x: string[]; y: string[]; legends: string[]; compiledAxes: string[]; untitled: string[] } {
  const out = { x: [] as string[], y: [] as string[], legends: [] as string[], compiledAxes: [] as string[], untitled: [] as string[] };
  walk(spec, (o) => {
    const enc = o['encoding'] as Obj | undefined;
    if (enc !== undefined) {
      for (const ch of ['x', 'y'] as const) {
        const e = enc[ch] as Obj | undefined;
        if (e === undefined || e['field'] === undefined) continue;
        if (typeof e['title'] === 'string') out[ch].push(e['title']);
        else out.untitled.push(`${ch}:${String(e['field'])}`);
      }
      for (const e of Object.values(enc)) {
        const legend = (e as Obj | undefined)?.['legend'] as Obj | undefined;
        if (legend !== undefined && legend !== null && typeof legend['title'] === 'string') out.legends.push(legend['title']);
      }
    }
  });
  walk(compile(spec as never).spec, (o) => {
    for (const a of (o['axes'] as Obj[] | undefined) ?? []) if (a['title'] !== undefined) out.compiledAxes.push(String(a['title']));
  });
  return out;
}

function runOf(name: string, seconds: number): string {
  const loaded = loadScenario(join(root, 'scenarios', `${name}.yaml`), { sets: [], durationSeconds: seconds });
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-units-')), name);
  runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
  return dir;
}

function expectUnits(run: RunData, duration: number, unit: string, present: string): void {
  const { charts, ctx } = reportCharts({ ...run, durationSeconds: duration });
  expect(ctx.axis.unit).toBe(unit);
  expect(charts.map((c) => c.id)).toContain(present);
  for (const c of charts) {
    const t = titles(c.spec);
    expect(t.untitled, `${c.id}: axes without a title`).toEqual([]);
    for (const title of [...t.x, ...t.y, ...t.compiledAxes]) expect(names(title), `${c.id} axis "${title}"`).toBe(true);
    // The shading legend ("periods") marks spans of the time axis: its unit is that axis's.
    for (const title of t.legends.filter((l) => l !== 'periods')) expect(names(title), `${c.id} legend "${title}"`).toBe(true);
    // One time unit: each x axis is either the run's clock in the run's unit or latency in ms.
    for (const x of [...t.x, ...t.compiledAxes.filter((a) => a.startsWith('time'))]) expect([`time since start (${unit})`, 'latency (ms, log)'], `${c.id}`).toContain(x);
    expect(t.y.length + t.x.length, c.id).toBeGreaterThan(1);
  }
}

describe('units in the run report', () => {
  let dir: string;
  let run: RunData;
  beforeAll(() => {
    dir = runOf('two-services', 150);
    run = loadRunData(dir);
  });

  // The same data drawn as a run of 150 s, 3 h and 2 days: the time unit follows the run length.
  for (const [duration, unit] of [[150, 's'], [3 * 3600, 'min'], [2 * 86_400, 'h']] as const) {
    it(`every axis title and legend of every chart names a unit; every time axis is in ${unit} (${duration} s run)`, () => {
      expectUnits(run, duration, unit, 'ready-pods');
    });
  }

  it('with node pools too: the nodes and cost charts name counts, $ and $/h', () => {
    const cluster = loadRunData(runOf('capacity-planning', 6 * 3600));
    for (const [duration, unit] of [[1200, 's'], [6 * 3600, 'min'], [86_400, 'h']] as const) {
      expectUnits(cluster, duration, unit, 'nodes');
      expectUnits(cluster, duration, unit, 'cost');
    }
  });

  it('every row of the settings and summary tables names its unit, and run-clock times use the time axes\' unit', async () => {
    const { htmlPath } = await buildReport(dir, { images: false });
    const labelsOf = (html: string, table: string): string[] => {
      const body = html.slice(html.indexOf(`<table class="${table}">`), html.indexOf('</table>', html.indexOf(`<table class="${table}">`)));
      return [...body.matchAll(/<tr><td>([^<]*)<\/td>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    };
    const html = readFileSync(htmlPath, 'utf8');
    const labels = [...labelsOf(html, 'settings'), ...labelsOf(html, 'summary')];
    expect(labels.length).toBeGreaterThan(30);
    // Names, not quantities: the service and the metric's name.
    for (const l of labels.filter((x) => x !== 'service' && x !== 'metric')) expect(l, l).toMatch(/\([^()]+\)$/);
    for (const l of ['first pod ready at (s since start)', 'time in panic (s)', 'created at (s since start)', 'ready pod time (pod-hours)']) expect(labels).toContain(l);

    // The same run as a 3-hour one: the summary's run-clock times turn into minutes.
    const { charts, ctx } = reportCharts({ ...run, durationSeconds: 3 * 3600 });
    const long = buildHtml({ summary: run.summary, settings: run.settings, axis: ctx.axis, charts, missing: [] });
    const row = (label: string): string[] => {
      const i = long.indexOf(`<tr><td>${label}</td>`);
      expect(i, label).toBeGreaterThan(0);
      return [...long.slice(i, long.indexOf('</tr>', i)).matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]!).slice(1);
    };
    const panic = run.summary.overall.panicSeconds;
    expect(panic).toBeGreaterThan(0);
    expect(Number(row('time in panic (min)')[0]!.replace(/,/g, ''))).toBeCloseTo(panic / 60, 4);
    const first = run.summary.revisions[0]!.timeToFirstReadySeconds!;
    expect(Number(row('first pod ready at (min since start)')[1])).toBeCloseTo(first / 60, 4);
    expect(long).toContain('Times on the run’s clock are in minutes (min)');
  });
});
