/**
 * Shards merged equal a single run, byte for byte (every file, charts and report
 * included), and the worker-thread pool gives the same numbers as running in-process.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { mergeSweeps, readSweepDir, writeSweepDir } from '../../src/sweep/files.js';
import { createRunner } from '../../src/sweep/pool.js';
import { shardPoints, type Shard } from '../../src/sweep/shard.js';
import { runSweep, sweepPoints, type SweepDefinition } from '../../src/sweep/sweep.js';
import { files } from '../support/files.js';

const FILE = 'scenarios/quickstart.yaml';
const TARGET = 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]';
const tmp = (): string => mkdtempSync(join(tmpdir(), 'knsim-sweep-'));

function define(): SweepDefinition {
  const axes = parseAxes([`${TARGET}=5,20,70`, 'configMaps.config-autoscaler.stable-window=30s,60s'], '--grid');
  return defineSweep({ file: FILE, axes, replications: 3, durationSeconds: 150 }).def;
}


async function runShard(def: SweepDefinition, out: string, shard: Shard | undefined, report = true): Promise<void> {
  const points = shardPoints(sweepPoints(def), shard);
  const results = await runSweep({ file: FILE, def, points, runner: createRunner(1) });
  await writeSweepDir(out, def, shard, results, { report });
}

describe('sweep shards and merge', () => {
  it('shards merged equal a single run byte for byte', async () => {
    const def = define();
    const root = tmp();
    await runShard(def, join(root, 'single'), undefined);
    for (let i = 0; i < 3; i++) await runShard(def, join(root, `shard-${i}`), { index: i, count: 3 });
    // A shard holds its own points and no report.
    expect(readSweepDir(join(root, 'shard-1')).results.points.map((p) => p.point)).toEqual([1, 4]);
    expect(existsSync(join(root, 'shard-1', 'report.html'))).toBe(false);

    const merged = mergeSweeps([2, 0, 1].map((i) => join(root, `shard-${i}`)));
    await writeSweepDir(join(root, 'merged'), merged.def, undefined, merged.results);
    const a = files(join(root, 'single'));
    const b = files(join(root, 'merged'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect([...a.keys()]).toEqual(expect.arrayContaining(['sweep.csv', 'runs.csv', 'sweep.json', 'report.html', 'charts/pareto.png', 'charts/heatmap-p99-ms.svg']));
    for (const [f, bytes] of a) expect(b.get(f)!.equals(bytes), f).toBe(true);

    const csv = readFileSync(join(root, 'single', 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 6);
    expect(csv[0]).toMatch(/^point,"services\[0\]\.manifest.*",replications,interval,p50_ms_mean,p50_ms_lo,p50_ms_hi,/);
    // 3 replications: lo and hi are the range for latencies and pods, a 95 % interval only for the rates.
    expect(csv[1]).toMatch(/^0,5,30s,3,range \(rates: 95 %\),/);
    expect(readFileSync(join(root, 'single', 'runs.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 18);
  });

  it('refuses missing, overlapping or foreign shards', async () => {
    const def = define();
    const root = tmp();
    for (let i = 0; i < 2; i++) await runShard(def, join(root, `s${i}`), { index: i, count: 2 }, false);
    expect(() => mergeSweeps([join(root, 's0')])).toThrow(/points are in none of the directories.*missing shard 1\/2/);
    expect(() => mergeSweeps([join(root, 's0'), join(root, 's0'), join(root, 's1')])).toThrow(/is in both/);
    const other = { ...def, replications: 2 };
    await runShard(other, join(root, 'o1'), { index: 1, count: 2 }, false);
    expect(() => mergeSweeps([join(root, 's0'), join(root, 'o1')])).toThrow(UsageError);
    expect(() => mergeSweeps([join(root, 'nope')])).toThrow(/no sweep.json/);
    // A tampered row count is caught.
    const csv = join(root, 's1', 'sweep.csv');
    writeFileSync(csv, readFileSync(csv, 'utf8').split('\n').slice(0, -2).join('\n') + '\n');
    expect(() => mergeSweeps([join(root, 's0'), join(root, 's1')])).toThrow(/should hold/);
  });

  it('refuses a sweep.json whose axis path is no --set path in one line naming the file and field', async () => {
    const def = define();
    const root = tmp();
    const dir = join(root, 'd');
    await runShard(def, dir, { index: 0, count: 1 }, false);
    const damage = (path: string): void => {
      const stable = 'configMaps.config-autoscaler["stable-window"]';
      const json = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
      json.definition.axes[1].path = path;
      writeFileSync(join(dir, 'sweep.json'), JSON.stringify(json));
      // The CSV headers as knsim would write them for that path, so only the path is at fault.
      for (const f of ['sweep.csv', 'runs.csv']) writeFileSync(join(dir, f), readFileSync(join(dir, f), 'utf8').replace(`"${stable.replace(/"/g, '""')}"`, `"${path}"`));
    };
    damage('[[[');
    expect(() => mergeSweeps([dir])).toThrow(new UsageError(`sweep merge: ${dir}: sweep.json: definition.axes[1].path must be a --set path (the path must start with a field name)`));
  });

  it('a failed write leaves no directory behind', async () => {
    const def = define();
    const root = tmp();
    const results = await runSweep({ file: FILE, def, points: [0], runner: createRunner(1) });
    const out = join(root, 'out');
    // Rows without metrics make the write fail after the temporary directory was created.
    const broken = { points: results.points.map((p) => ({ ...p, metrics: undefined as never })), runs: results.runs };
    await expect(writeSweepDir(out, def, undefined, broken)).rejects.toThrow();
    expect(readdirSync(root)).toEqual([]);
  });

  it('worker threads (piscina, from src through tsx) give the numbers of the in-process runner', async () => {
    const def = define();
    const points = [0, 3, 5];
    const inProcess = await runSweep({ file: FILE, def, points, runner: createRunner(1) });
    const pool = createRunner(2);
    try {
      const threaded = await runSweep({ file: FILE, def, points, runner: pool });
      expect(threaded).toEqual(inProcess);
    } finally {
      await pool.close();
    }
  });
});

describe('sweep merge and the files a scenario reads', () => {
  /** A scenario beside its manifest file, trace and autoscaler module, in a fresh directory. */
  function project(): string {
    const dir = tmp();
    writeFileSync(join(dir, 'svc.yaml'), 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: { name: hello }\nspec: { template: { metadata: { annotations: { autoscaling.knative.dev/class: mine.example.com } }, spec: { containers: [{ image: app }] } } }\n');
    writeFileSync(join(dir, 'arrivals.csv'), 'arrival\n' + Array.from({ length: 40 }, (_, i) => String(1 + i * 0.5)).join('\n') + '\n');
    writeFileSync(join(dir, 'scaler.js'), "export default { apiVersion: 'knsim.dev/v1', create() { return { decide() { return { desiredScale: 1 }; } }; } };\n");
    writeFileSync(
      join(dir, 's.yaml'),
      `name: files
duration: 30s
autoscalerClasses:
  - { name: mine.example.com, module: ./scaler.js }
services:
  - manifestFile: svc.yaml
    initialPods: 1
clients:
  - { name: t, service: hello, trace: { file: arrivals.csv } }
`,
    );
    return dir;
  }
  const defineIn = (dir: string): SweepDefinition =>
    defineSweep({ file: join(dir, 's.yaml'), axes: parseAxes(['configMaps.config-autoscaler.stable-window=30s,60s'], '--grid'), replications: 1 }).def;

  it('sweep.json names each file with its SHA-256, relative to the scenario', () => {
    const def = defineIn(project());
    expect(def.inputs!.map((x) => x.file)).toEqual(['arrivals.csv', 'scaler.js', 'svc.yaml']);
    for (const x of def.inputs!) expect(x.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The same files elsewhere give the same definition: shards may see the project at other paths.
    expect(defineIn(project())).toEqual(def);
  });

  it.each([
    { file: 'arrivals.csv', edit: (t: string) => t.replace('\n1\n', '\n1.25\n') },
    { file: 'svc.yaml', edit: (t: string) => t.replace('{ name: hello }', '{ name: hello, labels: { a: b } }') },
    { file: 'scaler.js', edit: (t: string) => t.replace('desiredScale: 1', 'desiredScale: 2') },
  ])('refuses shards run after $file changed, naming it', async ({ file, edit }) => {
    const dir = project();
    const scenario = join(dir, 's.yaml');
    const before = defineIn(dir);
    const root = tmp();
    const shard = async (def: SweepDefinition, index: number): Promise<void> => {
      const results = await runSweep({ file: scenario, def, points: shardPoints(sweepPoints(def), { index, count: 2 }), runner: createRunner(1) });
      await writeSweepDir(join(root, `s${index}`), def, { index, count: 2 }, results, { report: false });
    };
    await shard(before, 0);
    writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
    const after = defineIn(dir);
    await shard(after, 1);
    expect(() => mergeSweeps([join(root, 's0'), join(root, 's1')])).toThrow(new RegExp(`definitions differ: ${file.replace('.', '\\.')} has other contents \\(sha256 [0-9a-f]{12}… against [0-9a-f]{12}…\\)`));
    // Only the edited file's digest moved.
    expect(after.inputs!.filter((x) => x.file !== file)).toEqual(before.inputs!.filter((x) => x.file !== file));
  });
});
