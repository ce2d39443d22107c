/**
 * The pod cap at run time: an autoscaler that asks for absurdly many pods (a user class
 * returning 1e15) stops with one line and exit 2 within seconds, instead of filling the heap.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKnsim } from '../support/cli.js';

function scenarioWith(desiredScale: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-pod-limit-'));
  writeFileSync(join(dir, 'scaler.ts'), `export default { apiVersion: 'knsim.dev/v1', create() { return { decide() { return { desiredScale: ${desiredScale} }; } }; } };\n`);
  const file = join(dir, 's.yaml');
  writeFileSync(
    file,
    `name: mod
duration: 30s
autoscalerClasses:
  - { name: my.example.com, module: ./scaler.ts }
services:
  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { metadata: { annotations: { autoscaling.knative.dev/class: my.example.com } }, spec: { containers: [{ image: app }] } } } }
    initialPods: 1
clients:
  - { name: c, service: hello, open: { rps: 5 } }
`,
  );
  return { dir, file };
}

describe('the pod cap at run time (--max-pods)', () => {
  it.each([
    { scale: '1e15', flags: [], limit: '100000', asked: '1e15' },
    { scale: '250000', flags: ['--max-pods', '200000'], limit: '200000', asked: '250000' },
    // The largest double, shown to three digits: not "Infinity".
    { scale: 'Number.MAX_VALUE', flags: [], limit: '100000', asked: '1\\.8e308' },
    // Refused before any pod is made: building the 4e8 that fit under the cap first ran out of heap.
    { scale: '5e8', flags: ['--max-pods', '4e8'], limit: '4e8', asked: '5e8' },
  ])('desiredScale $scale with $flags: exit 2, one line naming the revision and its class, no output', ({ scale, flags, limit, asked }) => {
    const { dir, file } = scenarioWith(scale);
    const out = join(dir, 'out');
    const r = runKnsim(['run', file, '--out', out, '--no-report', ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^knsim: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: services\\[0\\]: revision hello-00001 \\(autoscaler class my\\.example\\.com\\) asked for ${asked} pods at [\\d.]+ s: more than the limit of ${limit} pods at once \\(raise with --max-pods\\)\\n$`),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('pods still terminating count, and the message says how many: 8 asked again while 7 of the last 8 terminate', () => {
    const { dir, file } = scenarioWith('i.nowSeconds < 10 ? 8 : i.nowSeconds < 16 ? 1 : 8');
    writeFileSync(join(dir, 'scaler.ts'), readFileSync(join(dir, 'scaler.ts'), 'utf8').replace('decide()', 'decide(i: { nowSeconds: number })'));
    const r = runKnsim(['run', file, '--out', join(dir, 'out'), '--no-report', '--max-pods', '10']);
    expect(r.code).toBe(2);
    // "asked for 8 pods: more than the limit of 10" alone read as a wrong refusal.
    expect(r.stderr).toMatch(/: revision hello-00001 \(autoscaler class my\.example\.com\) asked for 8 pods at [\d.]+ s while 7 other pods exist \(terminating, or of other revisions\): more than the limit of 10 pods at once \(raise with --max-pods\)\n$/);
  });

  it('a run within the cap is untouched: 3 pods asked, 3 ready', () => {
    const { dir, file } = scenarioWith('3');
    const out = join(dir, 'out');
    const r = runKnsim(['run', file, '--out', out, '--no-report']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/max ready pods 3\b/);
  });
});

describe('an autoscaler class that keeps memory from every call', () => {
  function withDecide(body: string): { dir: string; file: string } {
    const s = scenarioWith('1');
    writeFileSync(join(s.dir, 'scaler.ts'), `const keep: unknown[] = [];\nexport default { apiVersion: 'knsim.dev/v1', create() { return { decide() { ${body} return { desiredScale: 1 }; } }; } };\n`);
    return s;
  }

  // A 200 MB old generation: V8's heap limit is then about 250 MB, and knsim stops at 60 % of it.
  it.each([
    { what: 'JavaScript arrays', body: 'keep.push(new Array(2e6).fill(1.5));', rule: /decide: after this call the JavaScript heap holds \d+ MB, over 60 % of its \d+ MB limit: a class may not keep data without bound\n$/ },
    { what: 'typed arrays', body: 'keep.push(new Float64Array(1e7).fill(1.5));', rule: /decide: after this call \d+ MB are held outside the JavaScript heap \(typed arrays, buffers\), over its \d+ MB limit: a class may not keep data without bound\n$/ },
  ])('$what: exit 2 with one line naming the class, the revision and the call, before V8 runs out', ({ body, rule }) => {
    const { dir, file } = withDecide(body);
    const out = join(dir, 'out');
    const r = runKnsim(['run', file, '--out', out, '--no-report'], undefined, { NODE_OPTIONS: '--max-old-space-size=200' });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/^knsim: .*scaler\.ts: class "my\.example\.com", revision hello-00001 at t=[\d.]+s: /);
    expect(r.stderr).toMatch(rule);
    expect(existsSync(out)).toBe(false);
  });

  it('a class whose first call makes a large temporary (128 MB) that it does not keep runs to the end', () => {
    // Garbage is not kept data: the heap's size counts it until a collection, so knsim collects before it judges.
    const { dir, file } = withDecide('if (keep.length === 0) { const t = new Array(1.6e7).fill(1.5); keep.push(t.length); }');
    // A long budget: this is about memory, not how long the allocation takes.
    writeFileSync(file, readFileSync(file, 'utf8').replace('module: ./scaler.ts }', 'module: ./scaler.ts, timeout: 120s }'));
    const r = runKnsim(['run', file, '--out', join(dir, 'out'), '--no-report'], undefined, { NODE_OPTIONS: '--max-old-space-size=200' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/max ready pods 1\b/);
  });

  it('a class that keeps a little from every call runs to the end', () => {
    const { dir, file } = withDecide('keep.push(new Array(1000).fill(1.5));');
    const r = runKnsim(['run', file, '--out', join(dir, 'out'), '--no-report'], undefined, { NODE_OPTIONS: '--max-old-space-size=200' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
