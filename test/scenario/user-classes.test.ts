/**
 * Loading user-written autoscaler classes from a scenario: TypeScript and JavaScript
 * modules run in the simulator; every kind of faulty module fails with one line naming
 * the module (and, at run time, the class, revision and time), and a module that never
 * returns is stopped by the per-call time budget instead of hanging knsim.
 */
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { summarizeWorld } from '../../src/run/run-world.js';
import { runKnsim } from '../support/cli.js';

const CLASS = 'tiny.example.com';

/** A scenario whose one revision uses `cls`, with `module` registered as CLASS (10 rps from 5 s). */
function scenario(dir: string, module: string, opts: { cls?: string; timeout?: string } = {}): string {
  const file = join(dir, 'scenario.yaml');
  writeFileSync(
    file,
    `name: user-class
seed: 3
duration: 40s
autoscalerClasses:
  - { name: ${CLASS}, module: ${module}${opts.timeout ? `, timeout: ${opts.timeout}` : ''} }
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: hello }
      spec:
        template:
          metadata:
            annotations: { autoscaling.knative.dev/class: ${opts.cls ?? CLASS} }
          spec:
            containerConcurrency: 2
            containers: [{ image: app }]
    initialPods: 0
clients:
  - name: load
    service: hello
    open: { rps: 10, process: uniform }
    start: 5s
`,
  );
  return file;
}

