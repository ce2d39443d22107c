/**
 * Every teaching notebook links to its scenario in the playground: each link is a share
 * link (served by `npm run playground` on 127.0.0.1:5178) whose scenario is one the
 * notebook runs, either a shipped scenario it loads with scenario('name') or a YAML
 * scenario written in its code, and the playground's loader accepts it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeShare } from '../../web/src/share.js';
import { loadForPlayground } from '../../web/src/session.js';
import { root } from '../support/cli.js';

const dir = join(root, 'notebooks');
const notebooks = readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort();
const LINK = /\]\((http:\/\/127\.0\.0\.1:5178\/#[^)\s]+)\)/g;

interface Cell {
  cell_type: string;
  source: string[] | string;
}

function cells(file: string): Cell[] {
  return (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cells: Cell[] }).cells;
}

/** The scenario texts a notebook runs. */
function scenariosOf(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of cells(file).filter((x) => x.cell_type === 'code')) {
    const src = [c.source].flat().join('');
    for (const m of src.matchAll(/\bscenario\('([a-z0-9-]+)'/g)) out.set(m[1]!, readFileSync(join(root, 'scenarios', `${m[1]}.yaml`), 'utf8'));
    // An example scenario read from examples/: the playground cannot load user modules, so its
    // link is the scenario without its `autoscalerClasses` block (the KPA side of the comparison).
    for (const m of src.matchAll(/'(examples\/[a-z0-9/-]+\.yaml)'/g)) {
      const text = readFileSync(join(root, m[1]!), 'utf8').replace(/^autoscalerClasses:\n(?: {2}.*\n)+/m, '');
      const name = /^name: (\S+)$/m.exec(text)?.[1];
      if (name !== undefined) out.set(name, text);
    }
    for (const m of src.matchAll(/`([^`]*)`/g)) {
      const name = /^name: (\S+)$/m.exec(m[1]!)?.[1];
      if (name !== undefined && /^services:$/m.test(m[1]!)) out.set(name, m[1]!);
    }
  }
  return out;
}

describe('playground links in the notebooks', () => {
  it('there are notebooks to check', () => {
    expect(notebooks.length).toBeGreaterThanOrEqual(5);
  });

  it.each(notebooks)('%s links to the scenario it runs, by name', async (file) => {
    const markdown = cells(file).filter((c) => c.cell_type === 'markdown').map((c) => [c.source].flat().join('')).join('\n');
    const links = [...markdown.matchAll(/\[([^\]]+)\]\((http:\/\/127\.0\.0\.1:5178\/#[^)\s]+)\)/g)];
    expect(links.length, `${file}: a playground link`).toBeGreaterThanOrEqual(1);
    expect(links.length).toBe([...markdown.matchAll(LINK)].length);
    const runs = scenariosOf(file);
    for (const [, label, url] of links) {
      const shared = await decodeShare(new URL(url!).hash);
      expect(shared, url).toBeDefined();
      // The link's label names the scenario, and its text is the notebook's, byte for byte.
      expect(runs.has(label!), `${file}: runs a scenario named ${label}`).toBe(true);
      expect(shared!.text === runs.get(label!), `${file}: ${label} is the notebook's scenario`).toBe(true);
      expect(shared!.seed).toBeUndefined();
      expect(shared!.durationSeconds).toBeUndefined();
      expect(loadForPlayground({ text: shared!.text, file: `${label}.yaml` }).name).toBe(label);
    }
  });
});
