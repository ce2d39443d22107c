/**
 * The dependency rule (README, "Architecture"): every import in src/ goes along an edge of
 * the layer table, core is entered only through its public index, core imports no
 * package at all, and no two folders import each other, directly or round a longer cycle.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderCycles, importsOf, srcImports, violations, type Edge, type LayerRules } from './import-graph.js';

const root = resolve(import.meta.dirname, '../..');

const APPS = ['cli', 'notebook', 'bench'] as const;
const LIBRARY = ['core', 'engine', 'model', 'scenario', 'output', 'run', 'sweep', 'expect', 'adapter'] as const;

/** The layer table: folder under src/ → the folders it may import. Keep in step with the README. */
export const RULES: LayerRules = {
  allowed: {
    core: [],
    engine: [],
    model: ['engine', 'core'],
    scenario: ['model', 'engine', 'core'],
    output: ['core'],
    run: ['model', 'output', 'core'],
    sweep: ['run', 'scenario', 'output', 'core'],
    expect: ['run', 'scenario', 'output', 'core'],
    adapter: ['core'],
    // Apps may import any library folder; nothing imports an app.
    ...Object.fromEntries(APPS.map((a) => [a, [...LIBRARY]])),
  },
  noPackages: ['core'],
  coreEntryPoints: ['src/core/autoscaler/index.ts', 'src/core/traffic/index.ts', 'src/core/capacity/index.ts'],
};

describe('src/ keeps the layer table', () => {
  const edges = srcImports(root);

  it('finds the imports (a sanity floor, so an empty scan cannot pass)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual({ from: 'src/run/run-world.ts', specifier: '../model/world.js', to: 'src/model/world.ts' });
    // A dynamic import is an edge too.
    expect(edges).toContainEqual({ from: 'src/cli/controller.ts', specifier: '../adapter/run-controller.js', to: 'src/adapter/run-controller.ts' });
  });

  it('every import follows an edge of the table, core through its index, no folder cycle', () => {
    expect(violations(edges, RULES)).toEqual([]);
  });

  it('the table itself has no cycle', () => {
    const graph = new Map(Object.entries(RULES.allowed).map(([k, v]) => [k, new Set(v)]));
    expect(folderCycles(graph)).toEqual([]);
  });

  it('every imported relative path is a file of src/', () => {
    const missing = edges.filter((e) => e.to !== undefined && !existsSync(join(root, e.to))).map((e) => `${e.from} → ${e.specifier}`);
    expect(missing).toEqual([]);
  });
});

describe('the rule checker', () => {
  const edge = (from: string, to: string | undefined, specifier = to ?? 'pkg'): Edge => ({ from, specifier, to });
  const cases: Array<{ name: string; edges: Edge[]; want: string[] }> = [
    { name: 'an allowed edge', edges: [edge('src/model/a.ts', 'src/engine/b.ts')], want: [] },
    {
      name: 'an edge outside the table',
      edges: [edge('src/output/a.ts', 'src/model/b.ts', '../model/b.js')],
      want: ['src/output/a.ts → ../model/b.js: output may not import model (allowed: core)'],
    },
    {
      name: 'core past its index',
      edges: [edge('src/model/a.ts', 'src/core/autoscaler/kpa.ts', '../core/autoscaler/kpa.js')],
      want: ['src/model/a.ts → ../core/autoscaler/kpa.js: import core through ' + RULES.coreEntryPoints.join(' or ')],
    },
    { name: 'core through its index', edges: [edge('src/model/a.ts', 'src/core/traffic/index.ts')], want: [] },
    { name: 'a package in core', edges: [edge('src/core/a.ts', undefined, 'node:fs')], want: ['src/core/a.ts → node:fs: src/core imports no packages'] },
    { name: 'a package elsewhere', edges: [edge('src/output/a.ts', undefined, 'csv-stringify/sync')], want: [] },
    { name: 'a folder not in the table', edges: [edge('src/misc/a.ts', 'src/core/a.ts')], want: ['src/misc/a.ts: folder src/misc is not in the layer table'] },
    {
      name: 'a cycle of two folders',
      edges: [edge('src/sweep/a.ts', 'src/output/b.ts'), edge('src/output/b.ts', 'src/sweep/c.ts', '../sweep/c.js')],
      want: ['src/output/b.ts → ../sweep/c.js: output may not import sweep (allowed: core)', 'folder cycle: output → sweep → output'],
    },
  ];
  it.each(cases)('$name', ({ edges, want }) => {
    expect(violations(edges, RULES)).toEqual(want);
  });

  it('finds a cycle of three folders even when every edge were allowed', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(folderCycles(g)).toEqual([['a', 'b', 'c', 'a']]);
  });
});

describe('the import scanner', () => {
  const cases: Array<{ name: string; src: string; want: Array<[string, boolean]> }> = [
    { name: 'named, default, namespace and type imports', src: "import a from './a.js';\nimport { b, type C } from \"./b.js\";\nimport * as d from './d.js';\nimport type { E } from './e.js';", want: [['./a.js', false], ['./b.js', false], ['./d.js', false], ['./e.js', false]] },
    { name: 'a multi-line import', src: "import {\n  a,\n  b,\n} from '../core/traffic/index.js';", want: [['../core/traffic/index.js', false]] },
    { name: 're-exports', src: "export * from './a.js';\nexport { b } from './b.js';\nexport type { C } from './c.js';\nexport * as d from './d.js';\nexport const x = 1;", want: [['./a.js', false], ['./b.js', false], ['./c.js', false], ['./d.js', false]] },
    { name: 'a side-effect import', src: "import './polyfill.js';", want: [['./polyfill.js', false]] },
    { name: 'dynamic imports', src: "const { runController } = await import('../adapter/run-controller.js');\nconst [a, b] = await Promise.all([import('vega-lite'), import(\"vega\")]);", want: [['../adapter/run-controller.js', true], ['vega-lite', true], ['vega', true]] },
    {
      name: 'not in comments, strings, templates or regular expressions',
      src: "// import x from './c1.js';\n/* import('./c2.js') */\nconst s = \"import('./s.js')\";\nconst t = `import y from './t.js' ${1 + 1} import('./t2.js')`;\nconst r = /import\\('.\\/r.js'\\)/;\nconst u = import.meta.url;",
      want: [],
    },
    { name: 'code after a template with a nested brace', src: "const t = `${{ a: 1 }.a}`;\nconst m = await import('./after.js');", want: [['./after.js', true]] },
    { name: 'code after a regular expression with a quote', src: "const q = /['\"]/g;\nexport { a } from './after.js';", want: [['./after.js', false]] },
  ];
  it.each(cases)('$name', ({ src, want }) => {
    expect(importsOf(src).map((s) => [s.specifier, s.dynamic])).toEqual(want);
  });
});
