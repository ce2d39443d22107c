/**
 * initialPods on node pools: pods running before the run must fit the initial nodes, or the
 * scenario is refused as bad input (one line, the field, exit code 2), not failed mid-run.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInitialPlacement } from '../../src/scenario/initial-placement.js';
import { loadScenario } from '../../src/scenario/load.js';
import { checkWork } from '../../src/scenario/work-estimate.js';
import { runKnsim } from '../support/cli.js';
import { catchScenarioError } from './helpers.js';

const service = (name: string, cpu: string, initialPods: number): string => `
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: ${name} }
      spec:
        template:
          spec: { containers: [{ image: app, resources: { requests: { cpu: "${cpu}" } } }] }
    initialPods: ${initialPods}`;

/** `name`.yaml in a fresh temporary folder: a scenario of that name, 30 s, one node pool, these services and clients. */
function writeScenario(name: string, initialNodes: number, maxNodes: number, services: string, clients: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'knsim-initial-placement-')), `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
duration: 30s
cluster:
  nodePools:
    - { name: std, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: ${initialNodes}, maxNodes: ${maxNodes} }
  nodeAutoscaler: { kind: cluster-autoscaler }
services:${services}
clients:
  - ${clients}
`,
  );
  return file;
}

/** Two services of 3-CPU pods on 4-CPU nodes: one pod per node. */
function scenario(initialNodes: number, podsA: number, podsB: number): string {
  return writeScenario('nodes', initialNodes, 10, `${service('a', '3', podsA)}${service('b', '3', podsB)}`, '{ name: c, service: a, open: { process: uniform, rate: { shape: constant, rps: 1 } } }');
}

const RULE = (rev: string, pod: string): string =>
  `the initial nodes cannot hold ${rev}'s initialPods (pod ${pod} fits no node); add initialNodes or lower initialPods (cluster.nodePools)`;

describe('initialPods must fit the initial nodes', () => {
  it.each([
    { nodes: 6, a: 5, b: 1 },
    { nodes: 3, a: 3, b: 0 },
    { nodes: 0, a: 0, b: 0 },
  ])('$a + $b pods on $nodes nodes load', ({ nodes, a, b }) => {
    expect(loadScenario(scenario(nodes, a, b)).world.services.map((s) => s.revisions[0]!.initialPods)).toEqual([a, b]);
  });

  it.each([
    { nodes: 5, a: 5, b: 1, path: 'services[1].initialPods', rule: RULE('b-00001', 'b-00001-deployment-0001') },
    { nodes: 2, a: 3, b: 0, path: 'services[0].initialPods', rule: RULE('a-00001', 'a-00001-deployment-0003') },
    { nodes: 0, a: 0, b: 1, path: 'services[1].initialPods', rule: RULE('b-00001', 'b-00001-deployment-0001') },
  ])('$a + $b pods on $nodes nodes: $path', ({ nodes, a, b, path, rule }) => {
    const file = scenario(nodes, a, b);
    const e = catchScenarioError(() => loadScenario(file));
    expect([e.file, e.path, e.rule]).toEqual([file, path, rule]);
  });

  it('knsim run refuses it with one line and exit code 2, writing nothing', () => {
    const file = scenario(5, 5, 1);
    const out = join(file, '..', 'out');
    const r = runKnsim(['run', file, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`knsim: ${file}: services[1].initialPods: ${RULE('b-00001', 'b-00001-deployment-0001')}\n`);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('places them without starting the clients: an absurd rate is left to the work estimate, not drawn at load', () => {
    // A Poisson client at up to 1e300 requests/s: drawing its first arrival by thinning took a
    // minute of CPU inside this check, before the work estimate could refuse the rate.
    const file = writeScenario('absurd', 1, 2, service('a', '1', 1), '{ name: c, service: a, open: { process: poisson, rate: { shape: sine, mean: 1, amplitude: 1e300, period: 30m } } }');
    const loaded = loadScenario(file);
    let read = 0;
    const clients = new Proxy([...loaded.world.clients], {
      get(target, key, receiver) {
        if (key === '0') read++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    checkInitialPlacement(file, { ...loaded.world, clients });
    expect(read).toBe(0);
    expect(catchScenarioError(() => checkWork(loaded)).message).toContain('a sine rate of up to 1e300 requests/s over 30 s = 3e301 requests exceeds the limit of 1e9 requests');
  });
});
