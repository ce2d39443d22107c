/**
 * A sweep's sweep.json names the knsim build whose simulations gave its rows (version and a
 * SHA-256 of the code), so shards run by two builds, which may be two models, never merge into
 * one result, and a resume file of another build is started over rather than mixed in.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashCode, knsimBuild } from '../../src/output/build-id.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { mergeSweeps, writeSweepDir } from '../../src/sweep/files.js';
import { mergeError } from './support/merge-error.js';
import { createRunner } from '../../src/sweep/pool.js';
import { openResume } from '../../src/sweep/resume.js';
import { shardPoints } from '../../src/sweep/shard.js';
import { runSweep, sweepPoints, type SweepResults } from '../../src/sweep/sweep.js';

const root = resolve(import.meta.dirname, '../..');
const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const { def } = defineSweep({ file: FILE, axes: parseAxes([`${CC}=2,4`], '--grid'), replications: 2, durationSeconds: 20 });
const VERSION = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const OTHER = { version: VERSION, build: 'f'.repeat(64) };

let dir: string;
const shards: SweepResults[] = [];
const shardOf = (i: number) => ({ index: i, count: 2 });
const sweepJsonOf = (d: string): Record<string, unknown> => JSON.parse(readFileSync(join(d, 'sweep.json'), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'knsim-shard-build-'));
  for (let i = 0; i < 2; i++) shards.push(await runSweep({ file: FILE, def, points: shardPoints(sweepPoints(def), shardOf(i)), runner: createRunner(1) }));
});

describe('the build id', () => {
  it("is the package version and the SHA-256 of the bundle the CLI runs, the build's record of it not stale", () => {
    const b = knsimBuild();
    expect(b.version).toBe(VERSION);
    expect(b.build).toMatch(/^[0-9a-f]{64}$/);
    expect(b.build).toBe(hashCode(['dist/bundle/knsim.cjs', 'dist/bundle/worker.js'], root));
  });

  it('changes when a byte of the code changes, and only then', () => {
    const d = mkdtempSync(join(tmpdir(), 'knsim-build-id-'));
    mkdirSync(join(d, 'dist'));
    writeFileSync(join(d, 'dist/a.js'), 'export const rate = 0.5;\n');
    writeFileSync(join(d, 'dist/b.js'), 'export {};\n');
    const before = hashCode(['dist/a.js', 'dist/b.js'], d);
    expect(hashCode(['dist/a.js', 'dist/b.js'], d)).toBe(before);
    writeFileSync(join(d, 'dist/a.js'), 'export const rate = 0.6;\n');
    expect(hashCode(['dist/a.js', 'dist/b.js'], d)).not.toBe(before);
    // Bytes moved from one file to the next are another build too.
    writeFileSync(join(d, 'dist/a.js'), 'export const rate = 0.5;\nexport {};\n');
    writeFileSync(join(d, 'dist/b.js'), '');
    expect(hashCode(['dist/a.js', 'dist/b.js'], d)).not.toBe(before);
  });
});

describe('sweep merge and knsim builds', () => {
  it("writes this build into a shard's sweep.json, and a merge of one build's shards carries it", async () => {
    const a = join(dir, 'same-0');
    const b = join(dir, 'same-1');
    await writeSweepDir(a, def, shardOf(0), shards[0]!, { report: false });
    await writeSweepDir(b, def, shardOf(1), shards[1]!, { report: false });
    expect(sweepJsonOf(a)['knsim']).toEqual(knsimBuild());
    const merged = mergeSweeps([a, b]);
    expect(merged.build).toEqual(knsimBuild());
    expect(merged.results.runs).toHaveLength(4);
  });

  it('refuses shards of two builds in one line naming both files and the field', async () => {
    const a = join(dir, 'mixed-0');
    const b = join(dir, 'mixed-1');
    await writeSweepDir(a, def, shardOf(0), shards[0]!, { report: false });
    await writeSweepDir(b, def, shardOf(1), shards[1]!, { report: false, build: OTHER });
    expect(mergeError([a, b])).toBe(
      `sweep merge: ${join(a, 'sweep.json')} and ${join(b, 'sweep.json')} were written by different knsim builds (knsim.build ${knsimBuild().build.slice(0, 12)}… against ffffffffffff…), so their runs may be of different models; run every shard with one knsim build`,
    );
    const v = join(dir, 'version-1');
    await writeSweepDir(v, def, shardOf(1), shards[1]!, { report: false, build: { ...knsimBuild(), version: '0.0.9' } });
    expect(mergeError([a, v])).toMatch(/different knsim builds \(knsim\.version [^ ]+ against 0\.0\.9\)/);
    const old = join(dir, 'old-1');
    await writeSweepDir(old, def, shardOf(1), shards[1]!, { report: false, build: null });
    expect(sweepJsonOf(old)['knsim']).toBeUndefined();
    expect(mergeError([a, old])).toMatch(/different knsim builds \(knsim: only the first records its build, the other is from a knsim that did not\)/);
    expect(mergeError([old, a])).toMatch(/\(knsim: only the second records its build/);
  });

  it("the merged sweep.json names the shards' build, not the merging one's", async () => {
    const a = join(dir, 'other-0');
    const b = join(dir, 'other-1');
    await writeSweepDir(a, def, shardOf(0), shards[0]!, { report: false, build: OTHER });
    await writeSweepDir(b, def, shardOf(1), shards[1]!, { report: false, build: OTHER });
    const out = join(dir, 'merged');
    const r = spawnSync(process.execPath, [join(root, 'bin/knsim.js'), 'sweep', 'merge', a, b, '--out', out, '--no-report'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(sweepJsonOf(out)['knsim']).toEqual(OTHER);
  });

  it('the CLI refuses mixed builds with exit 2 and one line, writing nothing', async () => {
    const out = join(dir, 'refused');
    const r = spawnSync(process.execPath, [join(root, 'bin/knsim.js'), 'sweep', 'merge', join(dir, 'mixed-0'), join(dir, 'mixed-1'), '--out', out, '--no-report'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^knsim: sweep merge: .*mixed-0\/sweep\.json and .*mixed-1\/sweep\.json were written by different knsim builds \(knsim\.build [0-9a-f]{12}… against ffffffffffff…\)[^\n]*\n$/);
    expect(spawnSync('ls', [out]).status).not.toBe(0);
  });

  it('a damaged knsim field is a one-line usage error naming it', async () => {
    const a = join(dir, 'damaged');
    await writeSweepDir(a, def, shardOf(0), shards[0]!, { report: false });
    const json = sweepJsonOf(a);
    json['knsim'] = { version: VERSION, build: 'abc' };
    writeFileSync(join(a, 'sweep.json'), JSON.stringify(json));
    expect(mergeError([a])).toBe(`sweep merge: ${a}: sweep.json: knsim must be {version, build} with a 64-digit hex SHA-256 build`);
  });
});

describe('sweep resume and knsim builds', () => {
  it("resumes this build's runs and starts over on another build's", async () => {
    const out = join(dir, 'resumed');
    const first = openResume(out, def, undefined, [0, 1]);
    for (const run of [...shards[0]!.runs, ...shards[1]!.runs]) first.append(run);
    const path = first.path;
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[0]).toContain(`"knsim":{"version":"${VERSION}","build":"${knsimBuild().build}"}`);
    expect(openResume(out, def, undefined, [0, 1]).done.size).toBe(4);
    // The same file as another build wrote it.
    writeFileSync(path, text.replace(knsimBuild().build, OTHER.build));
    const again = openResume(out, def, undefined, [0, 1]);
    expect(again.startedOver).toBe('its runs are of another sweep or knsim build');
    expect(again.done.size).toBe(0);
  });
});
