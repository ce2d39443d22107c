/**
 * Quantities knsim needs above 0 (cluster.podCpuCeiling, a pool's cpu and memory, the activator's
 * CPU request and limit): -1 and 0 break one rule and get one wording, with the value as written.
 * -1 said Kubernetes' "must be greater than or equal to 0" (which 0 meets) and 0 "must be greater
 * than 0, got 0m".
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { runKnsim } from '../support/cli.js';
import { scenarioInTempDir, tinyScenario } from '../support/tiny-scenario.js';
import { catchScenarioError } from './helpers.js';

/** A pool with one of its fields (`cpu: -1`) in place of the good one. */
const POOL = (field: string) => {
  const good: Record<string, string> = { cpu: 'cpu: "4"', memory: 'memory: 16Gi' };
  const key = field.split(':')[0]!;
  return `{ name: std, ${key === 'cpu' ? field : good['cpu']}, ${key === 'memory' ? field : good['memory']}, pricePerHour: 0.2, initialNodes: 1 }`;
};
const withCluster = (cluster: string): string => `${tinyScenario('q', '10s', 1)}cluster: ${cluster}\n`;

describe('a quantity that must be greater than 0', () => {
  it.each([
    { cluster: '{ podCpuCeiling: -1 }', path: 'cluster.podCpuCeiling', rule: 'must be greater than 0, got -1' },
    { cluster: '{ podCpuCeiling: 0 }', path: 'cluster.podCpuCeiling', rule: 'must be greater than 0, got 0' },
    { cluster: '{ podCpuCeiling: "-500m" }', path: 'cluster.podCpuCeiling', rule: 'must be greater than 0, got "-500m"' },
    { cluster: '{ podCpuCeiling: "0m" }', path: 'cluster.podCpuCeiling', rule: 'must be greater than 0, got "0m"' },
    { cluster: '{ podCpuCeiling: "-0" }', path: 'cluster.podCpuCeiling', rule: 'must be greater than 0, got "-0"' },
    // Malformed stays malformed: the syntax rule, not the sign.
    { cluster: '{ podCpuCeiling: "-x" }', path: 'cluster.podCpuCeiling', rule: `"-x": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (e.g. 500m, 1.5, 2Gi)` },
    { cluster: `{ nodePools: [${POOL('cpu: -1')}] }`, path: 'cluster.nodePools[0].cpu', rule: 'must be greater than 0, got -1' },
    { cluster: `{ nodePools: [${POOL('cpu: 0')}] }`, path: 'cluster.nodePools[0].cpu', rule: 'must be greater than 0, got 0' },
    { cluster: `{ nodePools: [${POOL('memory: "-1Gi"')}] }`, path: 'cluster.nodePools[0].memory', rule: 'must be greater than 0, got "-1Gi"' },
    { cluster: `{ nodePools: [${POOL('memory: 0')}] }`, path: 'cluster.nodePools[0].memory', rule: 'must be greater than 0, got 0' },
    { cluster: '{ activatorCpu: { perRequest: 1ms, request: -1 } }', path: 'cluster.activatorCpu.request', rule: "must be greater than 0 (the HPA's utilization denominator), got -1" },
    { cluster: '{ activatorCpu: { perRequest: 1ms, limit: -1 } }', path: 'cluster.activatorCpu.limit', rule: 'must be greater than 0, got -1' },
    { cluster: '{ activatorCpu: { perRequest: 1ms, limit: 0 } }', path: 'cluster.activatorCpu.limit', rule: 'must be greater than 0, got 0' },
  ])('$cluster: $path: $rule', ({ cluster, path, rule }) => {
    const err = catchScenarioError(() => scenarioFromValue(parse(withCluster(cluster)), 's.yaml'));
    expect([err.path, err.rule]).toEqual([path, rule]);
  });

  it("a container's resources keep Kubernetes' own rule: 0 loads, -1 must be greater than or equal to 0", () => {
    const manifest = (cpu: string) => tinyScenario('q', '10s', 1).replace('containers: [{ image: app }]', `containers: [{ image: app, resources: { requests: { cpu: ${cpu} } } }]`);
    expect(scenarioFromValue(parse(manifest('0')), 's.yaml').world.services).toHaveLength(1);
    const err = catchScenarioError(() => scenarioFromValue(parse(manifest('-1')), 's.yaml'));
    expect([err.path, err.rule]).toEqual(['services[0].manifest.spec.template.spec.containers[0].resources.requests.cpu', '-1: must be greater than or equal to 0']);
  });

  it.each([
    ['cluster.podCpuCeiling=-1', 'must be greater than 0, got -1'],
    ['cluster.podCpuCeiling=0', 'must be greater than 0, got 0'],
  ])('the CLI with --set %s: one line, exit 2', (set, rule) => {
    const { file, out } = scenarioInTempDir('knsim-positive-q-', tinyScenario('q', '10s', 1));
    const r = runKnsim(['run', 's.yaml', '--no-report', '--out', out, '--set', set], join(file, '..'), { CI: '1' }, 60_000);
    expect([r.code, r.stderr]).toEqual([2, `knsim: s.yaml: cluster.podCpuCeiling: ${rule}\n`]);
  });
});
