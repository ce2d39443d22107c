/**
 * The defaults the README's scenario reference states for `cluster`, `cluster.activatorCpu`,
 * `podStart`, the Cluster Autoscaler and Karpenter are the ones knsim uses: writing each one out
 * in a shipped scenario changes nothing in the world it builds. Each default is read from the
 * README's own table or sentence, so an edited default that knsim does not use fails here.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readme, section } from './readme-section.js';
import { parseGoDuration } from '../../src/core/duration.js';
import { DEFAULT_METRICS_RESOLUTION_SECONDS } from '../../src/model/metrics-server.js';
import { loadScenario } from '../../src/scenario/load.js';

const root = resolve(import.meta.dirname, '../..');


/** The README's text from `from` up to `to`. */
function between(from: string, to: string): string {
  const start = readme.indexOf(from);
  expect(start, from).toBeGreaterThanOrEqual(0);
  return readme.slice(start, readme.indexOf(to, start));
}

/** `| \`field\` | … | \`default\` |` rows of a table whose default is the n-th column (1-based). */
function tableDefaults(text: string, column: number): Array<[string, string]> {
  return text
    .split('\n')
    .filter((l) => /^\| `\w+` \|/.test(l))
    .map((l) => l.split('|').map((c) => c.trim()))
    .map((cells) => [cells[1]!.replace(/`/g, ''), cells[column]!] as [string, string])
    .filter(([, d]) => /^`[^`]+`$/.test(d))
    .map(([f, d]) => [f, d.slice(1, -1)]);
}

const world = (file: string, sets: string[]): string =>
  JSON.stringify(loadScenario(join(root, file), { sets }).world, (_, v: unknown) => (typeof v === 'function' ? undefined : v));

/** One test per default: `path=value` added to `base` leaves the world as `base` alone builds it. */
function defaultsOf(name: string, file: string, prefix: string, pairs: Array<[string, string]>, base: string[] = [], least = 1) {
  describe(name, () => {
    it(`the README states at least ${least}`, () => expect(pairs.length).toBeGreaterThanOrEqual(least));
    const without = world(file, base);
    for (const [field, value] of pairs) {
      it(`${prefix}${field}: ${value}`, () => {
        expect(world(file, [...base, `${prefix}${field}=${value}`]) === without, `${prefix}${field}=${value} changes the world`).toBe(true);
      });
    }
  });
}

describe('README defaults', () => {
  const cluster = tableDefaults(section('### cluster'), 3);
  // nodeAutoscaler's `{ kind: none }` needs no pools to compare with; costCpuShare and scheduler need node pools.
  const withPools = ['costCpuShare', 'scheduler'];
  const plain = cluster.filter(([f]) => !['nodeAutoscaler', 'metricsResolution', ...withPools].includes(f));
  defaultsOf('cluster', 'scenarios/quickstart.yaml', 'cluster.', plain, [], 5);
  defaultsOf('cluster with node pools', 'scenarios/capacity-planning.yaml', 'cluster.', cluster.filter(([f]) => withPools.includes(f)), [], 2);

  it('cluster.metricsResolution: the model\'s default when the scenario leaves it out', () => {
    const d = cluster.find(([f]) => f === 'metricsResolution');
    expect(d, 'README: cluster.metricsResolution').toBeDefined();
    expect(parseGoDuration(d![1])).toBe(DEFAULT_METRICS_RESOLUTION_SECONDS);
  });

  defaultsOf('cluster.activatorCpu', 'scenarios/quickstart.yaml', 'cluster.activatorCpu.', tableDefaults(section('#### Activator capacity'), 3), ['cluster.activatorCpu.perRequest=2ms'], 4);
  defaultsOf('podStart', 'scenarios/quickstart.yaml', 'services[0].podStart.', tableDefaults(section('#### podStart'), 2), [], 5);

  const ca = between('**Cluster Autoscaler** (`kind: cluster-autoscaler`', 'Each loop:');
  defaultsOf('Cluster Autoscaler', 'scenarios/capacity-planning.yaml', 'cluster.nodeAutoscaler.', [...ca.matchAll(/`(\w+)`\s+(\d+(?:\.\d+)?[a-z]*)/g)].map((m) => [m[1]!, m[2]!]), [], 12);

  const karpenter = between('**Karpenter** (`kind: karpenter`)', 'Unschedulable pods open a batch');
  defaultsOf(
    'Karpenter',
    'scenarios/capacity-planning.yaml',
    'cluster.nodeAutoscaler.',
    [...karpenter.matchAll(/`(\w+)`\s+(\d+(?:\.\d+)?[a-z]*|WhenEmptyOrUnderutilized)/g)].map((m) => [m[1]!, m[2]!]),
    ['cluster.nodeAutoscaler={kind: karpenter}'],
    6,
  );
});
