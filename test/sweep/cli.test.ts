/**
 * The real CLI from dist/: a sweep on 2 worker threads, the same sweep in shards merged
 * by `knsim sweep merge` (byte for byte), the tuner's YAML patch, the Job manifest, and
 * bad flags failing with one line and exit 2 before any output appears.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { formatSweepCsv } from '../../src/sweep/files.js';
import { createRunner } from '../../src/sweep/pool.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { files } from '../support/files.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/knsim.js');
const SCENARIO = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const GRID = ['--grid', `${CC}=2,4,6`, '--grid', 'configMaps.config-autoscaler.stable-window=30s,60s', '--replications', '3', '--duration', '150s'];

function knsim(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'knsim-sweep-cli-'));


describe('knsim sweep (dist)', () => {
  it('runs on 2 worker threads; 3 shards merged are byte-identical; numbers match the in-process runner', async () => {
    const dir = tmp();
    const single = knsim(['sweep', SCENARIO, ...GRID, '--workers', '2', '--out', join(dir, 'single')]);
    expect(single.stderr).toBe('');
    expect(single.code).toBe(0);
    expect(single.stdout).toMatch(/^knsim: sweep quickstart — 6 points × 3 replications = 18 runs on 2 threads in [0-9.]+ s\n/);
    for (let i = 0; i < 3; i++) {
      const r = knsim(['sweep', SCENARIO, ...GRID, '--workers', '1', '--shard', `${i}/3`, '--out', join(dir, `shard-${i}`)]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`shard ${i}/3: 2 of 6 points`);
    }
    const merge = knsim(['sweep', 'merge', join(dir, 'shard-2'), join(dir, 'shard-0'), join(dir, 'shard-1'), '--out', join(dir, 'merged')]);
    expect(merge.stderr).toBe('');
    expect(merge.code).toBe(0);
    const a = files(join(dir, 'single'));
    const b = files(join(dir, 'merged'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect(a.has('report.html') && a.has('charts/heatmap-p99-ms.png') && a.has('charts/pareto.svg')).toBe(true);
    for (const [f, bytes] of a) expect(b.get(f)!.equals(bytes), f).toBe(true);
    expect(readFileSync(join(dir, 'single', 'report.html'), 'utf8')).toContain('<h1>knsim sweep: quickstart</h1>');

    // Worker threads with WebAssembly histograms give the numbers of vitest's in-process JS runs.
    const axes = parseAxes(GRID.filter((_, i) => GRID[i - 1] === '--grid'), '--grid');
    const { def } = defineSweep({ file: SCENARIO, axes, replications: 3, durationSeconds: 150 });
    const mine = await runSweep({ file: SCENARIO, def, points: [0, 1, 2, 3, 4, 5], runner: createRunner(1) });
    expect(formatSweepCsv(def, mine.points)).toBe(a.get('sweep.csv')!.toString('utf8'));
  });

  it('bad flags exit 2 with one line, before any output', () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const cases: Array<[string[], RegExp]> = [
      [['sweep', SCENARIO, '--out', out], /^knsim: --grid: give at least one/],
      [['sweep', SCENARIO, '--grid', `${CC}`, '--out', out], /^knsim: --grid .*: expected path=v1,v2/],
      [['sweep', SCENARIO, '--grid', `${CC}=1,x`, '--out', out], /containerConcurrency: expected a number/],
      [['sweep', SCENARIO, '--grid', `${CC}=1,2`, '--shard', '2/2', '--out', out], /^knsim: --shard: must be i\/N/],
      [['sweep', SCENARIO, '--grid', `${CC}=1,2`, '--replications', 'many', '--out', out], /^knsim: --replications:/],
      [['sweep', SCENARIO, '--grid', `${CC}=1,2`, '--workers', '0', '--out', out], /^knsim: --workers:/],
      // 10^6 points × 10^4 replications: refused at once, not started.
      [['sweep', SCENARIO, '--grid', `${CC}=1..10000:1`, '--grid', 'clients[0].open.rate.steps[1].rps=1..100:1', '--replications', '10000', '--out', out], /^knsim: --replications: 1,000,000 points × 10,000 replications = 10,000,000,000 runs \(at most 1,000,000 in one process/],
      [['sweep', 'merge', join(dir, 'missing'), '--out', out], /^knsim: sweep merge: .*no sweep.json/],
      [['tune', SCENARIO, '--space', `${CC}=1..4`, '--slo', 'p99 <= fast', '--out', out], /^knsim: --slo "p99 <= fast": expected metric<=value/],
      [['tune', SCENARIO, '--space', `${CC}=1..4`, '--out', out], /^knsim: --slo: give at least one/],
      [['tune', SCENARIO, '--space', `${CC}=4..1`, '--slo', 'p99<=1s', '--out', out], /^knsim: --space .*: a range must go up/],
      [['sweep', 'k8s-job', SCENARIO, '--grid', `${CC}=1,2`, '--shards', '0'], /^knsim: --shards:/],
      // A 0 request and limit printed a Job whose pods Kubernetes runs BestEffort, with no limit at all.
      [['sweep', 'k8s-job', SCENARIO, '--grid', `${CC}=1,2`, '--cpu', '0'], /^knsim: --cpu: must be > 0 \(got "0"\); Kubernetes ignores a zero CPU request and limit, so the pod would run with neither\n$/],
      [['sweep', 'k8s-job', SCENARIO, '--grid', `${CC}=1,2`, '--cpu', '0.000m'], /^knsim: --cpu: must be > 0 \(got "0.000m"\)/],
      [['sweep', 'k8s-job', SCENARIO, '--grid', `${CC}=1,2`, '--memory', '0Gi'], /^knsim: --memory: must be > 0 \(got "0Gi"\); Kubernetes ignores a zero memory request and limit/],
    ];
    for (const [args, message] of cases) {
      const r = knsim(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('tune prints the winner as a YAML patch and writes its report', () => {
    const dir = tmp();
    const r = knsim(['tune', SCENARIO, '--space', `${CC}=2..6:2`, '--slo', 'p95<=600ms', '--slo', 'errorRate<=0.1%', '--replications', '3', '--duration', '150s', '--workers', '2', '--out', join(dir, 't')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^knsim: tune quickstart — \d+ of 3 points explored/);
    const yaml = r.stdout.slice(r.stdout.indexOf('# knsim tune'));
    const docs = parseAllDocuments(yaml).map((d) => (d as { toJS(): Record<string, any> }).toJS());
    expect(docs[0]).toMatchObject({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' } });
    expect([2, 4, 6]).toContain(docs[0]!.spec.template.spec.containerConcurrency);
    expect(readFileSync(join(dir, 't', 'winner.yaml'), 'utf8')).toBe(yaml);
    for (const f of ['tune.json', 'tune.csv', 'runs.csv', 'report.html', 'charts/tune-explored.png', 'charts/tune-space.svg']) expect(existsSync(join(dir, 't', f)), f).toBe(true);

    // Nothing meets the SLO: exit 3, one line on stderr, the explored points still written.
    const none = knsim(['tune', SCENARIO, '--space', `${CC}=2..6:2`, '--slo', 'p99<=10ms', '--replications', '2', '--duration', '60s', '--workers', '1', '--no-report', '--out', join(dir, 'n')]);
    expect(none.code).toBe(3);
    // 2 replications: the p99 bounds are their largest, about 75 % ones.
    expect(none.stderr).toMatch(/^knsim: tune: no explored configuration meets every SLO with about 75 % confidence \(2 replications; less for a skewed metric\); closest: /);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'n', 'tune.csv'))).toBe(true);
    expect(existsSync(join(dir, 'n', 'winner.yaml'))).toBe(false);
  });

  it('k8s-job prints a manifest that parses as YAML', () => {
    const r = knsim(['sweep', 'k8s-job', SCENARIO, ...GRID, '--shards', '4', '--image', 'registry.example.com/knsim:1', '--pvc', 'results']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => (d as { toJS(): Record<string, any> }).toJS());
    expect(docs.map((d) => d['kind'])).toEqual(['ConfigMap', 'Job']);
    expect(docs[1]!.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4 });
  });
});