const TINY_TS = `
import { defineAutoscaler } from '${join(import.meta.dirname, '../../src/core/autoscaler/user-api.js')}';
const perPod: number = 1.4;
export default defineAutoscaler({
  apiVersion: 'knsim.dev/v1',
  create: () => ({ decide: (i) => ({ desiredScale: Math.ceil(i.stable.concurrency / perPod) }) }),
});
`;

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-user-class-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The one-line message of the ScenarioError that loading or running `file` throws. */
function failure(file: string): string {
  try {
    summarizeWorld(loadScenario(file).world);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error('no error');
}

/** A JavaScript module (CommonJS-free ESM) whose decide runs `body`. */
const decideJs = (body: string, top = ''): string =>
  `${top}\nexport default { apiVersion: 'knsim.dev/v1', create() { return { decide(i) { ${body} } }; } };\n`;

describe('user classes in the simulator', () => {
  it('runs a TypeScript module, deterministically', () => {
    const dir = dirWith({ 'tiny.ts': TINY_TS });
    const file = scenario(dir, './tiny.ts');
    const a = summarizeWorld(loadScenario(file).world);
    const b = summarizeWorld(loadScenario(file).world);
    expect(a.overall.requests.ok).toBeGreaterThan(300);
    expect(a.overall.maxReadyPods).toBeGreaterThanOrEqual(1);
    expect({ ...b, wallSeconds: 0 }).toEqual({ ...a, wallSeconds: 0 });
  });

  it('runs a JavaScript module and keeps module state per revision instance', () => {
    // Module-level state: a fresh evaluation per revision (and per run) starts it at 0 every time.
    const js = `let calls = 0;\nexport default { apiVersion: 'knsim.dev/v1', create() { return { decide(i) { calls++; if (calls === 1 && i.nowSeconds > 20) throw new Error('state leaked'); return { desiredScale: Math.ceil(i.stable.concurrency / 1.4) }; } }; } };`;
    const dir = dirWith({ 'tiny.js': js });
    const file = scenario(dir, './tiny.js');
    expect(summarizeWorld(loadScenario(file).world).overall.requests.ok).toBeGreaterThan(300);
    expect(summarizeWorld(loadScenario(file).world).overall.requests.ok).toBeGreaterThan(300);
  });

  it("runs the README's example module copied verbatim into a directory outside knsim (knsim/autoscaler is knsim's own)", () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.split(/^## Bring your own autoscaler/m)[1]!;
    const example = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    expect(example).toContain("from 'knsim/autoscaler'");
    const dir = dirWith({ 'readme.ts': example, 'tiny.ts': TINY_TS });
    const got = summarizeWorld(loadScenario(scenario(dir, './readme.ts')).world);
    // The README's rule, ceil(stable concurrency / target 1.4), is TINY_TS's: the same run.
    const tiny = summarizeWorld(loadScenario(scenario(dir, './tiny.ts')).world);
    expect(got.overall.requests.ok).toBeGreaterThan(300);
    expect({ ...got, wallSeconds: 0 }).toEqual({ ...tiny, wallSeconds: 0 });
  });

  const faults: Array<{ name: string; module: string; text?: string; timeout?: string; want: (dir: string) => string | RegExp }> = [
    {
      name: 'a missing module',
      module: './nope.ts',
      want: (dir) => `${dir}/scenario.yaml: autoscalerClasses[0].module: autoscaler module "${dir}/nope.ts" does not exist`,
    },
    {
      name: 'a syntax error',
      module: './bad.ts',
      text: 'export default {\n  apiVersion: "knsim.dev/v1",\n  create() { return { decide( } },\n};\n',
      want: (dir) => new RegExp(`^${dir}/bad\\.ts: line 3, column \\d+: cannot compile the autoscaler module: Expected`),
    },
    {
      name: 'a wrong apiVersion',
      module: './v2.js',
      text: "export default { apiVersion: 'knsim.dev/v2', create() { return {}; } };",
      want: (dir) => `${dir}/v2.js: class "${CLASS}": apiVersion must be "knsim.dev/v1" (got "knsim.dev/v2")`,
    },
    {
      name: 'a throw at run time',
      module: './throws.js',
      text: decideJs("if (i.nowSeconds > 12) throw new Error('boom'); return { desiredScale: 1 };"),
      want: (dir) => `${dir}/throws.js: class "${CLASS}", revision hello-00001 at t=12.647s: decide threw: boom`,
    },
    {
      name: 'a NaN scale',
      module: './nan.js',
      text: decideJs('return { desiredScale: i.stable.concurrency / 0 * 0 };'),
      want: (dir) => new RegExp(`^${dir}/nan\\.js: class "${CLASS}", revision hello-00001 at t=[\\d.]+s: decide returned desiredScale NaN: must be a finite number ≥ 0$`),
    },
    {
      name: 'a negative scale',
      module: './neg.js',
      text: decideJs('return { desiredScale: -2 };'),
      want: (dir) => new RegExp(`^${dir}/neg\\.js: class "${CLASS}", revision hello-00001 at t=[\\d.]+s: decide returned desiredScale -2: must be a finite number ≥ 0$`),
    },
    {
      name: 'a decide that never returns',
      module: './hang.js',
      text: decideJs('for (;;) {}'),
      timeout: '200ms',
      want: (dir) => new RegExp(`^${dir}/hang\\.js: class "${CLASS}", revision hello-00001 at t=[\\d.]+s: decide: did not return within 200 ms \\(the per-call time budget\\)$`),
    },
    {
      name: 'a module body that never finishes',
      module: './hang-top.js',
      text: decideJs('return { desiredScale: 1 };', 'while (true) {}'),
      timeout: '150ms',
      want: (dir) => `${dir}/hang-top.js: class "${CLASS}": evaluating the module did not finish within 150 ms (the per-call time budget)`,
    },
    {
      name: 'Math.random',
      module: './random.js',
      text: decideJs('return { desiredScale: Math.random() > 2 ? 1 : 0 };'),
      want: (dir) => new RegExp(`decide threw: Math\\.random is not available to an autoscaler class: knsim runs are deterministic$`),
    },
    {
      name: 'new Date() (the clock, as Date.now)',
      module: './new-date.js',
      text: decideJs('return { desiredScale: 1 + (new Date().getTime() % 3) };'),
      want: (dir) => `${dir}/new-date.js: class "${CLASS}", revision hello-00001 at t=5.001s: decide threw: new Date() reads the clock, which is not available to an autoscaler class: use input.nowSeconds`,
    },
    {
      name: 'Date() called as a function',
      module: './date-call.js',
      text: decideJs('return { desiredScale: Date().length > 0 ? 1 : 0 };'),
      want: (dir) => `${dir}/date-call.js: class "${CLASS}", revision hello-00001 at t=5.001s: decide threw: Date() reads the clock, which is not available to an autoscaler class: use input.nowSeconds`,
    },
    {
      name: 'Intl.DateTimeFormat format() without a date (the clock, as Date.now)',
      module: './intl-format.js',
      text: decideJs("return { desiredScale: 1 + (Number(new Intl.DateTimeFormat('en-US', { second: 'numeric' }).format()) % 3) };"),
      want: (dir) => `${dir}/intl-format.js: class "${CLASS}", revision hello-00001 at t=5.001s: decide threw: Intl.DateTimeFormat format() without a date reads the clock, which is not available to an autoscaler class: use input.nowSeconds`,
    },
    {
      name: 'Intl.DateTimeFormat formatToParts() without a date',
      module: './intl-parts.js',
      text: decideJs("return { desiredScale: Intl.DateTimeFormat('en-US').formatToParts().length > 0 ? 1 : 0 };"),
      want: (dir) => `${dir}/intl-parts.js: class "${CLASS}", revision hello-00001 at t=5.001s: decide threw: Intl.DateTimeFormat formatToParts() without a date reads the clock, which is not available to an autoscaler class: use input.nowSeconds`,
    },
    {
      name: 'a BigInt scale (JSON.stringify threw: internal error)',
      module: './bigint.js',
      text: decideJs('return { desiredScale: 1n };'),
      want: (dir) => `${dir}/bigint.js: class "${CLASS}", revision hello-00001 at t=5.001s: decide returned desiredScale 1n: must be a finite number ≥ 0`,
    },
    {
      name: 'a BigInt sksMode',
      module: './bigint-sks.js',
      text: decideJs('return { desiredScale: 1, sksMode: 2n };'),
      want: (dir) => `${dir}/bigint-sks.js: class "${CLASS}", revision hello-00001 at t=5.001s: decide returned sksMode 2n: must be "Serve" or "Proxy"`,
    },
    {
      name: 'a BigInt apiVersion',
      module: './bigint-api.js',
      text: "export default { apiVersion: 1n, create() { return {}; } };",
      want: (dir) => `${dir}/bigint-api.js: class "${CLASS}": apiVersion must be "knsim.dev/v1" (got 1n)`,
    },
    {
      name: 'a module body that throws',
      module: './top-throw.js',
      text: "throw new RangeError('bad config');",
      want: (dir) => `${dir}/top-throw.js: class "${CLASS}": evaluating the module threw: RangeError: bad config`,
    },
    // Capping these messages overflowed V8's regex stack (exit 1, "internal error") or, for the
    // blanks, took minutes.
    {
      name: 'a module body that throws a 20 MB message',
      module: './top-throw-big.js',
      text: "throw new Error('x'.repeat(2e7));",
      want: (dir) => `${dir}/top-throw-big.js: class "${CLASS}": evaluating the module threw: ${'x'.repeat(79)}…`,
    },
    {
      name: 'a module body that throws a 20 MB quoted message',
      module: './top-throw-quoted.js',
      text: "throw new Error('\"' + 'x'.repeat(2e7) + '\" is wrong');",
      want: (dir) => `${dir}/top-throw-quoted.js: class "${CLASS}": evaluating the module threw: "${'x'.repeat(77)}…" is wrong`,
    },
    {
      name: 'a module body that throws 300,000 blanks',
      module: './top-throw-blanks.js',
      text: "throw new Error('a' + ' '.repeat(3e5) + 'b');",
      want: (dir) => new RegExp(`top-throw-blanks\\.js: class "${CLASS.replace(/\./g, '\\.')}": evaluating the module threw: a +…$`),
    },
    {
      name: 'a desiredScale getter that never returns',
      module: './getter-hang.js',
      text: decideJs('return { get desiredScale() { for (;;) {} } };'),
      timeout: '200ms',
      want: (dir) => `${dir}/getter-hang.js: class "${CLASS}", revision hello-00001 at t=5.001s: decide: did not return within 200 ms (the per-call time budget)`,
    },
    {
      name: 'a returned Proxy whose trap throws',
      module: './proxy.js',
      text: decideJs("return new Proxy({}, { get() { throw new Error('trap'); } });"),
      want: (dir) => `${dir}/proxy.js: class "${CLASS}", revision hello-00001 at t=5.001s: reading what decide returned threw: trap`,
    },
    {
      name: 'a thrown value whose message never returns',
      module: './msg-hang.js',
      text: decideJs('throw { get message() { for (;;) {} } };'),
      timeout: '200ms',
      want: (dir) => `${dir}/msg-hang.js: class "${CLASS}", revision hello-00001 at t=5.001s: decide: did not return within 200 ms (the per-call time budget)`,
    },
    {
      name: 'an sksMode whose toJSON never returns',
      module: './tojson.js',
      text: decideJs('return { desiredScale: 1, sksMode: { toJSON() { for (;;) {} }, toString() { for (;;) {} } } };'),
      timeout: '200ms',
      want: (dir) => `${dir}/tojson.js: class "${CLASS}", revision hello-00001 at t=5.001s: decide returned sksMode an object: must be "Serve" or "Proxy"`,
    },
    {
      name: 'a default export whose apiVersion getter never returns',
      module: './def-hang.js',
      text: "export default { get apiVersion() { for (;;) {} }, create() { return { decide: () => ({ desiredScale: 1 }) }; } };",
      timeout: '200ms',
      want: (dir) => `${dir}/def-hang.js: class "${CLASS}": reading the module's default export: did not return within 200 ms (the per-call time budget)`,
    },
    {
      name: 'a module body that throws a value whose message never returns',
      module: './top-msg-hang.js',
      text: 'throw { get message() { for (;;) {} } };',
      timeout: '200ms',
      want: (dir) => `${dir}/top-msg-hang.js: class "${CLASS}": evaluating the module threw: a value whose message did not return within 200 ms (the per-call time budget)`,
    },
    {
      name: 'a decide getter on the instance that never returns',
      module: './inst-hang.js',
      text: "export default { apiVersion: 'knsim.dev/v1', create() { return { get decide() { for (;;) {} } }; } };",
      timeout: '200ms',
      want: (dir) => `${dir}/inst-hang.js: class "${CLASS}", revision hello-00001 at t=0s: create: did not return within 200 ms (the per-call time budget)`,
    },
    {
      name: 'a tick of a nanosecond (1e9 decisions a simulated second)',
      module: './tick.js',
      text: "export default { apiVersion: 'knsim.dev/v1', tickSeconds: 1e-9, create() { return { decide: () => ({ desiredScale: 1 }) }; } };",
      want: (dir) => `${dir}/tick.js: class "${CLASS}": tickSeconds must be at least 0.1 (the metrics arrive once a second; got 1e-9)`,
    },
    {
      name: 'a time budget below a millisecond',
      module: './tiny.ts',
      text: TINY_TS,
      timeout: '1ns',
      want: (dir) => `${dir}/scenario.yaml: autoscalerClasses[0].timeout: the per-call time budget must be whole milliseconds between 1ms and 1193h (node:vm times whole milliseconds up to 2^32 − 1), got 0.000001 ms`,
    },
    {
      name: 'a time budget of half a millisecond (was rounded to 1 ms)',
      module: './tiny.ts',
      text: TINY_TS,
      timeout: '500us',
      want: (dir) => `${dir}/scenario.yaml: autoscalerClasses[0].timeout: the per-call time budget must be whole milliseconds between 1ms and 1193h (node:vm times whole milliseconds up to 2^32 − 1), got 0.5 ms`,
    },
    {
      name: 'a time budget of 1.5 ms (was rounded to 2 ms)',
      module: './tiny.ts',
      text: TINY_TS,
      timeout: '1.5ms',
      want: (dir) => `${dir}/scenario.yaml: autoscalerClasses[0].timeout: the per-call time budget must be whole milliseconds between 1ms and 1193h (node:vm times whole milliseconds up to 2^32 − 1), got 1.5 ms`,
    },
    {
      name: 'a time budget beyond what node:vm can time',
      module: './tiny.ts',
      text: TINY_TS,
      timeout: '2000h',
      want: (dir) => `${dir}/scenario.yaml: autoscalerClasses[0].timeout: the per-call time budget must be whole milliseconds between 1ms and 1193h (node:vm times whole milliseconds up to 2^32 − 1), got 7200000000 ms`,
    },
  ];
  it.each(faults)('fails one line for $name', ({ module, text, timeout, want }) => {
    const files: Record<string, string> = {};
    if (text !== undefined) files[module.slice(2)] = text;
    const dir = dirWith(files);
    const msg = failure(scenario(dir, module, timeout ? { timeout } : {}));
    expect(msg).not.toContain('\n');
    const w = want(dir);
    if (typeof w === 'string') expect(msg).toBe(w);
    else expect(msg).toMatch(w);
  });

  it('a module path that is a loop of symbolic links says so, not that it does not exist', () => {
    const dir = dirWith({});
    symlinkSync('loop.ts', join(dir, 'loop.ts'));
    expect(failure(scenario(dir, './loop.ts'))).toBe(`${dir}/scenario.yaml: autoscalerClasses[0].module: autoscaler module "${dir}/loop.ts" cannot be read: a loop of symbolic links`);
  });

  it.each([
    ['the global object', "(function () { return this; })().constructor.constructor('return process')()"],
    ['module', "module.constructor.constructor('return process')()"],
    ['console', "console.log.constructor('return process')()"],
    ['require', "require.constructor('return process')()"],
    ['an error require throws', "(() => { try { require('fs'); } catch (e) { return e.constructor.constructor('return process')(); } })()"],
  ])("cannot reach knsim's process through %s (its Function is the module's own)", (_what, expr) => {
    const dir = dirWith({ 'escape.js': decideJs('p.exit(0);', `const p = ${expr};`) });
    expect(failure(scenario(dir, './escape.js'))).toBe(`${dir}/escape.js: class "${CLASS}": evaluating the module threw: ReferenceError: process is not defined`);
  });

  it("cannot reach the host's Math.random through the global object's constructor", () => {
    const dir = dirWith({ 'math.js': decideJs("return { desiredScale: 1 + Math.floor(H.random() * 5) };", "const H = (function () { return this; })().constructor.constructor('return Math')();") });
    expect(failure(scenario(dir, './math.js'))).toMatch(/decide threw: Math\.random is not available to an autoscaler class: knsim runs are deterministic$/);
  });

  it("may use Node's pure modules (util, events, path)", () => {
    const js = "import { format } from 'node:util';\nimport { EventEmitter } from 'events';\nimport * as path from 'path';\n" + decideJs("const e = new EventEmitter(); let n = 0; e.on('x', (k) => (n = k)); e.emit('x', format('%d', 2).length + path.basename('/a/b').length); return { desiredScale: n };");
    const dir = dirWith({ 'pure.js': js });
    const s = summarizeWorld(loadScenario(scenario(dir, './pure.js')).world);
    // format('%d', 2) is "2" and basename('/a/b') is "b": 1 + 1 pods.
    expect(s.overall.maxReadyPods).toBe(2);
  });

  it('keeps dates from given times working (new Date(ms), Date.UTC, instanceof)', () => {
    const dir = dirWith({
      'dates.js': decideJs(
        "const ms = Math.round(i.nowSeconds * 1000); const d = new Date(ms); if (!(d instanceof Date) || d.getTime() !== ms || Date.UTC(1970, 0, 1) !== 0 || new Date('1970-01-01T00:00:01Z').getTime() !== 1000) throw new Error('dates broke'); return { desiredScale: 1 };",
      ),
    });
    expect(summarizeWorld(loadScenario(scenario(dir, './dates.js')).world).overall.requests.ok).toBeGreaterThan(300);
  });

  it("reads local time as UTC, so the host's time zone cannot change a run", () => {
    // Every local-time reading a class might make of a given instant, as the module sees it.
    const body =
      "const d = new Date(1700000000000); throw new Error(JSON.stringify([d.getHours(), d.getDay(), d.getTimezoneOffset(), new Date(2024, 0, 1, 10).getTime(), Date.parse('2024-01-01T10:00:00'), new Date('2024-01-01T10:00:00+05:30').getTime(), String(new Date(0)), new Date(0).toLocaleTimeString('en-US'), Intl.DateTimeFormat().resolvedOptions().timeZone]));";
    const dir = dirWith({ 'local.js': decideJs(body) });
    const file = scenario(dir, './local.js');
    const seen = ['UTC', 'Asia/Kolkata', 'America/New_York'].map((TZ) => runKnsim(['run', file, '--out', join(dir, 'out'), '--no-report'], dir, { CI: '1', TZ }));
    const want = `knsim: ${dir}/local.js: class "${CLASS}", revision hello-00001 at t=5.001s: decide threw: [22,2,0,1704103200000,1704103200000,1704083400000,"Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)","12:00:00 AM","UTC"]\n`;
    expect(seen.map((r) => [r.code, r.stderr])).toEqual([[2, want], [2, want], [2, want]]);
  });

  it('keeps Intl date formats of given dates working (format, a detached format, formatToParts)', () => {
    const dir = dirWith({
      'intl.js': decideJs(
        "const f = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }); const fmt = f.format; if (f.format(Date.UTC(2024, 0, 1, 13, 5)) !== '13:05' || fmt(new Date(0)) !== '00:00' || f.formatToParts(0)[0].value !== '00' || typeof Intl.DateTimeFormat.prototype.formatToParts !== 'function') throw new Error('Intl broke'); return { desiredScale: 1 };",
      ),
    });
    expect(summarizeWorld(loadScenario(scenario(dir, './intl.js')).world).overall.requests.ok).toBeGreaterThan(300);
  });

  it("cannot change knsim's own objects through what it is handed (input, history, ctx)", () => {
    const dir = dirWith({
      'proto.js': `export default { apiVersion: 'knsim.dev/v1', create(ctx) {
        Object.getPrototypeOf(ctx.settings).polluted = 'ctx';
        return { decide(i) {
          Object.getPrototypeOf(i).toJSON = function () { return 'pwned'; };
          Object.getPrototypeOf(i.history).polluted = 'history';
          return { desiredScale: 1 };
        } };
      } };`,
    });
    try {
      const summary = summarizeWorld(loadScenario(scenario(dir, './proto.js')).world);
      expect(JSON.parse(JSON.stringify(summary)).overall.requests.ok).toBeGreaterThan(300);
      expect(JSON.stringify({ a: [1] })).toBe('{"a":[1]}');
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(([] as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
    } finally {
      // Should the module have reached them, leave the other tests a clean realm.
      delete (Object.prototype as Record<string, unknown>)['toJSON'];
      delete (Object.prototype as Record<string, unknown>)['polluted'];
      delete (Array.prototype as unknown as Record<string, unknown>)['polluted'];
    }
  });

  it('runs a module whose default export holds a cycle (only what knsim hands it is copied)', () => {
    const dir = dirWith({
      'cycle.js': "const table = { name: 't' }; table.self = table;\nexport default { apiVersion: 'knsim.dev/v1', table, create() { return { decide: () => ({ desiredScale: table.self === table ? 1 : 0 }) }; } };\n",
    });
    expect(summarizeWorld(loadScenario(scenario(dir, './cycle.js')).world).overall.maxReadyPods).toBe(1);
  });

  it('suggests a registered class for a misspelt annotation', () => {
    const dir = dirWith({ 'tiny.ts': TINY_TS });
    let e: unknown;
    try {
      loadScenario(scenario(dir, './tiny.ts', { cls: 'tiny.exampel.com' }));
    } catch (caught) {
      e = caught;
    }
    expect(e).toBeInstanceOf(ScenarioError);
    const err = e as ScenarioError;
    // As the error caps it: the temporary folder's length sets how much of the line is left.
    const want = `unknown autoscaler class "tiny.exampel.com" (did you mean "${CLASS}"?); known: kpa.autoscaling.knative.dev, hpa.autoscaling.knative.dev, ${CLASS}`;
    expect(err.rule).toBe(new ScenarioError(err.file, err.path, want).rule);
    expect(err.rule).toMatch(/^unknown autoscaler class "tiny\.exampel\.com" \(did you mean "tiny\.example\.com"\?\)/);
  });

  it("refuses a class name Knative reserves", () => {
    const dir = dirWith({ 'tiny.ts': TINY_TS });
    const file = scenario(dir, './tiny.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace(`name: ${CLASS}`, 'name: my.knative.dev'));
    expect(() => loadScenario(file)).toThrow('autoscalerClasses[0].name: "my.knative.dev" is reserved: classes ending in .knative.dev are Knative\'s');
  });

  // Run through the CLI with a kill after 60 s: a promise job that never returns, on knsim's own
  // queue, would block this test process's event loop, and vitest's time limit with it.
  it.each([
    { name: 'a then callback of decide that never returns', top: '', body: 'Promise.resolve().then(() => { for (;;) {} }); return { desiredScale: 1 };', want: ', revision hello-00001 at t=5.001s: decide: did not return' },
    { name: 'promise jobs that queue each other for ever', top: '', body: 'const f = () => Promise.resolve().then(f); f(); return { desiredScale: 1 };', want: ', revision hello-00001 at t=5.001s: decide: did not return' },
    { name: 'a then callback of the module body that never returns', top: 'Promise.resolve().then(() => { for (;;) {} });', body: 'return { desiredScale: 1 };', want: ': evaluating the module did not finish' },
  ])('$name: stopped by the per-call time budget, one line, exit 2', ({ top, body, want }) => {
    const dir = dirWith({ 'jobs.js': decideJs(body, top) });
    const r = runKnsim(['run', scenario(dir, './jobs.js', { timeout: '200ms' }), '--out', join(dir, 'out'), '--no-report'], dir, { CI: '1' }, 60_000);
    expect(r.stderr).toBe(`knsim: ${dir}/jobs.js: class "${CLASS}"${want} within 200 ms (the per-call time budget)\n`);
    expect(r.code).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['jobs.js', 'scenario.yaml']);
  });

  it('knsim run exits 2 with the one line for a module that throws', () => {
    const dir = dirWith({ 'throws.js': decideJs("throw new Error('boom');") });
    const r = runKnsim(['run', scenario(dir, './throws.js'), '--out', join(dir, 'out'), '--no-report'], dir, { CI: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`knsim: ${dir}/throws.js: class "${CLASS}", revision hello-00001 at t=5.001s: decide threw: boom`]);
  });
});
