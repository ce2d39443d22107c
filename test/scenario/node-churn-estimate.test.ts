/**
 * The work estimate's node launches for pods. It counted only Karpenter's floor relaunched at
 * each expiry, so a run whose pods churn nodes (thousands of slots, nodes that live a second) was
 * not refused and ran until it ate the machine. The estimate is now an upper bound: the slots above
 * minNodes (no more than the revision pods at the peak), each reused once its node is gone (the
 * least a node lives) or once per launch decision (a CA loop, a Karpenter batch), whichever is fewer.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKnsim } from '../support/cli.js';
import { scenarioInTempDir } from '../support/tiny-scenario.js';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { checkWork, estimateWork } from '../../src/scenario/work-estimate.js';
import { runWorld } from '../../src/run/run-world.js';
import { csv } from '../support/chart-data.js';
import { catchScenarioError } from './helpers.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const root = resolve(import.meta.dirname, '../..');

/** `rps` requests/s of 1 s each at containerConcurrency 1: rps / 0.7 pods at the peak (the 70 % target utilization), one per node. */
function churn(autoscaler: Record<string, unknown>, pool: Record<string, unknown>, rps: number, duration = '24h'): Record<string, unknown> {
  return {
    name: 'churn',
    duration,
    services: [
      {
        manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: { spec: { containerConcurrency: 1, containers: [{ image: 'app', resources: { requests: { cpu: '1' } } }] } } } },
        initialPods: 1,
        app: { serviceTime: '1s' },
      },
    ],
    clients: [{ name: 'load', service: 'hello', open: { rps } }],
    cluster: { nodePools: [{ name: 'std', cpu: '1500m', memory: '4Gi', pricePerHour: 0.1, initialNodes: 1, ...pool }], nodeAutoscaler: autoscaler },
  };
}

describe('node launches for pods', () => {
  it.each([
    {
      what: 'Karpenter, nodes up in 1 s expiring after 2 s, 5000 pods',
      raw: churn({ kind: 'karpenter', expireAfter: '2s' }, { maxNodes: 5000, startupLatency: '1s' }, 5000),
      line: 's.yaml: cluster.nodePools[0].maxNodes: 5000 nodes above minNodes, launched for pods at most each slot reused once its node is gone, which takes at least 2 s: 5000 × 43201 = 2.16e8 node launches in 86400 s exceeds the limit of 100000 node launches (raise with --max-node-launches)',
    },
    {
      what: 'the Cluster Autoscaler removing nodes unneeded for 1 s, 2000 pods',
      raw: churn({ kind: 'cluster-autoscaler', scaleDownUnneededTime: '1s', scanInterval: '5s' }, { maxNodes: 3000 }, 2000),
      line: 's.yaml: cluster.nodePools[0].maxNodes: 2858 nodes above minNodes (one per revision pod at the peak), launched for pods at most a loop every scanInterval (5 s): 2858 × 17281 = 4.94e7 node launches in 86400 s exceeds the limit of 100000 node launches (raise with --max-node-launches)',
    },
  ])('refuses $what, naming maxNodes and the arithmetic', ({ raw, line }) => {
    expect(catchScenarioError(() => checkWork(scenarioFromValue(raw, 's.yaml'))).message).toBe(line);
  });

  it.each([
    // 50 rps need 72 pods. The upstream defaults: a node goes 10 min after it is unneeded; Karpenter
    // consolidates a node Ready after its 180 s start, once a command's 15 s validation has passed.
    { what: 'the Cluster Autoscaler with its defaults, 72 pods for a day', raw: churn({ kind: 'cluster-autoscaler' }, { maxNodes: 100 }, 50), launches: 72 * 145 },
    { what: 'Karpenter with its defaults, 72 pods for a day', raw: churn({ kind: 'karpenter' }, { maxNodes: 100 }, 50), launches: 72 * 444 },
    // minNodes 3 of maxNodes 3: no room above the floor.
    { what: 'a pool at its floor', raw: churn({ kind: 'cluster-autoscaler' }, { minNodes: 3, maxNodes: 3, initialNodes: 3 }, 50), launches: 0 },
  ])('lets $what run ($launches launches at most)', ({ raw, launches }) => {
    const e = checkWork(scenarioFromValue(raw, 's.yaml'));
    expect(e.nodeLaunches.reduce((n, it) => n + it.amount, 0)).toBe(launches);
  });

  it('is an upper bound: capacity fixtures that launch nodes for pods launch no more than estimated', () => {
    for (const name of ['karpenter-revalidate', 'karpenter-launch-failures', 'ca-timeout-upcoming', 'ca-unregistered-min']) {
      const loaded = loadScenario(join(root, 'test/fixtures/capacity', `${name}.yaml`), { sets: [] });
      const bound = estimateWork(loaded).nodeLaunches.reduce((n, it) => n + it.amount, 0);
      const dir = join(mkdtempSync(join(tmpdir(), 'knsim-churn-')), name);
      runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
      const launched = csv(dir, 'nodes.csv').filter((r) => r['event'] === 'Requested' && Number(r['time_s']) > 0).length;
      expect(launched, name).toBeGreaterThan(0);
      expect(launched, name).toBeLessThanOrEqual(bound);
    }
  });

  it('the CLI exits 2 with that one line', () => {
    const yaml = JSON.stringify(churn({ kind: 'karpenter', expireAfter: '2s' }, { maxNodes: 5000, startupLatency: '1s' }, 5000));
    const { file, out } = scenarioInTempDir('knsim-churn-cli-', yaml);
    const r = runKnsim(['run', 's.yaml', '--no-report', '--out', out], join(file, '..'), { CI: '1' }, 60_000);
    expect([r.code, r.stderr]).toEqual([
      2,
      'knsim: s.yaml: cluster.nodePools[0].maxNodes: 5000 nodes above minNodes, launched for pods at most each slot reused once its node is gone, which takes at least 2 s: 5000 × 43201 = 2.16e8 node launches in 86400 s exceeds the limit of 100000 node launches (raise with --max-node-launches)\n',
    ]);
  });
});
