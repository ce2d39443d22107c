import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runKnsim } from '../support/cli.js';
import { scenarioInTempDir, tinyScenario } from '../support/tiny-scenario.js';
import { neverReadyScenario } from '../support/never-ready.js';

const knsim = (args: string[]) => runKnsim(args, root, {}, 120_000);
const setup = () => scenarioInTempDir('knsim-limits-', tinyScenario('tiny', '30s', 5));

describe('work limits on the command line', () => {
  it('run refuses rps: 1e12 before simulating: one line, exit 2, no output', () => {
    const { file, out } = setup();
    const r = knsim(['run', file, '--out', out, '--no-report', '--set', 'clients[0].open.rps=1e12']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`knsim: ${file}: clients[0].open.rps: 1e12 requests/s × 30 s = 3e13 requests exceeds the limit of 1e9 requests (raise with --max-requests)\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('--max-requests lowers and raises the limit', () => {
    const { file, out } = setup();
    const low = knsim(['run', file, '--out', out, '--no-report', '--max-requests', '100']);
    expect(low.code).toBe(2);
    expect(low.stderr).toBe(`knsim: ${file}: clients[0].open.rps: 5 requests/s × 30 s = 150 requests exceeds the limit of 100 requests (raise with --max-requests)\n`);
    const ok = knsim(['run', file, '--out', out, '--no-report', '--max-requests', '200']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });

  it('run refuses files that cannot fit on the disk, before simulating: one line, exit 2, no output', () => {
    // 100 revisions for about 820,000 simulated years: some 80 TB of time series, more than any disk here.
    const dir = mkdtempSync(join(tmpdir(), 'knsim-limits-'));
    const file = join(dir, 'wide.yaml');
    const services = Array.from({ length: 100 }, (_, i) => `  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: s${i} }, spec: { template: { spec: { containers: [{ image: app }] } } } }`);
    writeFileSync(file, ['name: wide', 'duration: 2000000h', 'services:', ...services, 'clients:', '  - { name: load, service: s0, open: { rps: 1 } }', ''].join('\n'));
    const out = join(dir, 'out');
    const r = knsim(['run', file, '--out', out, '--no-report', '--max-events', '1e14', '--max-requests', '1e10']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^knsim: \S+wide\.yaml: duration: the run's files would take about [0-9.]+ TB \(timeseries\.csv [0-9.]+ TB, autoscaler\.csv [0-9.]+ TB, …\) but [0-9.]+ [KMGT]?B is free for --out \S+; shorten the run, use --no-series, or write elsewhere\n$/,
    );
    expect(Number(/about ([0-9.]+) TB/.exec(r.stderr)![1])).toBeGreaterThan(50);
    expect(existsSync(out)).toBe(false);
  });

  // The scale-down-delay window was a ring of one slot per 2 s allocated up front: 1.8e9 slots
  // for 1000000h, and V8 aborted with its out-of-memory stack trace. It now grows with the run.
  it('an enormous scale-down-delay runs in little memory', () => {
    const { file, out } = setup();
    const r = knsim(['run', file, '--out', out, '--no-report', '--set', 'configMaps.config-autoscaler.scale-down-delay=1000000h']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  // Ten million arrivals at one instant in a 20 MB trace filled V8's heap after a minute and
  // aborted with its out-of-memory stack trace; the run now stops at the cap on requests in flight.
  it('a trace of 2,000,001 arrivals at one instant stops at the cap on requests in flight: one line, exit 2, no output', () => {
    const { file, out } = scenarioInTempDir('knsim-limits-', tinyScenario('burst', '10s', 1).replace('open: { rps: 1 }', 'trace: { file: burst.csv }'));
    writeFileSync(join(file, '..', 'burst.csv'), '0\n'.repeat(2_000_001));
    const r = knsim(['run', file, '--out', out, '--no-report', '--trace', 'none']);
    expect(r.stderr).toBe(
      `knsim: ${file}: clients[0].trace.file: 2000001 requests in flight (sent, not yet answered) at 0.001 s: more than the limit of 2000000 (about 1 GB); send fewer at once, give the revisions more pods, or raise --max-in-flight\n`,
    );
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  // 1001 arrivals at 0 s are all in flight at 0.001 s, when they reach the ingress: far below the default cap.
  const burst = (arrivals: number) => {
    const s = scenarioInTempDir('knsim-limits-', tinyScenario('burst', '10s', 1).replace('open: { rps: 1 }', 'trace: { file: burst.csv }'));
    writeFileSync(join(s.file, '..', 'burst.csv'), '0\n'.repeat(arrivals));
    return s;
  };
  const pastThousand = (file: string) =>
    `knsim: ${file}: clients[0].trace.file: 1001 requests in flight (sent, not yet answered) at 0.001 s: more than the limit of 1000; send fewer at once, give the revisions more pods, or raise --max-in-flight`;

  it('--max-in-flight lowers the cap on requests in flight: past it, one line naming the flag and the number, exit 2, no output', () => {
    const { file, out } = burst(1001);
    const r = knsim(['run', file, '--out', out, '--no-report', '--trace', 'none', '--max-in-flight', '1000']);
    expect(r.stderr).toBe(`${pastThousand(file)}\n`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    const ok = knsim(['run', file, '--out', out, '--no-report', '--trace', 'none', '--max-in-flight=1001']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });

  it('sweep runs carry --max-in-flight, on worker threads too: the failing run is named', () => {
    const { file, out } = burst(1001);
    const r = knsim(['sweep', file, '--grid', 'configMaps.config-autoscaler.stable-window=30s,60s', '--replications', '1', '--workers', '2', '--max-in-flight', '1e3', '--no-report', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`${pastThousand(file)} (at point `)).toBe(true);
    expect(r.stderr).toMatch(/ \(at point \d: stable-window=\d+s, replication 0, seed 1\)\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['1.5', 'run'],
    ['0', 'run'],
    ['many', 'sweep'],
  ])('--max-in-flight %s is a usage error (%s): one line naming the flag and the rule, exit 2', (value, command) => {
    const { file, out } = setup();
    const grid = command === 'sweep' ? ['--grid', 'clients[0].open.rps=1,2'] : [];
    const r = knsim([command, file, ...grid, '--out', out, '--no-report', '--max-in-flight', value]);
    expect(r.stderr).toBe(`knsim: --max-in-flight: must be a whole number > 0 such as 4e6 (got "${value}")\n`);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('a bad limit flag is a usage error', () => {
    const { file, out } = setup();
    const r = knsim(['run', file, '--out', out, '--max-pods', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('knsim: --max-pods: must be a whole number > 0 such as 4e6 (got "many")\n');
  });

  it('sweep checks every point before the first run', () => {
    const { file, out } = setup();
    const r = knsim(['sweep', file, '--out', out, '--no-report', '--workers', '1', '--replications', '1', '--grid', 'clients[0].open.rps=5,1e12']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`knsim: ${file}: clients[0].open.rps: 1e12 requests/s × 30 s = 3e13 requests exceeds the limit of 1e9 requests (raise with --max-requests)\n`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('a run that sends far more requests than foreseen (users looping on answers that take no time)', () => {
  // 100 users with no think time on a revision that never becomes Ready: every request is a 404
  // after the 1 ms ingress hop, 100,000 a simulated second, where the estimate foresaw ~1,000.
  const neverReady = (): { file: string; out: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-limits-'));
    const file = join(dir, 'never.yaml');
    writeFileSync(file, neverReadyScenario('1h'));
    return { file, out: join(dir, 'out') };
  };

  it('--max-requests stops it while it runs: one line naming the closed loop, exit 2, no output', () => {
    const { file, out } = neverReady();
    // 10 s: 100 × 10 / 0.101 ≈ 9,900 requests foreseen, within 1e5; the loop sends 1e5 in about a second.
    const r = knsim(['run', file, '--out', out, '--no-report', '--duration', '10s', '--max-requests', '1e5']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `knsim: ${file}: clients[0].closed.think: 100000 requests sent by 1.001 s (--max-requests): users answered at once (404 before a revision is Ready, 502, 503) send again after 0 s; add think time or raise --max-requests\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('sweep runs carry the same cap, on worker threads too: the failing run is named', () => {
    const { file, out } = neverReady();
    // The file by its name, from its folder: a long temporary folder would leave the line's cap no room for the run's name.
    const r = runKnsim(['sweep', basename(file), '--grid', 'configMaps.config-autoscaler.stable-window=30s,60s', '--replications', '1', '--workers', '2', '--duration', '10s', '--max-requests', '1e5', '--out', out], dirname(file), {}, 120_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^knsim: never\.yaml: clients\[0\]\.closed\.think: 100000 requests sent by 1\.001 s \(--max-requests\): .* \(at point \d: stable-window=\d+s, replication 0, seed 1\)\n$/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('absurdly nested YAML', () => {
  const RULE = 'more than 100 levels of lists and mappings inside each other';

  it('run --set with 5000 [ is refused by the nesting rule, not a stack overflow', () => {
    const { file, out } = setup();
    const r = knsim(['run', file, '--out', out, '--no-report', '--set', `duration=${'['.repeat(5000)}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    // The echo of the expression is capped at 160 characters, its middle elided.
    const echo = `--set duration=${'['.repeat(5000)}`;
    expect(r.stderr).toBe(`knsim: ${file}: ${echo.slice(0, 40)}…${echo.slice(echo.length - 119)}: invalid value: ${RULE}\n`);
  });

  it('a scenario file with 5000 [ is refused at its line and column', () => {
    const { file, out } = scenarioInTempDir('knsim-limits-', tinyScenario('tiny', `${'['.repeat(5000)}`, 5));
    const r = knsim(['run', file, '--out', out, '--no-report']);
    expect(r.code).toBe(2);
    // "duration: " is 10 columns; the top mapping is level 1, so the 100th [ (column 110) is level 101.
    expect(r.stderr).toBe(`knsim: ${file}: line 2, column 110: invalid YAML: ${RULE}\n`);
  });
});
