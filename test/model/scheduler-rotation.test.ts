/**
 * kube-scheduler's rotating search in a whole World: in a cluster of 100 nodes or more each pod is
 * scored on the first feasible nodes found from where the previous pod's search stopped
 * (nextStartNodeIndex), so successive pods land in successive windows of the node list;
 * cluster.scheduler.percentageOfNodesToScore: 100 scores every node and the start stays put.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runKnsim } from '../support/cli.js';

const file = join(mkdtempSync(join(tmpdir(), 'knsim-rotation-')), 's.yaml');
// 250 equal 4-CPU nodes (names std-001 … std-250, the list's order) and 4 pods running before the run.
writeFileSync(
  file,
  `name: rotation
duration: 1s
cluster:
  nodePools:
    - { name: std, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 250, maxNodes: 250 }
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: app }
      spec:
        template:
          metadata: { annotations: { autoscaling.knative.dev/min-scale: "4" } }
          spec: { containers: [{ image: app, resources: { requests: { cpu: "1" } } }] }
    initialPods: 4
clients:
  - { name: c, service: app, open: { rps: 1 } }
`,
);

/** After the run (1 s: no pod is created or deleted), each initial pod's node index (0-based) and the next search's start. */
function placed(sets: string[]) {
  const loaded = loadScenario(file, { sets });
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: { cpuCostShare: 0.5 } }, { request: () => {}, decision: () => {}, pod: () => {}, traffic: () => {}, sample: () => {}, node: () => {} });
  const world = new World(loaded.world, recorder);
  world.run();
  const pods = world.services.get('app')!.revisions[0]!.allPods;
  return { nodes: pods.map((p) => Number(p.node!.name.slice('std-'.length)) - 1), next: world.cluster!.scheduler.nextStartNodeIndex };
}

describe('initial pods on 250 nodes', () => {
  it('default (adaptive, 48 %: 120 nodes a search): pod k lands in nodes [120k, 120k + 120) round the list; the next search starts at 480 mod 250 = 230', () => {
    const r = placed([]);
    const windows = [0, 120, 240, 110];
    expect(r.nodes).toHaveLength(4);
    r.nodes.forEach((node, k) => expect((node - windows[k]! + 250) % 250, `pod ${k + 1} on node index ${node}`).toBeLessThan(120));
    expect(r.next).toBe(230);
  });
  it('percentageOfNodesToScore 40: 100-node windows, from 0, 100, 200 and 50; next start 150', () => {
    const r = placed(['cluster.scheduler.percentageOfNodesToScore=40']);
    const windows = [0, 100, 200, 50];
    expect(r.nodes).toHaveLength(4);
    r.nodes.forEach((node, k) => expect((node - windows[k]! + 250) % 250, `pod ${k + 1} on node index ${node}`).toBeLessThan(100));
    expect(r.next).toBe(150);
  });
  it('percentageOfNodesToScore 100: every search looks at all 250 nodes, so the start stays at 0', () => {
    expect(placed(['cluster.scheduler.percentageOfNodesToScore=100']).next).toBe(0);
  });
});

describe('knsim run with a percentage out of range', () => {
  it('one line naming the file, the field and the rule; exit code 2', () => {
    const r = runKnsim(['run', file, '--no-report', '--set', 'cluster.scheduler.percentageOfNodesToScore=101']);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `knsim: ${file}: cluster.scheduler.percentageOfNodesToScore: not in kube-scheduler's valid range [0-100] (0: its adaptive default), got 101\n`]);
  });
});
