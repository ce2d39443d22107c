import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIONAL_FEATURES } from '../src/cli/optional-deps.js';
import { diskUsage, installClosure, packedFiles, type PackageJson } from './support/install-closure.js';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson & {
  exports: Record<string, { types: string; default: string }>;
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('published package', () => {
  it('is named knsim and exports ./autoscaler, ./traffic, ./capacity and ./resources with types, built to dist', () => {
    expect(pkg.name).toBe('knsim');
    for (const sub of ['./autoscaler', './traffic', './capacity', './resources']) {
      const e = pkg.exports[sub]!;
      expect(existsSync(join(root, e.default)), e.default).toBe(true);
      expect(existsSync(join(root, e.types)), e.types).toBe(true);
    }
  });

  it('resolves knsim/autoscaler and knsim/traffic from node', () => {
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "const a = await import('knsim/autoscaler'); const t = await import('knsim/traffic'); const c = await import('knsim/capacity'); console.log(typeof a.Decider, typeof a.parseAutoscalerConfig, typeof t.resolveTraffic, typeof t.buildSplit, c.schedulingBackoffSeconds(3))"],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('function function function function 4');
  });
});

// The import rules (layers, core's index, no packages in core) are in test/architecture/imports.test.ts.
/**
 * A fresh project that ran `npm install <knsim tarball>`, built offline: the files `npm pack`
 * lists (with the mtime npm gives them) and knsim's install closure from package-lock.json,
 * copied from the clone's node_modules
 * (which has every package of the closure, and more). A real `npm pack` + `npm install` measured
 * 21 MB with `du -sh` where this copy measured 20.1 MB (npm adds .bin and its hidden lockfile);
 * since esbuild (11 MB) became a dependency this copy measured 39.8 MB, and 35.8 MB once the
 * package left out source maps, declarations outside core, the bench, the notebook runner and the
 * bundle's build script; 24.7 MB once esbuild became an optional peer (7 December). The limit
 * leaves about 2 MB for the dependencies to grow.
 */
