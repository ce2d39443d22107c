/**
 * The tune report of a real tune (containerConcurrency × grace × retention on the
 * quickstart) in real Chromium: no console errors, every chart drawn, the charts before
 * the tables, and the four caveats visible.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { loadScenario } from '../../src/scenario/load.js';
import { createRunner } from '../../src/sweep/pool.js';
import { taskFor } from '../../src/sweep/sweep.js';
import { parseSlo, tune, winnerPatch } from '../../src/sweep/tune.js';
import { tuneFlags } from '../../src/sweep/tune-flags.js';
import { writeTuneDir } from '../../src/sweep/tune-output.js';
import { haveChromium, openPage, requireChromiumInCi } from '../support/browser.js';

const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const GRACE = 'configMaps.config-autoscaler.scale-to-zero-grace-period';
const RETENTION = 'configMaps.config-autoscaler.scale-to-zero-pod-retention-period';

requireChromiumInCi();

let html: string;
let dir: string;

beforeAll(async () => {
  // CC up to 20 (the cheapest feasible value is at the top: an edge), grace (no effect), retention.
  const axes = parseAxes([`${CC}=4..20:4`, `${GRACE}=10s,30s,60s`, `${RETENTION}=0s..3m:1m`], '--space');
  const R = 4;
  const { def } = defineSweep({ file: FILE, axes, sets: [], replications: R, flag: '--space' });
  const slos = [parseSlo('p95<=420ms'), parseSlo('errorRate<=0.1%')];
  const runner = createRunner(1);
  const result = await tune({ axes, slos, objective: 'max_pods', replications: R, evaluate: (pairs) => runner.runAll(pairs.map(([p, r]) => taskFor(FILE, def, p, r))) });
  await runner.close();
  const held = new Set(tuneFlags(axes, result, 'max_pods').noEffect.filter((f) => f.heldBySearch).map((f) => f.axis));
  const patch = winnerPatch(loadScenario(FILE), axes, result.winner!.values, ['winner'], held).yaml;
  dir = join(mkdtempSync(join(tmpdir(), 'knsim-tune-report-')), 't');
  await writeTuneDir(dir, { def, slos, objective: 'max_pods', result, patch });
  html = readFileSync(join(dir, 'report.html'), 'utf8');
}, 300_000);

describe('tune report.html', () => {
  it('puts the caveats first, the charts next and the tables last', () => {
    const order = ['<h2>Caveats</h2>', 'class="flag-tie"', 'class="flag-no-effect"', 'class="flag-edge"', 'class="flag-cluster-wide"', '<h2>Charts</h2>', 'id="chart-tune-explored"', '<h2>Explored points</h2>', '<h2>Definition</h2>'];
    const at = order.map((s) => html.indexOf(s));
    expect(at.every((i) => i >= 0), JSON.stringify(Object.fromEntries(order.map((s, i) => [s, at[i]])))).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).toContain('cluster-wide: affects every revision (ConfigMap knative-serving/config-autoscaler)');
    expect(html).toContain('latencies in ms, rates in %, cost in pod-seconds');
  });

  it('with 4 replications calls the max pods of the winner and the points\' latencies and pods their range, not a 95 % interval', () => {
    expect(html).toMatch(/<p class="lead">Winner: point \d+, max ready pods [\d.]+ \[[\d.]+, [\d.]+\] \(mean \[range of the 4 replications\]\)/);
    expect(html).toContain("<p class=\"note\">Mean [interval] over each point's runs: 95 %, but for latencies, pods and pod-seconds of a point with fewer than 5 runs their range (tune.csv's interval column says which); latencies in ms");
    expect(html).not.toContain('Mean [95 % interval]');
    expect(html).not.toContain('(mean [95 % interval])');
  });
});

describe.runIf(haveChromium)('tune report.html in a real browser', () => {
  it('renders the charts before the table, shows the flags, with no console errors', async () => {
    const { page, errors, requests, close } = await openPage({ width: 1280, height: 900 });
    try {
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);
      await page.waitForSelector('body[data-rendered]', { timeout: 120_000 }); // generous: a busy machine
      for (const id of ['tune-explored']) {
        expect(await page.locator(`#vis-${id}[data-rendered="1"] svg g.role-mark path`).count(), id).toBeGreaterThan(0);
      }
      // Laid out top to bottom: the flags, then the first chart, then the points table.
      const top = async (sel: string): Promise<number> => (await page.locator(sel).first().boundingBox())!.y;
      const [flags, chart, table] = [await top('ul.flags'), await top('#vis-tune-explored svg'), await top('h2:text("Explored points") + p + div.table')];
      expect(flags).toBeLessThan(chart);
      expect(chart).toBeLessThan(table);
      for (const kind of ['tie', 'no-effect', 'edge', 'cluster-wide']) {
        const li = page.locator(`ul.flags li.flag-${kind}`).first();
        expect(await li.isVisible(), kind).toBe(true);
      }
      expect(await page.locator('ul.flags li.flag-no-effect').innerText()).toMatch(/scale-to-zero-grace-period changed no metric in (\d+) of \1 groups/);
      expect(await page.locator('ul.flags li.flag-edge').innerText()).toMatch(/containerConcurrency=20 is the highest value searched .*widen the range above 20/);
      // In an 800 px window the page keeps to it: the points table (a column per metric) scrolls in its own box.
      await page.setViewportSize({ width: 800, height: 900 });
      const narrow = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        boxes: Array.from(document.querySelectorAll<HTMLElement>('div.table')).map((b) => ({ box: b.getBoundingClientRect().right, column: document.body.getBoundingClientRect().right, drawn: b.scrollWidth, shown: b.clientWidth })),
      }));
      expect(narrow.page).toBe(800);
      expect(narrow.boxes.length).toBe(3); // the winner's settings, the explored points, the definition
      for (const b of narrow.boxes) expect(b.box).toBeLessThanOrEqual(b.column);
      expect(narrow.boxes[1]!.drawn).toBeGreaterThan(narrow.boxes[1]!.shown);
      await page.setViewportSize({ width: 1280, height: 900 });
      // Beside the report in the test's own folder (a fixed /tmp path could overwrite someone's file).
      await page.screenshot({ path: join(dirname(dir), 'tune-report.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]); // self-contained: nothing loaded from elsewhere
    } finally {
      await close();
    }
  });
});
