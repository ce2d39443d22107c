/**
 * `knsim test` takes the work-limit flags and applies them to each scenario as `knsim run`
 * does: a scenario over a limit is refused before anything runs (exit 2, one line, like a
 * scenario that does not load); a run stopped by a cap while it goes is that scenario's
 * ERROR (exit 1, in the JUnit XML as an <error>), like any scenario that fails while running.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKnsim } from '../support/cli.js';
import { tinyScenario } from '../support/tiny-scenario.js';
import { parseXml } from '../support/xml.js';
import { neverReadyScenario } from '../support/never-ready.js';

const knsim = (args: string[], cwd: string) => runKnsim(args, cwd, { CI: '1' }, 120_000);

/** A folder holding `files` (name → YAML), and where --junit writes. */
function suite(files: Record<string, string>): { dir: string; junit: string } {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-test-limits-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, junit: join(dir, 'out.xml') };
}

// 50 requests/s × 30 s = 1500 requests foreseen.
const busy = `${tinyScenario('busy', '30s', 50)}expect:\n  - maxReadyPods == 1\n  - total within 1400..1600\n`;
// 5 requests/s × 30 s = 150 requests foreseen.
const calm = `${tinyScenario('calm', '30s', 5)}expect:\n  - maxReadyPods == 1\n`;

