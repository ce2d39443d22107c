/**
 * The numbers the README's "Reports and charts" and capacity sections read off the example charts
 * are what the shipped scenarios give with this build. Each number is taken from the README's own
 * sentence, so a sentence edited to a number the run does not give fails here, as does a run that
 * stops giving it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, runKnsim } from '../support/cli.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');

/** The README's captured numbers for a sentence pattern (whitespace normalised). */
function quoted(pattern: RegExp): number[] {
  const m = pattern.exec(readme);
  expect(m, `README: ${pattern}`).not.toBeNull();
  return m!.slice(1).map((s) => Number(s.replace(/,/g, '')));
}

/** The README says this sentence (whitespace normalised); a failure names it, not the whole README. */
function says(sentence: string): void {
  expect(readme.includes(sentence), `README: ${sentence}`).toBe(true);
}

type Row = Record<string, string>;

function csv(file: string): Row[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => {
    const cells = l.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]!]));
  });
}

describe('README chart captions against the shipped scenarios', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-readme-charts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (name: string): string => {
    const out = join(dir, name);
    const r = runKnsim(['run', `scenarios/${name}.yaml`, '--no-report', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    return out;
  };

  it('two-services: the backend needs about ten pods, 37 in its opening panic, 38 in all at the peak', () => {
    const [panic, peak] = quoted(/the backend \(orange, containerConcurrency 1\) needs about ten, and (\d+) during its opening panic\. The black line is the cluster-wide total \((\d+) at the peak\)/);
    const out = run('two-services');
    const backend = csv(join(out, 'timeseries.csv')).filter((r) => r.service === 'backend').map((r) => Number(r.ready));
    expect(Math.max(...backend)).toBe(panic);
    // The count the backend holds most of the run, after its panic.
    const counts = new Map<number, number>();
    for (const n of backend) counts.set(n, (counts.get(n) ?? 0) + 1);
    const steady = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    expect(steady).toBeGreaterThanOrEqual(8);
    expect(steady).toBeLessThanOrEqual(11);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.overall.maxReadyPods).toBe(peak);
  });

  it('spike-from-zero: up to ~710 requests wait at the activator, none in the queue-proxies', () => {
    const [most] = quoted(/Up to ~(\d+) requests buffer in the activator/);
    says('None queue in the queue-proxies (teal, 0 at every sampled second)');
    const rows = csv(join(run('spike-from-zero'), 'timeseries.csv'));
    const waiting = Math.max(...rows.map((r) => Number(r.activator_waiting)));
    expect(Math.abs(waiting - most!)).toBeLessThanOrEqual(most! * 0.02);
    expect(Math.max(...rows.map((r) => Number(r.pod_queued)))).toBe(0);
  });

  it('rollout: the new revision gets 1 %, then a little more every ~1.2 s, and 100 % about 120 s later', () => {
    const [first, step, total] = quoted(/the new revision gets (\d+) % and then a little more every ~([\d.]+) s, until it has 100 % about (\d+) s later/);
    const rows = csv(join(run('rollout'), 'timeseries.csv')).filter((r) => r.revision === 'hello-00002');
    const changes: Array<[number, number]> = [];
    for (const r of rows) {
      const pct = Number(r.traffic_percent);
      if (changes.length === 0 ? pct > 0 : pct !== changes.at(-1)![1]) changes.push([Number(r.time_s), pct]);
    }
    expect(changes[0]![1]).toBe(first);
    const done = changes.find(([, p]) => p === 100)!;
    expect(Math.abs(done[0] - changes[0]![0] - total!)).toBeLessThanOrEqual(total! * 0.05);
    const meanStep = (done[0] - changes[0]![0]) / (changes.length - 1);
    expect(Math.abs(meanStep - step!)).toBeLessThanOrEqual(0.1);
  });

  it('hello-world: warm requests take the 1 s of the app, the cold ones 3 to 5 s', () => {
    const [lo, hi] = quoted(/The cold ones took (\d+) to (\d+) s: they waited at the activator/);
    says("Warm requests take the app's 1 s.");
    const rows = csv(join(run('hello-world'), 'requests.csv')).filter((r) => r.status === '200');
    const cold = rows.filter((r) => r.cold === '1').map((r) => Number(r.latency_ms) / 1000);
    expect(cold.length).toBeGreaterThan(0);
    expect(Math.min(...cold)).toBeGreaterThanOrEqual(lo!);
    expect(Math.max(...cold)).toBeLessThanOrEqual(hi!);
    const warm = rows.filter((r) => r.cold === '0').map((r) => Number(r.latency_ms) / 1000).sort((a, b) => a - b);
    expect(warm[0]).toBeGreaterThanOrEqual(1);
    expect(warm[Math.floor(warm.length * 0.99)]).toBeLessThan(1.01); // all but a few warm requests take 1 s
  });

  it('capacity-planning: idle is 63 % of the day\'s node cost, the DaemonSets 5 %', () => {
    says('The subtitle splits the total into what revisions and DaemonSets are charged and what is idle (63 % of it here');
    says('the DaemonSets are charged 5 %');
    const r = runKnsim(['plan', 'scenarios/capacity-planning.yaml', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(Math.round((100 * plan.cost.idle) / plan.cost.total)).toBe(63);
    expect(Math.round((100 * plan.cost.daemonSets) / plan.cost.total)).toBe(5);
  });
});
