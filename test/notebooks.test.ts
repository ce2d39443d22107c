/**
 * The teaching notebooks (notebooks/*.ipynb) and their helpers (src/notebook).
 *
 * The notebooks are executed headless with Debian's `jupyter nbconvert` and the tslab kernel
 * (jupyter/kernels/tslab/kernel.json), exactly as `npm run notebooks` does; a failing cell
 * (every notebook ends with a cell asserting the numbers it teaches) fails this test. CI
 * installs jupyter-nbconvert, so there a missing `jupyter` is a failure; on a developer
 * machine without it the execution test is skipped, saying why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  axisTitles,
  chartSvg,
  checkCites,
  deciderChart,
  estimateChart,
  runChart,
  scatterChart,
  scenario,
  scenarioFromYaml,
  proseMarkdown,
  podSteps,
  ShownTable,
  simulate,
  tableHtml,
  tablesOf,
  timeChart,
} from '../src/notebook/index.js';
import { haveChromium, openPage } from './support/browser.js';

const root = resolve(import.meta.dirname, '..');
const notebookDir = join(root, 'notebooks');
const notebooks = readdirSync(notebookDir)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

function jupyterNbconvertAvailable(): boolean {
  const r = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
  return r.status === 0;
}
const hasJupyter = jupyterNbconvertAvailable();
const inCi = Boolean(process.env['CI']);

interface NotebookJson {
  nbformat: number;
  nbformat_minor: number;
  metadata: { kernelspec?: { name?: string } };
  cells: Array<{ id?: string; cell_type: string; source: string[] | string }>;
}

describe('notebooks/*.ipynb', () => {
  it('each lesson but the last ends by naming the next one by its number and title; only the last ends the series', () => {
    const markdown = (f: string): string =>
      (JSON.parse(readFileSync(join(notebookDir, f), 'utf8')) as NotebookJson).cells
        .filter((c) => c.cell_type === 'markdown')
        .map((c) => [c.source].flat().join(''))
        .join('\n\n');
    const title = (f: string): string => /^# (\d+) · (.+)$/m.exec(markdown(f))?.[2] ?? '';
    notebooks.forEach((f, i) => {
      const text = markdown(f);
      const next = [...text.matchAll(/^Next: \*\*notebook (\d+), ([^*]+)\*\*/gm)].map((m) => [Number(m[1]), m[2]!.toLowerCase()]);
      if (i === notebooks.length - 1) {
        expect(next, f).toEqual([]);
        return;
      }
      // Notebook 5 said "That's the end of the series" while three more followed.
      expect(text, f).not.toMatch(/end of the series/i);
      expect(next, f).toEqual([[i + 2, title(notebooks[i + 1]!).toLowerCase()]]);
    });
  });

  it('are the nine lessons, nbformat 4.5 with an id on every cell and the tslab kernel', () => {
    expect(notebooks).toEqual([
      '01-how-the-kpa-decides.ipynb',
      '02-panic-mode.ipynb',
      '03-scale-to-zero-and-cold-starts.ipynb',
      '04-choosing-concurrency-and-target.ipynb',
      '05-traffic-and-rollouts.ipynb',
      '06-kpa-or-hpa.ipynb',
      '07-nodes-and-cost.ipynb',
      '08-write-your-own-autoscaler.ipynb',
      '09-when-the-control-plane-hiccups.ipynb',
    ]);
    for (const f of notebooks) {
      const nb = JSON.parse(readFileSync(join(notebookDir, f), 'utf8')) as NotebookJson;
      expect([nb.nbformat, nb.nbformat_minor], f).toEqual([4, 5]);
      expect(nb.metadata.kernelspec?.name, f).toBe('tslab');
      const ids = nb.cells.map((c) => c.id);
      expect(ids.every((id) => typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id)), f).toBe(true);
      expect(new Set(ids).size, `${f}: unique cell ids`).toBe(ids.length);
      const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => [c.source].flat().join(''));
      // Each lesson asserts the numbers it teaches, and imports compiled code (tslab cannot compile ../src).
      expect(code.some((src) => /throw new Error/.test(src)), `${f}: an assertion cell`).toBe(true);
      expect(code.some((src) => src.includes("'../src/")), `${f}: imports ../src`).toBe(false);
    }
  });

  it('are titled "N · …" by their file number, and the README lists each under its title', () => {
    // Notebook 8 was titled "7 · Write your own autoscaler", and the README listed 7 by an older title.
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const list = readme.split(/^## Notebooks$/m)[1]!.split(/^## /m)[0]!;
    for (const f of notebooks) {
      const nb = JSON.parse(readFileSync(join(notebookDir, f), 'utf8')) as NotebookJson;
      const title = [nb.cells[0]!.source].flat().join('').split('\n')[0]!.replace(/^# /, '');
      expect(title, f).toMatch(new RegExp(`^${Number(f.slice(0, 2))} · `));
      expect(list, f).toContain(`- [${title}](notebooks/${f})`);
    }
  });

  it('leave no table as a bare call: tslab prints a cell\'s last expression, so notebooks 4 and 5 dumped a ShownTable object', () => {
    for (const f of notebooks) {
      const nb = JSON.parse(readFileSync(join(notebookDir, f), 'utf8')) as NotebookJson;
      for (const c of nb.cells.filter((x) => x.cell_type === 'code')) {
        const bare = [c.source].flat().join('').split('\n').filter((line) => /^(await\s+)?showTable\(/.test(line));
        expect(bare, `${f} ${c.id ?? ''}`).toEqual([]);
      }
    }
  });

  it('has a committed tslab kernel spec without absolute paths', () => {
    const spec = JSON.parse(readFileSync(join(root, 'jupyter/kernels/tslab/kernel.json'), 'utf8')) as { argv: string[] };
    expect(spec.argv[0]).toBe('tslab');
    expect(spec.argv).toContain('{connection_file}');
  });
});

const outDir = mkdtempSync(join(tmpdir(), 'knsim-notebooks-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));


/** The numeric column headers of a page's tables and its charts' axis titles. */
function labelsOf(html: string): { headers: string[]; axes: string[] } {
  const headers: string[] = [];
  for (const t of tablesOf(html).tables.values()) {
    t.columns.forEach((c, i) => {
      if (t.rows.some((r) => r[i]?.value !== undefined)) headers.push(c);
    });
  }
  const axes = [...html.matchAll(/<img [^>]*data-axes="([^"]*)"/g)].flatMap((m) => m[1]!.split(' | '));
  return { headers, axes };
}

describe('executing the notebooks (jupyter nbconvert + tslab)', () => {
  let executed = false;
  it(
    'all nine execute without a failing cell and export HTML with charts and passed checks',
    (ctx) => {
      if (!hasJupyter) {
        const install = 'apt-get install -y --no-install-recommends jupyter-nbconvert';
        // CI installs it, so there its absence is a failure, not a reason to skip.
        if (inCi) throw new Error(`jupyter nbconvert is not installed, but CI must run the notebooks: ${install}`);
        const why = `jupyter nbconvert is not installed (${install}): the notebooks were not executed`;
        console.warn(`notebooks.test.ts: SKIPPED: ${why}`);
        ctx.skip(why);
        return;
      }
      expect(existsSync(join(root, 'dist/notebook/index.js')), 'dist is built (npm test builds it first)').toBe(true);
      // What `npm run notebooks` runs after its build, into a temporary directory.
      const r = spawnSync(process.execPath, [join(root, 'dist/notebook/run.js'), '--out', outDir], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(r.status, `npm run notebooks failed:\n${r.stderr.slice(-4000)}`).toBe(0);
      for (const f of notebooks) {
        const html = readFileSync(join(outDir, f.replace(/\.ipynb$/, '.html')), 'utf8');
        expect(html.includes('<img src="data:image/png;base64,'), `${f}: a chart`).toBe(true);
        expect(html.includes('✓ '), `${f}: the check cell printed its passed checks`).toBe(true);
      }
      executed = true;
    },
  );

  it('every number the prose quotes is the number in its table, in the same exported page', (ctx) => {
    if (!executed) return ctx.skip('the notebooks were not executed');
    for (const f of notebooks) {
      const html = readFileSync(join(outDir, f.replace(/\.ipynb$/, '.html')), 'utf8');
      const check = checkCites(html);
      expect(check.problems, f).toEqual([]);
      // Each lesson's results are quoted, not typed: dozens of numbers per notebook.
      expect(check.cites, `${f}: quoted numbers`).toBeGreaterThanOrEqual(25);
      // The prose cells are generated (a prose`…` call) and their output is in the executed notebook.
      const nb = JSON.parse(readFileSync(join(outDir, f), 'utf8')) as { cells: Array<{ cell_type: string; source: string[]; outputs?: Array<{ data?: Record<string, unknown> }> }> };
      const proseCells = nb.cells.filter((c) => c.cell_type === 'code' && c.source.join('').includes('prose`'));
      expect(proseCells.length, `${f}: generated prose cells`).toBeGreaterThanOrEqual(1);
      for (const c of proseCells) expect(c.outputs?.some((o) => o.data?.['text/markdown'] !== undefined), `${f}: prose output`).toBe(true);
    }
  });

  it('exports self-contained pages: no file:// or remote references, no scripts, execution counts on every code cell', (ctx) => {
    if (!executed) return ctx.skip('the notebooks were not executed');
    for (const f of notebooks) {
      const html = readFileSync(join(outDir, f.replace(/\.ipynb$/, '.html')), 'utf8');
      expect(html.includes('file://'), `${f}: file:// reference`).toBe(false);
      expect(html.match(/<(script|link|img|iframe)\b[^>]*\s(src|href)="(https?:)?\/\/[^"]*"/g) ?? [], `${f}: remote resources`).toEqual([]);
      expect(html.match(/@import|url\(\s*["']?(https?:)?\/\//g) ?? [], `${f}: CSS loading from elsewhere`).toEqual([]);
      expect(html.match(/<script\b/g) ?? [], `${f}: scripts`).toEqual([]);
      expect(html.includes('In&nbsp;[&nbsp;]'), `${f}: a cell without its execution count`).toBe(false);
      const nb = JSON.parse(readFileSync(join(outDir, f), 'utf8')) as { cells: Array<{ cell_type: string }> };
      const code = nb.cells.filter((c) => c.cell_type === 'code').length;
      // What a cell prints is what it logs: no value echoed as a JavaScript object dump.
      type Output = { output_type: string; text?: string[]; data?: { 'text/plain'?: string[] } };
      const printed = (JSON.parse(readFileSync(join(outDir, f), 'utf8')) as { cells: Array<{ outputs?: Output[] }> }).cells
        .flatMap((c) => c.outputs ?? [])
        .filter((o) => o.output_type === 'stream' || o.output_type === 'execute_result')
        .map((o) => [o.text ?? o.data?.['text/plain'] ?? []].flat().join(''));
      expect(printed.filter((t) => /^\w+ \{$/m.test(t)), `${f}: an echoed object`).toEqual([]);
      const counts = [...html.matchAll(/In&nbsp;\[(\d+)\]/g)].map((m) => Number(m[1]));
      expect(counts, f).toEqual(Array.from({ length: code }, (_, i) => i + 1));
    }
  });

  it('one unit convention: every numeric column header and axis title ends with its unit; times in seconds', (ctx) => {
    if (!executed) return ctx.skip('the notebooks were not executed');
    for (const f of notebooks) {
      const { headers, axes } = labelsOf(readFileSync(join(outDir, f.replace(/\.ipynb$/, '.html')), 'utf8'));
      expect(headers.length, `${f}: numeric columns`).toBeGreaterThan(3);
      expect(axes.length, `${f}: axis titles`).toBeGreaterThan(1);
      for (const label of [...headers, ...axes]) {
        expect(label, `${f}`).toMatch(/\([^()]+\)$/);
        // Seconds everywhere: no milliseconds, minutes or hours in a table or on an axis.
        expect(label, `${f}`).not.toMatch(/\((ms|min|m|h|hours?|minutes?)\)$/);
      }
    }
  });

  it.runIf(haveChromium)('an exported notebook opens in Chromium with no console or load errors and its charts drawn', async (ctx) => {
    if (!executed) return ctx.skip('the notebooks were not executed');
    const { page, errors, requests, close } = await openPage({ width: 1100, height: 1400 });
    try {
      const file = join(outDir, '01-how-the-kpa-decides.html');
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      // Every chart is an inline PNG that decoded to its full size.
      const charts = await page.$$eval('img[data-axes]', (imgs) =>
        imgs.map((el) => {
          // The page's <img> (no DOM types in this project's tsconfig).
          const i = el as unknown as { complete: boolean; naturalWidth: number; naturalHeight: number };
          return { complete: i.complete, w: i.naturalWidth, h: i.naturalHeight };
        }),
      );
      expect(charts.length).toBe(2); // notebook 1 draws two charts
      for (const c of charts) {
        expect(c.complete).toBe(true);
        expect(c.w).toBeGreaterThan(400);
        expect(c.h).toBeGreaterThan(200);
      }
      // The quoted numbers are visible text.
      expect(await page.locator('span.knsim-cite').count()).toBeGreaterThanOrEqual(25);
      expect(await page.locator('text=In [1]:').count()).toBeGreaterThanOrEqual(1);
      await page.locator('img[data-axes]').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(tmpdir(), 'knsim-notebook-01.png') });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('src/notebook helpers', () => {
  it('simulate() is deterministic and keeps per-tick data', () => {
    const a = simulate(scenario('quickstart'), { requests: true });
    const b = simulate(scenario('quickstart'), { requests: true });
    expect(a.summary.revisions).toEqual(b.summary.revisions);
    expect(a.decisions.length).toBeGreaterThan(100);
    expect(a.samples.length).toBe(a.durationSeconds + 1); // t = 0 … duration, one revision
    expect(a.requests.length).toBe(a.summary.overall.requests.total);
    expect(a.revisions).toEqual(['hello-00001']);
  });

  it('notebook 6 (KPA or HPA?): its run gives the numbers the lesson teaches', () => {
    const run = simulate(scenario('kpa-vs-hpa'), { requests: true });
    const kpa = run.summary.revisions.find((r) => r.revision === 'kpa-00001')!;
    const hpa = run.summary.revisions.find((r) => r.revision === 'hpa-00001')!;
    // Common random numbers: both services get the same 14944 requests, all answered.
    expect([kpa.requests.total, hpa.requests.total]).toEqual([14944, 14944]);
    expect(run.summary.overall.requests.ok).toBe(29888);
    // The HPA: 64 syncs every 15 s from 15 s; up 1 → 2 → 3 → 4 → 6 (each within max(2 × current, 4)), down 6 → 4 → 1.
    const syncs = run.decisions.filter((d) => d.revision === 'hpa-00001');
    expect(syncs.length).toBe(64);
    expect(syncs.every((d, i) => d.time === 15 * (i + 1))).toBe(true);
    const changes = syncs.flatMap((d, i) => (d.want !== (i === 0 ? 1 : syncs[i - 1]!.want) ? [[d.time, d.want]] : []));
    expect(changes).toEqual([[75, 2], [225, 3], [270, 4], [435, 6], [765, 4], [855, 1]]);
    // The cost and tail trade-off the text draws.
    expect([kpa.maxReadyPods, hpa.maxReadyPods]).toEqual([67, 6]);
    expect([Math.round(kpa.podSeconds), Math.round(hpa.podSeconds)]).toEqual([14186, 3765]);
    const p99 = (rev: string) => {
      const l = run.requests.filter((q) => q.revision === rev).map((q) => q.latencyMs).sort((a, b) => a - b);
      return l[Math.ceil(0.99 * l.length) - 1]!;
    };
    expect(p99('kpa-00001')).toBeLessThan(p99('hpa-00001'));
  });

  it('scenarioFromYaml() reads an inline scenario with --set overrides', () => {
    const yaml = `
name: inline
duration: 1m
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: s }
      spec: { template: { spec: { containers: [{ image: app }] } } }
clients:
  - { name: c, service: s, open: { rps: 5 } }
`;
    const s = scenarioFromYaml(yaml, { sets: ['clients[0].open.rps=7'], seed: 3 });
    expect(s.world.seed).toBe(3);
    expect(JSON.stringify(s.world.clients[0])).toContain('7');
    expect(() => scenarioFromYaml(yaml, { sets: ['clients[0].open.bogus=1'] })).toThrow(/notebooks\/inline\.yaml/);
  });

  it('scenarioFromYaml() refuses what the CLI refuses, in one line naming the notebook scenario', () => {
    // A duplicate key was yaml's own multi-line YAMLParseError; depth and size are checked before parsing.
    const cases: Array<[string, RegExp]> = [
      ['name: dup\nduration: 1m\nduration: 2m\n', /^\S*notebooks\/dup\.yaml: line 3, column 1: invalid YAML: Map keys must be unique$/],
      [`name: deep\nx: ${'['.repeat(1000)}`, /^\S*notebooks\/deep\.yaml: line 2, column 103: invalid YAML: more than 100 levels/],
      [`name: big\nx: [${Array(200_001).fill('1').join(',')}]\n`, /^\S*notebooks\/big\.yaml: line 2, column \d+: invalid YAML: more than 200000 YAML nodes/],
    ];
    for (const [text, message] of cases) {
      let err: unknown;
      try {
        scenarioFromYaml(text);
      } catch (e) {
        err = e;
      }
      expect((err as Error).constructor.name).toBe('ScenarioError');
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('a one-panel time chart whose panel has a title keeps the chart\'s title and subtitle (the panel\'s no longer replaces them)', () => {
    const spec = timeChart({ title: 'T', subtitle: 'S', panels: [{ title: 'P', yTitle: 'y (pods)', series: [] }] }) as unknown as Record<string, unknown>;
    expect(spec['title']).toEqual({ text: 'T', subtitle: 'S' });
    expect((spec['vconcat'] as Array<Record<string, unknown>>)[0]!['title']).toMatchObject({ text: 'P' });
    const bare = timeChart({ title: 'T', panels: [{ yTitle: 'y (pods)', series: [] }] }) as unknown as Record<string, unknown>;
    expect(bare['title']).toEqual({ text: 'T' });
    expect(bare['vconcat']).toBeUndefined();
  });

  it('every chart builder gives a spec that Vega-Lite and Vega render without warnings', async () => {
    const run = simulate(scenario('canary'), { requests: true });
    const specs = [
      timeChart({
        title: 't',
        panels: [
          {
            yTitle: 'y (pods)',
            integer: true,
            series: [{ name: 'a', points: [[0, 1], [1, 2]], step: true, dots: true, dashed: true }],
            bands: [{ from: 0, to: 1, label: 'b' }],
            markers: [{ at: 0.5, label: 'm' }, { at: 0.55, label: 'n' }, { at: 0.95, label: 'r' }],
            levels: [{ y: 1, label: 'l' }],
          },
          { yTitle: 'z (s)', series: [{ name: 'c', points: [[0, 0], [1, 1]] }] },
        ],
      }),
      deciderChart(run.decisions.slice(0, 50), { title: 'd', readySamples: run.samples.slice(0, 50) }),
      runChart(run, { title: 'r', panels: ['pods', 'desired', 'traffic', 'waiting', 'concurrency', 'rps'], shade: ['panic', 'proxy'] }),
      runChart(run, { title: 'r1', panels: ['pods'], revisions: ['hello-00002'], shade: ['panic', 'proxy'], from: 50, to: 120 }),
      estimateChart({
        title: 'e',
        xTitle: 'x (%)',
        yTitle: 'y (pods)',
        rows: [
          { x: 'a', group: 'g', mean: 1, lo: 0.5, hi: 1.5 },
          { x: 'b', group: 'h', mean: 2, lo: 2, hi: 2 },
        ],
        levels: [{ y: 1, label: 'one' }],
      }),
      scatterChart({ title: 's', xTitle: 'x (%)', yTitle: 'y (pods)', points: [{ x: 1, y: 1, label: 'a' }, { x: 1, y: 1, label: 'b' }] }),
    ];
    for (const spec of specs) {
      const svg = await chartSvg(spec); // throws on any Vega-Lite / Vega warning
      expect(svg.startsWith('<svg')).toBe(true);
    }
  });

  it('tableHtml() escapes text, aligns numbers right and keeps their full value', () => {
    const html = tableHtml([{ name: '<b>', 'n (s)': 1.2345 }]);
    expect(html).toContain('&lt;b&gt;');
    expect(html).toContain('data-value="1.2345">1.23<');
    expect(html).toMatch(/text-align:right[^>]*>1\.23</);
  });

  it.each([
    ['a numeric column without a unit', () => tableHtml([{ n: 1 }]), /"n": a numeric column's header ends with its unit/],
    ['a time axis without a unit', () => timeChart({ title: 't', panels: [{ yTitle: 'pods', series: [] }] }), /yTitle "pods"/],
    ['an x title without a unit', () => timeChart({ title: 't', xTitle: 'time', panels: [] }), /xTitle "time"/],
    ['an estimate chart without units', () => estimateChart({ title: 'e', xTitle: 'x', yTitle: 'y (s)', rows: [] }), /xTitle "x"/],
    ['a scatter chart without units', () => scatterChart({ title: 's', xTitle: 'x (s)', yTitle: 'y', points: [] }), /yTitle "y"/],
    ['a bare number in prose', () => proseMarkdown`t = ${240 as unknown as string}`, /quote numbers from a shown table/],
  ])('refuses %s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('the pods panel steps at the instants pods.csv records, not at the next whole second', () => {
    const run = simulate(scenario('spike-from-zero'));
    const rev = run.revisions[0]!;
    const spec = runChart(run, { title: 'r', panels: ['pods'] }) as { vconcat?: unknown[]; layer?: unknown[] };
    // The ready series' points, from the built spec (first line layer with values).
    const values = JSON.stringify(spec);
    const firstReady = run.pods.find((p) => p.revision === rev && p.event === 'Ready' && p.time > 0)!;
    expect(firstReady.time % 1).not.toBe(0); // a fractional instant, so a whole-second step would be late
    const steps = podSteps(run.pods, rev, 0, Math.ceil(firstReady.time) + 30);
    const before = steps.ready.filter(([t]) => t < firstReady.time).at(-1)![1];
    expect(steps.ready.find(([t]) => t === firstReady.time)![1]).toBeGreaterThan(before);
    expect(values).toContain(`{"x":${firstReady.time},"y":`);
    // Every count in the step series equals the count replayed from the events at that instant.
    for (const [t, n] of steps.ready) {
      const live = new Map<string, string>();
      const phases = ['Pending', 'Starting', 'Ready', 'Terminating', 'Gone'];
      for (const e of run.pods) if (e.revision === rev && e.time <= t && phases.includes(e.event)) live.set(e.pod, e.event);
      if (t > 0) expect([...live.values()].filter((v) => v === 'Ready').length, `t=${t}`).toBe(n);
    }
  });

  it('builder axis titles all carry units', () => {
    const run = simulate(scenario('canary'));
    const titles = [
      ...axisTitles(deciderChart(run.decisions.slice(0, 20), { title: 'd' })),
      ...axisTitles(runChart(run, { title: 'r', panels: ['pods', 'desired', 'traffic', 'waiting', 'concurrency', 'rps'] })),
    ];
    expect(titles).toEqual([
      'time (s)',
      'concurrency (requests in flight)',
      'pods (count)',
      'time (s)',
      'pods (count)',
      'desired (pods)',
      'traffic (%)',
      'waiting at activators (requests)',
      'stable avg (requests in flight)',
      'completed (requests/s)',
    ]);
  });

  it('checkCites() accepts quoted numbers that match their cells and reports each one that does not', () => {
    const t = new ShownTable(
      [
        { 'time (s)': 238, 'desired (pods)': 1, note: 'a' },
        { 'time (s)': 240.4567, 'desired (pods)': 1, note: 'b' },
      ],
      { id: 'ticks' },
    );
    const good = proseMarkdown`1 pod at t = ${t.cite({ 'time (s)': 238 }, 'time (s)')}, ${t.cite(1, 'time (s)', 1)} and ${t.cite(1, 'note')}`;
    expect(good).toContain('>238</span>');
    expect(good).toContain('>240.5</span>');
    expect(checkCites(`${t.html}\n${good}`)).toEqual({ cites: 3, problems: [] });
    // Notebook 1's old mistake: the text said 240 where its table said 238.
    const stale = good.replace('>238</span>', '>240</span>');
    expect(checkCites(`${t.html}\n${stale}`).problems).toEqual(['"240" (table ticks, row 0, column "time (s)"): the table says 238']);
    // A quote whose table is not in the page, and one whose row is gone.
    expect(checkCites(good).problems).toHaveLength(3);
    const fewer = new ShownTable([{ 'time (s)': 238, 'desired (pods)': 1, note: 'a' }], { id: 'ticks' });
    expect(checkCites(`${fewer.html}\n${good}`).problems).toEqual([
      '"240.5" (table ticks, row 1, column "time (s)"): no such cell',
      '"b" (table ticks, row 1, column "note"): no such cell',
    ]);
    expect(() => t.cite({ 'time (s)': 1 }, 'time (s)')).toThrow(/0 rows match/);
    expect(() => t.cite(0, 'nope')).toThrow(/no column "nope"/);
  });

  it('refuses a table with a NaN or an infinity (notebook 7 once showed a max of nothing: -Infinity s)', () => {
    expect(() => new ShownTable([{ 'wait (s)': Math.max() }], { id: 'waits' })).toThrow('table waits: row 0, column "wait (s)" is -Infinity: a table shows finite numbers only (null for none)');
    expect(() => new ShownTable([{ 'a (s)': 1 }, { 'a (s)': Number.NaN }])).toThrow(/row 1, column "a \(s\)" is NaN/);
    expect(new ShownTable([{ 'a (s)': null, 'b (s)': 0 }]).rows).toHaveLength(1);
  });
});
