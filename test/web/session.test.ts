/**
 * The playground's worker code path (web/src/session.ts) in node: the same scenario and
 * seed give the CLI's files, however the run is sliced or stepped.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PlaygroundFiles } from '../../web/src/files.js';
import { Session } from '../../web/src/session.js';
import { root, runKnsim } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'knsim-web-session-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const withoutWall = (json: string): unknown => {
  const s = JSON.parse(json) as Record<string, unknown>;
  delete s['wallSeconds'];
  return s;
};

/** How the run is driven: in uneven slices, and by single decider ticks then slices. */
const DRIVES: Array<[string, (s: Session) => void]> = [
  ['uneven slices', (s) => {
    for (let t = 0.37; !s.done; t += 7.3) s.advance(t);
  }],
  ['ticks, then slices', (s) => {
    for (let i = 0; i < 40 && !s.done; i++) s.stepTick();
    while (!s.done) s.advance(s.now + 13);
  }],
];

/** The shipped traces, by path relative to scenarios/ (as the playground bundles them). */
const shippedTraces = (): PlaygroundFiles =>
  new PlaygroundFiles(Object.fromEntries(readdirSync(join(root, 'scenarios/traces')).map((f) => [`traces/${f}`, readFileSync(join(root, 'scenarios/traces', f), 'utf8')])));

/** hello-world with the activator's CPU modelled (summary.json gets the activator pool). */
const withActivatorCpu = (text: string): string => text.replace(/^duration: 5m$/m, 'duration: 5m\ncluster:\n  activatorCpu: { perRequest: 5ms }');

describe.each([
  ['hello-world', 7, undefined, undefined],
  ['canary', 3, 240, undefined],
  // Trace replay: the traces are given as text, parsed by the same readers as the CLI's files.
  ['azure-trace', 1, undefined, undefined],
  // Node pools: nodes.csv, and nodes and cost in summary.json.
  ['capacity-planning', 2, 6 * 3600, undefined],
  ['hello-world', 7, undefined, withActivatorCpu],
] as Array<[string, number, number | undefined, ((text: string) => string) | undefined]>)('%s (seed %i)', (name, seed, duration, edit) => {
  const tag = `${name}${edit !== undefined ? '-edited' : ''}`;
  const shipped = readFileSync(join(root, 'scenarios', `${name}.yaml`), 'utf8');
  const text = edit === undefined ? shipped : edit(shipped);
  // An edited scenario is run by the CLI from a copy beside the shipped one's files.
  const file = edit === undefined ? `scenarios/${name}.yaml` : join(tmp, `${tag}.yaml`);
  if (edit !== undefined) {
    expect(text).not.toBe(shipped);
    writeFileSync(file, text);
  }
  const cliOut = join(tmp, `cli-${tag}`);
  const args = ['run', file, '--seed', String(seed), '--out', cliOut, ...(duration !== undefined ? ['--duration', `${duration}s`] : [])];
  const cli = runKnsim(args);

  it.each(DRIVES)('%s: every file equals knsim run (summary.json without wallSeconds)', (_how, drive) => {
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const out = join(tmp, `web-${tag}-${_how.replace(/\W+/g, '-')}`);
    const s = new Session({ text, file: `${name}.yaml`, seed, durationSeconds: duration, outDir: out }, shippedTraces());
    drive(s);
    // The CLI's report (charts/, report.html) is compared in the browser test.
    const cliFiles = readdirSync(cliOut).filter((f) => !['.knsim-output.json', 'charts', 'report.html'].includes(f)).sort();
    expect(readdirSync(out).sort()).toEqual(cliFiles);
    // What the page offers for download (report.html aside).
    expect([...s.files].sort()).toEqual(cliFiles);
    for (const f of cliFiles) {
      const a = readFileSync(join(cliOut, f), 'utf8');
      const b = readFileSync(join(out, f), 'utf8');
      if (f === 'summary.json') expect(withoutWall(b), f).toEqual(withoutWall(a));
      else expect(b === a, f).toBe(true);
    }
    expect(s.summary?.seed).toBe(seed);
    // The parts of the summary that only some scenarios have are there.
    const keys = Object.keys(s.summary!);
    if (name === 'capacity-planning') expect(keys).toEqual(expect.arrayContaining(['nodes', 'cost']));
    if (edit === withActivatorCpu) expect(keys).toContain('activatorPool');
  });
});

describe('stepTick', () => {
  it('advances to the next decider tick: one tick evaluation per revision due, 2 s apart', () => {
    const text = readFileSync(join(root, 'scenarios/hello-world.yaml'), 'utf8');
    const s = new Session({ text, file: 'hello-world.yaml', outDir: join(tmp, 'step') });
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = s.live.decisions.length;
      s.stepTick();
      const ticks = s.live.decisions.slice(before).filter((d) => !d.poke);
      expect(ticks).toHaveLength(1);
      expect(s.now).toBeCloseTo(ticks[0]!.time, 6);
      times.push(s.now);
    }
    expect(times.slice(1).map((t, i) => Math.round((t - times[i]!) * 1e6) / 1e6)).toEqual([2, 2, 2, 2, 2]);
  });
});

