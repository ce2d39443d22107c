import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKnsim } from '../support/cli.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/knsim.js');

const knsim = (args: string[], cwd = root) => runKnsim(args, cwd);

const tmp = (): string => mkdtempSync(join(tmpdir(), 'knsim-cli-'));

/** A small valid scenario to mutate in the error tests. */
const base = `
name: tiny
duration: 30s
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: hello }
      spec:
        template:
          metadata:
            annotations: { autoscaling.knative.dev/target: "10" }
          spec: { containerConcurrency: 0, containers: [{ image: app }] }
    initialPods: 0
clients:
  - name: load
    service: hello
    open: { rps: 5 }
`;

describe('knsim CLI', () => {
  it('--help lists the run command', () => {
    const r = knsim(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('knsim run <scenario>');
  });

  it('runs a scenario and writes every output file, with a summary on stdout', () => {
    const out = join(tmp(), 'run');
    const r = knsim(['run', 'scenarios/quickstart.yaml', '--out', out, '--duration', '60s']);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^knsim: quickstart — 60 s simulated/);
    for (const f of ['summary.json', 'settings.json', 'requests.csv', 'autoscaler.csv', 'pods.csv', 'timeseries.csv', 'requests-per-second.csv', 'latency-cdf.csv']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.simulatedSeconds).toBe(60);
    const rows = readFileSync(join(out, 'requests.csv'), 'utf8').trim().split('\n');
    expect(rows.length - 1).toBe(summary.overall.requests.total);
  });

  it('the same scenario and seed give byte-identical files (wallSeconds aside)', () => {
    const a = join(tmp(), 'a');
    const b = join(tmp(), 'b');
    expect(knsim(['run', 'scenarios/quickstart.yaml', '--out', a, '--seed', '3']).code).toBe(0);
    expect(knsim(['run', 'scenarios/quickstart.yaml', '--out', b, '--seed', '3']).code).toBe(0);
    const files = readdirSync(a, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name).slice(a.length + 1)).sort();
    expect(files).toContain('report.html');
    expect(files).toContain(join('charts', 'pods.png'));
    expect(readdirSync(b, { recursive: true }).length).toBe(readdirSync(a, { recursive: true }).length);
    // wallSeconds is the only field allowed to differ (and the report shows it).
    const strip = (s: string) => s.replace(/"wallSeconds": ?[0-9.e+-]+/g, '"wallSeconds":0').replace(/simulated in [0-9.]+ s/g, '').replace(/wall[^<]{0,40}?[0-9.]+ s/g, '');
    for (const f of files) {
      if (f.endsWith('.png')) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
      else expect(strip(readFileSync(join(b, f), 'utf8')), f).toBe(strip(readFileSync(join(a, f), 'utf8')));
    }
    const c = join(tmp(), 'c');
    expect(knsim(['run', 'scenarios/quickstart.yaml', '--out', c, '--seed', '4']).code).toBe(0);
    expect(readFileSync(join(c, 'requests.csv'), 'utf8')).not.toBe(readFileSync(join(a, 'requests.csv'), 'utf8'));
  });

  it('--trace none skips requests.csv but keeps the summary', () => {
    const out = join(tmp(), 'run');
    expect(knsim(['run', 'scenarios/quickstart.yaml', '--out', out, '--trace', 'none', '--duration', '30s']).code).toBe(0);
    expect(existsSync(join(out, 'requests.csv'))).toBe(false);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });

  it('--no-series skips the time series, keeps pods.csv and the summary, and says what it wrote', () => {
    const out = join(tmp(), 'run');
    const r = knsim(['run', 'scenarios/quickstart.yaml', '--out', out, '--no-series', '--no-report', '--duration', '30s']);
    expect(r.code).toBe(0);
    for (const f of ['timeseries.csv', 'autoscaler.csv', 'requests-per-second.csv']) expect(existsSync(join(out, f)), f).toBe(false);
    for (const f of ['summary.json', 'settings.json', 'requests.csv', 'pods.csv', 'latency-cdf.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.stdout).toContain(`wrote ${out}/ (summary.json, settings.json, requests.csv, pods.csv, latency-cdf.csv)`);
  });

  it('a scenario\'s series: false skips the time series, and --series writes them anyway', () => {
    const dir = tmp();
    const scenario = join(dir, 'tiny.yaml');
    writeFileSync(scenario, `${base}series: false\n`);
    const series = ['timeseries.csv', 'autoscaler.csv', 'requests-per-second.csv'];
    const without = join(dir, 'without');
    expect(knsim(['run', scenario, '--out', without, '--no-report']).code).toBe(0);
    for (const f of series) expect(existsSync(join(without, f)), f).toBe(false);
    expect(existsSync(join(without, 'pods.csv'))).toBe(true);
    const withSeries = join(dir, 'with');
    expect(knsim(['run', scenario, '--out', withSeries, '--no-report', '--series']).code).toBe(0);
    for (const f of series) expect(existsSync(join(withSeries, f)), f).toBe(true);
  });

  it('--set overrides an annotation and a ConfigMap key', () => {
    const dir = tmp();
    writeFileSync(join(dir, 's.yaml'), base);
    const out = join(dir, 'out');
    const r = knsim(['run', join(dir, 's.yaml'), '--out', out,
      '--set', 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]=20',
      '--set', 'configMaps.config-autoscaler.stable-window=30s']);
    expect(r.stderr).toBe('');
    const settings = JSON.parse(readFileSync(join(out, 'settings.json'), 'utf8'));
    expect(settings.revisions[0].target).toBe(14);
    expect(settings.revisions[0].stableWindowSeconds).toBe(30);
  });

  const bad: Array<[string, string | null, string[], RegExp]> = [
    ['an unknown flag', null, ['--bogus'], /^knsim: Unknown argument: --bogus$/],
    ['a bad seed', null, ['--seed', 'x'], /^knsim: --seed: must be a whole number ≥ 0 \(got "x"\)$/],
    ['a bad duration', null, ['--duration', 'soon'], /^knsim: --duration: invalid duration "soon": not a Go duration/],
    ['a bare number as duration', null, ['--duration', '90'], /^knsim: --duration: invalid duration "90": missing unit \(use ns, us, ms, s, m or h; did you mean "90s"\?\)$/],
    ['a bad trace mode', null, ['--trace', 'all'], /^knsim: --trace: must be none, full or sample=R/],
    ['a missing file', 'MISSING', [], /^knsim: .*nope\.yaml: /],
    ['an unknown key', base.replace('duration: 30s', 'duration: 30s\nbogus: 1'), [], /^knsim: .*s\.yaml: bogus: unknown field/],
    ['a wrong type', base.replace('duration: 30s', 'duration: [1]'), [], /^knsim: .*s\.yaml: duration: /],
    ['an invalid annotation', base.replace('target: "10"', 'target: "0"'), [], /^knsim: .*s\.yaml: services\[0\]\.manifest\.spec\.template\.metadata\.annotations\["autoscaling\.knative\.dev\/target"\]: /],
    ['an invalid ConfigMap value', base.replace('duration: 30s', 'duration: 30s\nconfigMaps:\n  config-autoscaler: { stable-window: 61984ms }'), [], /^knsim: .*s\.yaml: configMaps\.config-autoscaler\["stable-window"\]: /],
    ['traffic not summing to 100', base.replace('spec: { containerConcurrency: 0, containers: [{ image: app }] }', 'spec: { containerConcurrency: 0, containers: [{ image: app }] }\n        traffic: [{ latestRevision: true, percent: 99 }]'), [], /^knsim: .*s\.yaml: services\[0\]\.manifest\.spec\.traffic.*100/],
    ['an unreadable manifest path', base.replace(/- manifest:[\s\S]*?initialPods/, '- manifestFile: missing.yaml\n    initialPods'), [], /^knsim: .*s\.yaml: services\[0\]\.manifestFile: /],
  ];
  it.each(bad)('%s: one line naming the file, field and rule; exit 2; no output', (_label, yaml, extra, pattern) => {
    const dir = tmp();
    let file = join(dir, 's.yaml');
    if (yaml === 'MISSING') file = join(dir, 'nope.yaml');
    else writeFileSync(file, yaml ?? base);
    const out = join(dir, 'out');
    const r = knsim(['run', file, '--out', out, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });
});
