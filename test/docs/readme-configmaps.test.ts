/**
 * The README's ConfigMap table ("Keys knsim reads (Knative default)") against the loader: every key
 * it lists with a default is one knsim knows (no unknown-key warning), writing that default out
 * changes nothing in the world the scenario builds (so the default is the one knsim uses), and
 * another value of it does change the world (so knsim reads it), except for the keys the table
 * says are only bounds or only compared.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';

const root = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
const scenario = join(root, 'scenarios/quickstart.yaml');

/** `key` (default) pairs of the table row of a ConfigMap; the default up to its first space, comma or `;`. */
function listed(cm: string): Array<[string, string]> {
  const row = readme.find((l) => l.startsWith(`| \`${cm}\` |`));
  expect(row, `README: the ${cm} row of the ConfigMap table`).toBeDefined();
  return [...row!.split('|')[2]!.matchAll(/`([a-z0-9-]+)` \(([^);,\s]+)/g)].map((m) => [m[1]!, m[2]!]);
}

/** The world the quickstart builds, as comparable text, and the load's warnings. */
function world(sets: string[]): { text: string; warnings: readonly string[] } {
  const l = loadScenario(scenario, { sets });
  return { text: JSON.stringify(l.world, (_, v: unknown) => (typeof v === 'function' ? undefined : v)), warnings: l.warnings ?? [] };
}

/** A different value of the same kind: a flipped boolean, one more, one second more. */
function another(v: string): string | undefined {
  if (v === 'true' || v === 'false') return v === 'true' ? 'false' : 'true';
  if (/^\d+$/.test(v)) return String(Number(v) + 1);
  if (/^\d+s$/.test(v)) return `${Number.parseInt(v, 10) + 1}s`;
  return undefined;
}

// Keys the table says bound or compare other values, and keys whose other value is invalid alone
// (max-scale-limit 1 with max-scale 0; containerConcurrency 0 without allow-container-concurrency-zero).
const notChangingAlone = new Set([
  'config-defaults/max-revision-timeout-seconds',
  'config-defaults/container-concurrency-max-limit',
  'config-defaults/enable-service-links',
  'config-autoscaler/max-scale-limit',
  'config-defaults/allow-container-concurrency-zero',
]);

describe('README ConfigMap keys and defaults', () => {
  const base = world([]).text;
  const rows = ['config-autoscaler', 'config-defaults', 'config-deployment', 'config-network'].flatMap((cm) =>
    listed(cm)
      .filter(([, d]) => d !== '=') // "(= revision timeout)": not a literal
      .map(([key, d]) => ({ cm, key, d })),
  );

  it('finds the table: every config-autoscaler key with its default, and the other ConfigMaps', () => {
    expect(rows.filter((r) => r.cm === 'config-autoscaler').length).toBeGreaterThanOrEqual(20);
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  for (const { cm, key, d } of rows) {
    it(`${cm} ${key}: (${d}) is the default, and knsim reads the key`, () => {
      const set = (v: string) => `configMaps.${cm}["${key}"]=${JSON.stringify(v)}`;
      const same = world([set(d)]);
      expect(same.warnings).toEqual([]);
      expect(same.text === base, `${key}: ${d} written out changes the scenario's world`).toBe(true);
      const other = another(d);
      if (other === undefined || notChangingAlone.has(`${cm}/${key}`)) return;
      expect(world([set(other)]).text === base, `${key}: ${other} changes nothing`).toBe(false);
    });
  }
});
