/**
 * The README's reference against the code, where checking is cheap: the scenario tables list
 * every field the schema takes, in one unbroken Markdown table; the architecture names every
 * core index the rest of src/ imports; every in-page link reaches a heading; the CLI section's
 * error examples and the Limits refusals are what knsim prints.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ZodObject, ZodOptional } from 'zod';
import { scenarioSchema } from '../src/scenario/schema.js';
import { loadScenario } from '../src/scenario/load.js';
import { runSettings } from '../src/run/settings.js';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The text from a heading line to the next heading (of any level). */
function section(heading: string): string {
  const lines = readme.split('\n');
  const start = lines.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  let end = start + 1;
  while (end < lines.length && !/^#+ /.test(lines[end]!)) end++;
  return lines.slice(start + 1, end).join('\n');
}

/** The first-column names of the section's first table, which must be one run of `|` lines. */
function tableFields(heading: string): string[] {
  const lines = section(heading).split('\n');
  const first = lines.findIndex((l) => l.startsWith('| Field |'));
  expect(first, `${heading}: a "| Field |" table`).toBeGreaterThanOrEqual(0);
  let end = first;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  // A table row after a blank line is not part of the table: Markdown renders it as text.
  const stray = lines.slice(end).filter((l) => /^\| `/.test(l));
  expect(stray, `${heading}: rows after the table has ended`).toEqual([]);
  return lines.slice(first + 2, end).flatMap((l) => [...l.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

describe('README scenario reference', () => {
  it('the top-level table has a row for every field a scenario may have', () => {
    expect(tableFields('### Top level').sort()).toEqual(Object.keys(scenarioSchema.shape).sort());
  });

  it('the cluster table has a row for every cluster field, in one table', () => {
    const cluster = (scenarioSchema.shape.cluster as ZodOptional<ZodObject>).unwrap();
    expect(tableFields('### cluster').sort()).toEqual(Object.keys(cluster.shape).sort());
  });
});

describe('README outputs', () => {
  it('the settings.json row names every top-level field the file has', () => {
    const row = readme.split('\n').find((l) => l.startsWith('| `settings.json` |'));
    expect(row, 'the Outputs table\'s settings.json row').toBeDefined();
    const spec = loadScenario(join(root, 'scenarios/mesh.yaml')).world;
    const keys = Object.keys(runSettings({ ...spec, cluster: { ...spec.cluster, ingressClass: 'istio.ingress.networking.knative.dev' } }, 'd'));
    expect(keys.length).toBeGreaterThanOrEqual(9);
    expect(keys.filter((k) => !row!.includes(`\`${k}\``) && k !== 'revisions' && k !== 'activators')).toEqual([]);
  });
});

describe('README architecture', () => {
  it('names every core index that code outside src/core imports', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
      });
    const used = new Set<string>();
    for (const file of walk(join(root, 'src'))) {
      if (file.startsWith(join(root, 'src', 'core'))) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(?:\.\.\/)+core\/([a-z]+)\/index\.js'/g)) used.add(m[1]!);
    }
    expect([...used].sort()).toEqual(['autoscaler', 'capacity', 'traffic']);
    const text = section('## Architecture').replace(/\s+/g, ' ');
    for (const d of used) expect(text, d).toContain(`\`src/core/${d}/index.ts\``);
  });
});

describe('README links', () => {
  it('every in-page link names a heading', () => {
    const slugs = new Set<string>();
    let inCode = false;
    for (const line of readme.split('\n')) {
      if (line.startsWith('```')) inCode = !inCode;
      else if (!inCode && /^#{1,6} /.test(line)) {
        // GitHub's anchors: lower case, punctuation dropped, spaces to hyphens.
        slugs.add(line.replace(/^#+ /, '').trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'));
      }
    }
    const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((l) => !slugs.has(l))).toEqual([]);
  });
});

describe('README CLI examples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the bad-input lines are what knsim prints for s.yaml, exit 2', () => {
    const block = /one line naming the file,\s+the field path and the rule, exit code 2, and no output directory:\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the CLI section\'s error block').toBeDefined();
    const shown = block!.trim().split('\n');
    writeFileSync(join(dir, 's.yaml'), readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8'));
    const sets = [
      'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/window"]=5s',
      'services[0].manifest.spec.traffic=[{latestRevision: true, percent: 99}]',
      'clients[0].open.bogus=1',
    ];
    const printed = sets.map((set) => {
      const r = spawnSync(process.execPath, [join(root, 'bin/knsim.js'), 'run', 's.yaml', '--no-report', '--out', 'o', '--set', set], { cwd: dir, encoding: 'utf8' });
      expect(r.status, set).toBe(2);
      return r.stderr.trim();
    });
    expect(printed).toEqual(shown);
    expect(execFileSync('ls', [dir], { encoding: 'utf8' }).trim()).toBe('s.yaml');
  });

  it('the Limits refusals are what knsim prints for s.yaml with the values they name, exit 2', () => {
    const block = /The refusal names the field that contributes most, the arithmetic and the flag:\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the Limits section\'s refusal block').toBeDefined();
    writeFileSync(join(dir, 's.yaml'), readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8'));
    const cases = [
      ['clients[0].open={rps: 1e12}', 'duration=1h'],
      ['services[0].initialPods=1000000'],
      ['duration=876000h', 'services[0].initialPods=3'], // 100 years, with 3 pods reporting
    ];
    const printed = cases.map((sets) => {
      const r = spawnSync(process.execPath, [join(root, 'bin/knsim.js'), 'run', 's.yaml', '--no-report', '--out', 'o', ...sets.flatMap((x) => ['--set', x])], { cwd: dir, encoding: 'utf8' });
      expect(r.status, sets.join(' ')).toBe(2);
      return r.stderr.trim();
    });
    expect(printed).toEqual(block!.trim().split('\n'));
  });

  it('the cluster updates example is one knsim runs (on quickstart.yaml\'s hello), every step applied', () => {
    const block = /\n### Cluster updates\n[\s\S]*?\nExample:\n\n```yaml\n(updates:\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the Cluster updates section\'s example').toBeDefined();
    // The example's list, inline as a --set value: each `- at:` entry a mapping of its indented lines.
    const entries = block!.split('\n  - ').slice(1).map((e) => `{${e.trim().split(/\n\s+/).join(', ')}}`);
    expect(entries.length).toBeGreaterThanOrEqual(7);
    writeFileSync(join(dir, 's.yaml'), readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8'));
    const r = spawnSync(process.execPath, [join(root, 'bin/knsim.js'), 'run', 's.yaml', '--no-report', '--trace', 'none', '--no-series', '--out', 'updates', '--set', 'duration=9m', '--set', `updates=[${entries.join(', ')}]`], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const line of ['crashed activators: activator-0 down 360s', 'activators restarted (rolling) from 420s', 'activator-0 deleted at 390s', "Knative's autoscaler down: 300s"]) expect(r.stdout).toContain(line);
  });
});