describe('knsim test --max-requests and the other work-limit flags', () => {
  it('a scenario past --max-requests 1000 is refused before any scenario runs: one line naming the flag, exit 2, no JUnit', () => {
    const { dir, junit } = suite({ 'a-calm.yaml': calm, 'b-busy.yaml': busy });
    const r = knsim(['test', dir, '--junit', junit, '--max-requests', '1000'], dir);
    expect(r.stderr).toBe(`knsim: ${join(dir, 'b-busy.yaml')}: clients[0].open.rps: 50 requests/s × 30 s = 1500 requests exceeds the limit of 1000 requests (raise with --max-requests)\n`);
    expect(r.code).toBe(2);
    // a-calm.yaml, first in order and within the limit, did not run either.
    expect(r.stdout).toBe('');
    expect(existsSync(junit)).toBe(false);
  });

  it('the same scenarios pass with the limit raised', () => {
    const { dir, junit } = suite({ 'a-calm.yaml': calm, 'b-busy.yaml': busy });
    const r = knsim(['test', dir, '--junit', junit, '--max-requests', '2000'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('  '))).toEqual([
      '  PASS maxReadyPods == 1: got 1',
      '  PASS maxReadyPods == 1: got 1',
      expect.stringMatching(/^ {2}PASS total within 1400\.\.1600: got 1[45]\d\d$/),
    ]);
    expect(lines.at(-1)).toBe('3 passed, 0 failed');
    expect(parseXml(readFileSync(junit, 'utf8')).attrs).toMatchObject({ tests: '3', failures: '0', errors: '0' });
  });

  it('a run that --max-requests stops while it goes is that scenario\'s ERROR with the one-line message: exit 1, an <error> in the JUnit XML, the other scenarios still run', () => {
    // 100 users with no think time on a revision that never becomes Ready: each request is a 404 after
    // the 1 ms ingress hop. 100 × 10 s / 0.101 s ≈ 9901 requests foreseen, within 1e4; the loop sends 1e4 in 0.1 s.
    const never = neverReadyScenario('10s', [], ['expect:', '  - noRoute >= 1']);
    const { dir, junit } = suite({ 'a-never.yaml': never, 'b-calm.yaml': calm });
    const file = join(dir, 'a-never.yaml');
    const message = `${file}: clients[0].closed.think: 10000 requests sent by 0.101 s (--max-requests): users answered at once (404 before a revision is Ready, 502, 503) send again after 0 s; add think time or raise --max-requests`;
    const r = knsim(['test', dir, '--junit', junit, '--max-requests', '1e4'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${file} (never)`,
      `  ERROR ${message}`,
      `${join(dir, 'b-calm.yaml')} (calm)`,
      '  PASS maxReadyPods == 1: got 1',
      'failed in 1 of 2 scenarios:',
      `  ${file}: ERROR ${message}`,
      '1 passed, 1 failed',
    ]);
    const doc = parseXml(readFileSync(junit, 'utf8'));
    expect(doc.attrs).toMatchObject({ tests: '2', failures: '0', errors: '1' });
    const run = doc.children[0]!.children[0]!;
    expect(run.attrs['name']).toBe('run');
    expect(run.children.map((c) => [c.name, c.attrs['message']])).toEqual([['error', message]]);
    // Without the flag the run's own cap (ten times the 9901 foreseen, at least 1e7) lets it finish.
    const free = knsim(['test', file], dir);
    expect(free.stdout.trim().split('\n')).toEqual([`${file} (never)`, '  PASS noRoute >= 1: got 1000000', '1 passed, 0 failed']);
    expect(free.code).toBe(0);
  });

  it('--max-in-flight caps each run: past it, that scenario\'s ERROR naming the flag, exit 1', () => {
    // 1001 arrivals at 0 s are all in flight at 0.001 s, when they reach the ingress.
    const burst = `${tinyScenario('burst', '10s', 1).replace('open: { rps: 1 }', 'trace: { file: burst.csv }')}expect:\n  - total == 1001\n`;
    const { dir } = suite({ 's.yaml': burst, 'burst.csv': '0\n'.repeat(1001) });
    const file = join(dir, 's.yaml');
    const r = knsim(['test', file, '--max-in-flight', '1000'], dir);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${file} (burst)`,
      `  ERROR ${file}: clients[0].trace.file: 1001 requests in flight (sent, not yet answered) at 0.001 s: more than the limit of 1000; send fewer at once, give the revisions more pods, or raise --max-in-flight`,
      '0 passed, 1 failed',
    ]);
    expect(r.code).toBe(1);
    const ok = knsim(['test', file, '--max-in-flight', '1001'], dir);
    expect(ok.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
    expect(ok.code).toBe(0);
  });

  it.each([
    ['--max-requests', 'many', 'knsim: --max-requests: must be a whole number > 0 such as 5e9 (got "many")'],
    ['--max-requests', '0.5', 'knsim: --max-requests: must be a whole number > 0 such as 5e9 (got "0.5")'],
    ['--max-pods', '0', 'knsim: --max-pods: must be a whole number > 0 such as 4e6 (got "0")'],
    ['--max-in-flight', '1.5', 'knsim: --max-in-flight: must be a whole number > 0 such as 4e6 (got "1.5")'],
  ])('%s %s is a usage error: one line, exit 2, nothing runs, no JUnit', (flag, value, line) => {
    const { dir, junit } = suite({ 's.yaml': calm });
    const r = knsim(['test', join(dir, 's.yaml'), '--junit', junit, flag, value], dir);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `${line}\n`]);
    expect(existsSync(junit)).toBe(false);
  });
});

describe('knsim test and load warnings', () => {
  it('prints a scenario\'s load warnings on stderr as knsim run does, and still runs it', () => {
    const typo = `${tinyScenario('typo', '10s', 5)}configMaps:\n  config-autoscaler: { stable-windw: 30s }\nexpect:\n  - maxReadyPods == 1\n`;
    const { dir } = suite({ 'typo.yaml': typo });
    const r = knsim(['test', dir], dir);
    const run = knsim(['run', join(dir, 'typo.yaml'), '--no-report', '--out', join(dir, 'out')], dir);
    expect(r.stderr).toBe(`knsim: warning: ${join(dir, 'typo.yaml')}: configMaps.config-autoscaler["stable-windw"]: unknown config-autoscaler key, ignored (did you mean stable-window?)\n`);
    expect(run.stderr).toBe(r.stderr);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
  });
});