describe('installed as a library (fresh project, no optional peers)', () => {
  let project: string;
  let closure: string[];
  let packed: string[];
  const LIMIT_MB = 27;
  const NPM_MTIME = new Date('1985-10-26T08:15:00.000Z');

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'knsim-install-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module' }));
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    closure = installClosure(pkg, lock, (key) => existsSync(join(root, key)));
    packed = packedFiles(root);
    for (const f of packed) {
      cpSync(join(root, f), join(project, 'node_modules/knsim', f));
      // npm's tarballs give every file this mtime, and npm install keeps it: bin/knsim.js then
      // loads the bundle (not older than dist/cli/main.js), as an installed knsim does.
      utimesSync(join(project, 'node_modules/knsim', f), NPM_MTIME, NPM_MTIME);
    }
    for (const key of closure) {
      // A nested node_modules holds separate packages: they are copied only if in the closure.
      const src = join(root, key);
      cpSync(src, join(project, key), { recursive: true, filter: (p) => !relative(src, p).split(sep).includes('node_modules') });
    }
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  const knsim = (...args: string[]) =>
    spawnSync(process.execPath, [join(project, 'node_modules/knsim/bin/knsim.js'), ...args], { cwd: project, encoding: 'utf8' });

  it('runs the bundled CLI with its code cache, as an npm install does', () => {
    const r = spawnSync(process.execPath, [join(project, 'node_modules/knsim/bin/knsim.js'), '--version'], { cwd: project, encoding: 'utf8', env: { ...process.env, KNSIM_DEBUG: '1' } });
    expect(r.status).toBe(0);
    // The build took the cache with this same node, so V8 accepts it.
    expect(r.stderr).toBe('knsim: code cache accepted\n');
  });

  it(`costs at most ${LIMIT_MB} MB of node_modules and none of the optional peers`, () => {
    const mb = diskUsage(join(project, 'node_modules')) / 2 ** 20;
    expect(closure).toContain('node_modules/zod');
    const biggest = readdirSync(join(project, 'node_modules'))
      .map((d) => [d, diskUsage(join(project, 'node_modules', d)) / 2 ** 20] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([d, m]) => `${d} ${m.toFixed(1)} MB`);
    expect(mb, `node_modules is ${mb.toFixed(1)} MB; biggest: ${biggest.join(', ')}`).toBeLessThanOrEqual(LIMIT_MB);
    expect(mb).toBeGreaterThan(5); // the copy really holds knsim and its dependencies
    const optional = Object.keys(pkg.peerDependencies ?? {});
    expect(optional.length).toBeGreaterThan(0);
    expect(closure.filter((k) => optional.some((o) => k === `node_modules/${o}`))).toEqual([]);
  });

  it('ships what bin/knsim.js, the bundled CLI and the exports load, and no source maps, bench, notebook runner or build script', () => {
    for (const f of ['bin/knsim.js', 'dist/run/v8-flags.js', 'dist/cli/code-cache.js', 'dist/bundle/knsim.cjs', 'dist/bundle/knsim.cjs.cache', 'dist/bundle/worker.js', 'dist/bundle/build-id.json', 'dist/scenario/bundle-worker.js', 'dist/cli/main.js', 'scenarios/quickstart.yaml', 'src/adapter/deploy/rbac.yaml']) {
      expect(packed, f).toContain(f);
    }
    for (const e of Object.values(pkg.exports).filter((e) => typeof e === 'object')) {
      expect(packed, e.default).toContain(e.default.replace(/^\.\//, ''));
      expect(packed, e.types).toContain(e.types.replace(/^\.\//, ''));
    }
    // The maps point at src/*.ts, which is not shipped; only core's types are reachable through the exports.
    expect(packed.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(packed.filter((f) => f.endsWith('.d.ts') && !f.startsWith('dist/core/'))).toEqual([]);
    expect(packed.filter((f) => /^dist\/(bench|notebook)\/|^dist\/sweep\/bench-sweep[.-]|^dist\/cli\/(build-bundle|stale-chunks)\./.test(f))).toEqual([]);
  });

  it('imports knsim/autoscaler and knsim/traffic', () => {
    const code =
      "import { Decider, parseAutoscalerConfig } from 'knsim/autoscaler'; import { resolveTraffic, buildSplit } from 'knsim/traffic'; console.log(typeof Decider, typeof parseAutoscalerConfig, typeof resolveTraffic, typeof buildSplit)";
    writeFileSync(join(project, 'use.mjs'), code);
    const out = execFileSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8' });
    expect(out.trim()).toBe('function function function function');
  });

  it("typechecks a TypeScript consumer of every entry point against the shipped .d.ts (nodenext, no @types/node)", () => {
    const code = [
      "import { Decider, parseAutoscalerConfig, type DeciderSpec } from 'knsim/autoscaler';",
      "import { resolveTraffic } from 'knsim/traffic';",
      "import { schedulingBackoffSeconds } from 'knsim/capacity';",
      "import { parseCpuMillicores } from 'knsim/resources';",
      "const spec: DeciderSpec | undefined = undefined;",
      "const n: number = schedulingBackoffSeconds(3) + parseCpuMillicores('500m');",
      "export const used = [Decider, parseAutoscalerConfig({}), resolveTraffic, spec, n];",
    ].join('\n');
    writeFileSync(join(project, 'use-types.ts'), code);
    const tsconfig = { compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'], types: [], noEmit: true }, files: ['use-types.ts'] };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a core import loads only files of dist/core: no package (not yaml, zod, yargs, vega-lite), no node builtin, nothing of the simulator or CLI', () => {
    // Node's module hooks see every module an import loads, builtins and packages included.
    writeFileSync(join(project, 'load-hook.mjs'), "export async function load(url, context, next) { process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); }\n");
    writeFileSync(join(project, 'register-hook.mjs'), "import { register } from 'node:module';\nregister('./load-hook.mjs', import.meta.url);\n");
    const knsimUrl = `${pathToFileURL(join(project, 'node_modules/knsim')).href}/`;
    const loaded = (entry: string): string[] => {
      const r = spawnSync(process.execPath, ['--import', './register-hook.mjs', '--input-type=module', '-e', `await import('knsim/${entry}')`], { cwd: project, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const urls = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
      return urls.filter((u) => !u.endsWith('/load-hook.mjs') && !u.endsWith('/register-hook.mjs')).map((u) => (u.startsWith(knsimUrl) ? u.slice(knsimUrl.length) : u));
    };
    const want = { autoscaler: 'dist/core/autoscaler/decider.js', traffic: 'dist/core/traffic/pick.js', capacity: 'dist/core/capacity/fit.js', resources: 'dist/core/resources/quantity.js' };
    for (const [entry, sample] of Object.entries(want)) {
      const files = loaded(entry);
      expect(files, entry).toContain(sample); // the hook saw the entry's own files
      expect(files.filter((f) => !f.startsWith('dist/core/')), entry).toEqual([]);
    }
    // knsim/autoscaler brings the HPA and resource quantities it re-exports, and no traffic or capacity code.
    const autoscaler = loaded('autoscaler');
    expect(autoscaler).toContain('dist/core/hpa/replica-calculator.js');
    expect(autoscaler.filter((f) => /^dist\/core\/(traffic|capacity)\//.test(f))).toEqual([]);
  });

  it('require() of every entry point works from CommonJS (node ≥ 20.19 loads ES modules through require), without a warning', () => {
    writeFileSync(
      join(project, 'use.cjs'),
      "const a = require('knsim/autoscaler'); const t = require('knsim/traffic'); const c = require('knsim/capacity'); const r = require('knsim/resources');\n" +
        "console.log(a.parseAutoscalerConfig({}).targetUtilization, t.pickRevision(t.buildSplit([{ revisionName: 'a', percent: 100 }]), 0.5), c.schedulingBackoffSeconds(3), r.parseCpuMillicores('500m'));\n",
    );
    const r = spawnSync(process.execPath, ['use.cjs'], { cwd: project, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('0.7 a 4 500');
  });

  it("the README's library example typechecks (strict) against the installed package and its assertions hold when run", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.split(/^## Using the autoscaler as a library/m)[1];
    const code = /```ts\n([\s\S]*?)```/.exec(section ?? '')?.[1];
    expect(code, 'a ```ts block in the README section').toBeDefined();
    expect(code).toContain("from 'knsim/autoscaler'");
    expect(code!.match(/assert\.(equal|deepEqual)\(/g)?.length).toBe(8); // the numbers it states
    mkdirSync(join(project, 'readme'), { recursive: true });
    writeFileSync(join(project, 'readme/example.ts'), code!);
    // The example imports node:assert, so the consumer has @types/node, as a TypeScript project would.
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    const types = installClosure({ name: 'consumer', files: [], dependencies: { '@types/node': pkg.devDependencies!['@types/node']! } }, lock, (key) => existsSync(join(root, key)));
    for (const key of types) cpSync(join(root, key), join(project, key), { recursive: true });
    const compilerOptions = { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'], types: ['node'], outDir: 'out' };
    writeFileSync(join(project, 'readme/tsconfig.json'), JSON.stringify({ compilerOptions, files: ['example.ts'] }));
    try {
      const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(project, 'readme')], { cwd: project, encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
      const run = spawnSync(process.execPath, ['readme/out/example.js'], { cwd: project, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    } finally {
      for (const key of types) rmSync(join(project, key), { recursive: true, force: true });
    }
  });

  it('runs a shipped scenario with --no-report', () => {
    const r = knsim('run', 'node_modules/knsim/scenarios/hello-world.yaml', '--no-report', '--out', 'out/hello');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The installed package simulates exactly what the clone does: same timeseries, same summary.
    const clone = mkdtempSync(join(tmpdir(), 'knsim-clone-run-'));
    try {
      execFileSync(process.execPath, [join(root, 'bin/knsim.js'), 'run', join(root, 'scenarios/hello-world.yaml'), '--no-report', '--out', join(clone, 'hello')], { encoding: 'utf8' });
      const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
      expect(read(join(project, 'out/hello'), 'timeseries.csv')).toBe(read(join(clone, 'hello'), 'timeseries.csv'));
      type Summary = { wallSeconds?: number; overall: { requests: { total: number } } };
      const installed = JSON.parse(read(join(project, 'out/hello'), 'summary.json')) as Summary;
      const cloned = JSON.parse(read(join(clone, 'hello'), 'summary.json')) as Summary;
      expect(installed.overall.requests.total).toBeGreaterThan(1000);
      expect({ ...installed, wallSeconds: 0 }).toEqual({ ...cloned, wallSeconds: 0 });
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it.each([
    [['run', 'node_modules/knsim/scenarios/hello-world.yaml', '--out', 'out/charts'], 'charts' as const],
    [['controller'], 'kubernetes' as const],
  ])('knsim %j without the optional peers: one line naming the npm install command, exit 2', (args, feature) => {
    const r = knsim(...args);
    expect(r.status).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const install = OPTIONAL_FEATURES[feature].packages.map((p) => `${p}@${pkg.peerDependencies![p]}`).join(' ');
    expect(lines[0]).toContain(`run npm install ${install}`);
    expect(existsSync(join(project, 'out/charts'))).toBe(false); // checked before simulating
  });

  it('a scenario with an autoscaler module, without esbuild: one line naming the file, the field and the npm install command, exit 2; with it, the module decides', () => {
    mkdirSync(join(project, 'classes'));
    // One pod per 3 in flight: 20 closed-loop users at 1 s per request get 7 pods, where the KPA wants 29.
    writeFileSync(
      join(project, 'classes/per-three.ts'),
      "export default { apiVersion: 'knsim.dev/v1', create() { return { decide(input: { stable: { concurrency: number } }) { return { desiredScale: Math.ceil(input.stable.concurrency / 3) }; } }; } };\n",
    );
    writeFileSync(
      join(project, 'classes/three.yaml'),
      [
        'name: per-three',
        'duration: 2m',
        'autoscalerClasses:',
        '  - { name: per-three.example.com, module: ./per-three.ts }',
        'services:',
        '  - manifest:',
        '      { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello },',
        '        spec: { template: { metadata: { annotations: { autoscaling.knative.dev/class: per-three.example.com } },',
        '          spec: { containerConcurrency: 1, containers: [{ image: ghcr.io/knative/helloworld-go:latest }] } } } }',
        '    initialPods: 0',
        '    app: { serviceTime: 1s }',
        'clients:',
        '  - { name: hey, service: hello, start: 0s, end: 60s, closed: { users: 20, think: 0s } }',
        '',
      ].join('\n'),
    );
    const r = knsim('run', 'classes/three.yaml', '--no-report', '--out', 'out/three');
    expect(r.stderr).toBe(`knsim: classes/three.yaml: autoscalerClasses[0].module: autoscaler modules need esbuild: run npm install esbuild@${pkg.peerDependencies!.esbuild}\n`);
    expect(r.status).toBe(2);
    expect(existsSync(join(project, 'out/three'))).toBe(false);
    // npm install esbuild: the package and the platform binary npm picks for this host.
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    const esbuild = installClosure({ name: 'consumer', files: [], dependencies: { esbuild: pkg.peerDependencies!.esbuild! } }, lock, (key) => existsSync(join(root, key)));
    expect(esbuild).toContain('node_modules/esbuild');
    for (const key of esbuild) cpSync(join(root, key), join(project, key), { recursive: true });
    try {
      const ok = knsim('run', 'classes/three.yaml', '--no-report', '--out', 'out/three');
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      const summary = JSON.parse(readFileSync(join(project, 'out/three/summary.json'), 'utf8')) as { overall: { maxReadyPods: number } };
      expect(summary.overall.maxReadyPods).toBe(7);
    } finally {
      for (const key of esbuild) rmSync(join(project, key), { recursive: true, force: true });
    }
  });

  it('every optional peer is a devDependency at the same range, so a clone has it', () => {
    for (const [name, range] of Object.entries(pkg.peerDependencies ?? {})) {
      expect(pkg.peerDependenciesMeta?.[name]?.optional, name).toBe(true);
      expect(pkg.devDependencies?.[name], name).toBe(range);
      expect(pkg.dependencies?.[name], name).toBeUndefined();
    }
    const named = Object.values(OPTIONAL_FEATURES).flatMap((f) => [...f.packages]);
    expect(named.sort()).toEqual(Object.keys(pkg.peerDependencies ?? {}).sort());
  });
});

describe('architecture rules', () => {
  // Date in any form (Date(), new Date, Date.now), the global crypto and performance, process and
  // timers: each reads the wall clock, draws randomness or depends on the event loop's timing.
  it('src/core, src/engine and src/model never read Math.random, the wall clock, crypto, process or timers', () => {
    const bad: string[] = [];
    for (const dir of ['src/core', 'src/engine', 'src/model']) {
      for (const f of walk(join(root, dir)).filter((p) => p.endsWith('.ts'))) {
        const src = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
        if (/Math\.random|\bDate\b|\bperformance\.|\bprocess\.|\bcrypto\.|\bset(Timeout|Interval|Immediate)\b/.test(src)) bad.push(relative(root, f));
      }
    }
    expect(bad).toEqual([]);
  });
});
