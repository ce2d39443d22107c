/**
 * The real CLI on capacity fields whose values Kubernetes or Karpenter would refuse or that do
 * nothing: a refusal is one line naming the file, the field path and the rule (exit 2); a value
 * that is taken but has no effect, or defeats itself, runs with one warning line (exit 0).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKnsim } from '../support/cli.js';
import { scenarioInTempDir, tinyScenario } from '../support/tiny-scenario.js';

const POOL = '{ name: std, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 1';

/** The tiny scenario (10 s) with `cluster` appended. */
const withCluster = (cluster: string): string => `${tinyScenario('capacity', '10s', 1)}cluster:\n${cluster}\n`;

describe('capacity fields on the command line', () => {
  it.each([
    {
      what: 'a launch failure from after the run',
      cluster: `  nodePools: [${POOL}, launchFailures: [{ kind: launchError, at: 1e15 }] }]\n  nodeAutoscaler: { kind: karpenter }`,
      code: 0,
      line: "warning: s.yaml: cluster.nodePools[0].launchFailures[0].at: starts at 1000000000000000 s, at or after the run's end (10 s): it fails no NodeClaim launch of pool std",
    },
    {
      what: 'an expireAfter within the node startup',
      cluster: `  nodePools: [${POOL}, startupLatency: 2m }]\n  nodeAutoscaler: { kind: karpenter, expireAfter: 1m }`,
      code: 0,
      line: "warning: s.yaml: cluster.nodeAutoscaler.expireAfter: 60 s is not longer than pool std's startupLatency (120 s): every NodeClaim launched there is deleted before its node is Ready (expiry is forceful), and pods waiting for them stay Pending",
    },
    {
      what: 'a podCpuCeiling without a CPU model',
      cluster: '  podCpuCeiling: 1500m',
      code: 0,
      line: 'warning: s.yaml: cluster.podCpuCeiling: 1500m is read by the CPU model only, and no revision has one (app.cpu): it has no effect',
    },
    {
      what: 'a maxPods past int32',
      cluster: `  nodePools: [${POOL}, maxPods: 1e12 }]`,
      code: 2,
      line: "s.yaml: cluster.nodePools[0].maxPods: must be at most 2147483647 (the kubelet's maxPods is an int32), got 1000000000000",
    },
    {
      what: "an activator HPA's target past int32",
      cluster: '  activatorCpu: { perRequest: 1ms, targetUtilization: 1e12 }',
      code: 2,
      line: "s.yaml: cluster.activatorCpu.targetUtilization: must be at most 2147483647 (an int32 of the activator's HorizontalPodAutoscaler), got 1000000000000",
    },
  ])('$what: exit $code', ({ cluster, code, line }) => {
    const { file, out } = scenarioInTempDir('knsim-capacity-inputs-', withCluster(cluster));
    const r = runKnsim(['run', 's.yaml', '--no-report', '--out', out], join(file, '..'), { CI: '1' }, 60_000);
    expect(r.code).toBe(code);
    expect(r.stderr).toBe(`knsim: ${line}\n`);
  });
});