describe('files a scenario names', () => {
  const text = readFileSync(join(root, 'scenarios/azure-trace.yaml'), 'utf8');

  it('a trace the playground does not have is an error at the trace\'s file, naming the files it has', () => {
    expect(() => new Session({ text, file: 'scenario.yaml', outDir: join(tmp, 'missing') })).toThrow(
      /^scenario\.yaml: clients\[0\]\.trace\.file: cannot read "traces\/azure2021-sample\.csv": not in the playground \(it has no files; add it with "Add a file the scenario names" under the editor\)$/,
    );
    const some = new PlaygroundFiles({ 'traces/azure2021-sample.csv': 'app,func,end_timestamp,duration\na,f,10,1\n' });
    expect(() => new Session({ text, file: 'scenario.yaml', outDir: join(tmp, 'missing2') }, some)).toThrow(
      /clients\[1\]\.trace\.file: cannot read "traces\/arrivals-sample\.csv": not in the playground \(it has traces\/azure2021-sample\.csv; /,
    );
  });

  it('a bad trace is the CLI\'s error, at the scenario\'s field and the trace\'s line', () => {
    const bad = new PlaygroundFiles({ 'traces/azure2021-sample.csv': 'app,func,end_timestamp,duration\na,f,10,1\na,f,ten,1\n', 'traces/arrivals-sample.csv': '1\n' });
    expect(() => new Session({ text, file: 'scenario.yaml', outDir: join(tmp, 'bad') }, bad)).toThrow(
      /^scenario\.yaml: clients\[0\]\.trace\.file: traces\/azure2021-sample\.csv: line 3, column end_timestamp: not a number: "ten"$/,
    );
  });

  it('a trace the user adds that is not UTF-8 text is refused as the CLI refuses it, not read as replacement characters', () => {
    const dir = join(tmp, 'packed');
    mkdirSync(join(dir, 'traces'), { recursive: true });
    writeFileSync(join(dir, 'scenario.yaml'), text);
    writeFileSync(join(dir, 'traces/azure2021-sample.csv'), readFileSync(join(root, 'scenarios/traces/azure2021-sample.csv')));
    const gz = gzipSync('1\n2\n');
    writeFileSync(join(dir, 'traces/arrivals-sample.csv'), gz);
    const cli = runKnsim(['run', join(dir, 'scenario.yaml'), '--out', join(dir, 'out'), '--no-report']);
    expect(cli.code).toBe(2);
    const rule = 'traces/arrivals-sample.csv: line 1: the file is gzip-compressed, not text: unpack it first (gunzip)';
    expect(cli.stderr).toContain(rule);
    const files = shippedTraces();
    files.add('traces/arrivals-sample.csv', new Uint8Array(gz));
    expect(() => new Session({ text, file: 'scenario.yaml', outDir: join(tmp, 'packed-web') }, files)).toThrow(`scenario.yaml: clients[1].trace.file: ${rule}`);
  });
});

describe('a scenario with series: false', () => {
  it('the playground writes the files knsim run writes, summary.json too: it takes no samples either, and draws no chart from them', () => {
    const cliOut = join(tmp, 'cli-no-series');
    const cli = runKnsim(['run', 'scenarios/hello-world.yaml', '--set', 'series=false', '--out', cliOut, '--no-report']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const text = `${readFileSync(join(root, 'scenarios/hello-world.yaml'), 'utf8')}\nseries: false\n`;
    const out = join(tmp, 'web-no-series');
    const s = new Session({ text, file: 'hello-world.yaml', outDir: out });
    s.advance(s.durationSeconds / 2);
    // Mid-run, the live data offers no series (nor decisions' file), as the finished run will have none.
    expect(s.live.runData().files).toMatchObject({ timeseries: false, autoscaler: false, requestSeries: false, pods: true });
    s.advance(s.durationSeconds);
    const cliFiles = readdirSync(cliOut).filter((f) => f !== '.knsim-output.json').sort();
    expect(cliFiles).not.toContain('timeseries.csv');
    expect(readdirSync(out).sort()).toEqual(cliFiles);
    for (const f of cliFiles) {
      const a = readFileSync(join(cliOut, f), 'utf8');
      const b = readFileSync(join(out, f), 'utf8');
      if (f === 'summary.json') expect(withoutWall(b), f).toEqual(withoutWall(a));
      else expect(b === a, f).toBe(true);
    }
  });
});
