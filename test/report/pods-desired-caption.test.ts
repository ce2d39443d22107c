/**
 * The pods chart's caption says what its desired and want lines show in each step: the most
 * the decider set in it. It said only that they were step functions set at each evaluation,
 * while a step (1 s here) showed 29 from its start though the decider set 29 at 1.87 s.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv, dataOf } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

describe('the pods chart of the first 2 s of hello-world', () => {
  let dir: string;
  beforeAll(() => {
    const loaded = loadScenario(join(root, 'scenarios', 'hello-world.yaml'), { sets: [], durationSeconds: 2 });
    dir = join(mkdtempSync(join(tmpdir(), 'knsim-pods-caption-')), 'hw');
    runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
  });

  it('draws in each second the most desired the decider set in it (or held into it), and its caption says so', () => {
    const spec = reportCharts(loadRunData(dir)).charts.find((c) => c.id === 'pods')!.spec;
    const rows = dataOf(spec, 'data_pods_0');
    const evaluations = csv(dir, 'autoscaler.csv').map((e) => ({ t: Number(e['time_s']), d: Number(e['desired']) }));
    // The second 1..2 s: the decider held 2 until it set 29 at 1.87 s.
    const inSecond = evaluations.filter((e) => e.t >= 1 && e.t < 2);
    expect(inSecond.length).toBeGreaterThan(0);
    expect(inSecond[0]!.t).toBeGreaterThan(1.5);
    for (const r of rows.filter((x) => x['t']! < 2)) {
      const b = r['t']!;
      const set = evaluations.filter((e) => e.t >= b && e.t < b + 1).map((e) => e.d);
      const held = evaluations.filter((e) => e.t < b).map((e) => e.d).at(-1);
      expect(r['d'], `second ${b}`).toBe(set.length > 0 ? Math.max(...set) : held);
    }
    expect(rows.find((r) => r['t'] === 1)!['d']).toBe(29);
    const subtitle = JSON.stringify((spec as unknown as { title: { subtitle: unknown } }).title.subtitle);
    expect(subtitle).toContain('Each 1 s step shows the most of each line: pods held, desired and want set in it.');
  });

  it('its explanation calls each line by the dash it is drawn with (desired dashed, want dotted; it said want was dashed)', () => {
    const chart = reportCharts(loadRunData(dir)).charts.find((c) => c.id === 'pods')!;
    const text = JSON.stringify(chart.spec);
    // The dash pattern of each line, in the order of the legend's domain.
    const m = /"strokeDash":\{"field":"k","type":"nominal","scale":\{"domain":(\[[^\]]*\]),"range":(\[(?:\[[^\]]*\],?)*\])/.exec(text);
    expect(m).not.toBeNull();
    const domain = JSON.parse(m![1]!) as string[];
    const range = JSON.parse(m![2]!) as number[][];
    // Keys of the lines: d desired, w want.
    const dash = (key: string) => range[domain.indexOf(key)]!;
    const kind = (p: number[]) => (p[1] === 0 ? 'solid' : p[0]! > p[1]! ? 'dashed' : 'dotted');
    expect([kind(dash('d')), kind(dash('w'))]).toEqual(['dashed', 'dotted']);
    expect(chart.explanation).toContain('desired scale (dashed)');
    expect(chart.explanation).toContain('want (dotted)');
  });
});
