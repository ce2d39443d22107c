/**
 * A pod the activator's probe found healthy before Kubernetes marked it Ready, whose container
 * exits in between: upstream's revision watcher reprobes only addresses that move from the
 * endpoints' ready set to the not-ready one (pkg/activator/net/revision_backends.go,
 * becameNonReady), and this pod never left the not-ready set, so the activator keeps it as a
 * healthy backend and keeps sending to it through the whole back-off: every such request gets
 * 502 from its queue-proxy at once.
 */
import { describe, expect, it } from 'vitest';
import { podReadinessProbe } from '../../src/core/traffic/index.js';
import { STATUS_BAD_GATEWAY, STATUS_OK } from '../../src/model/request.js';
import type { ClientSpec, PodFaultSpec, RevisionSpec } from '../../src/model/spec.js';
import { revision, run, service, world } from './world-fixture.js';

const uniform = (rps: number, start: number, end: number): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: start, endSeconds: end }) as ClientSpec;
const POD1 = 'hello-00001-deployment-0001';
const round = (t: number): number => Number(t.toFixed(6));

/**
 * Two pods pinned at 2, containerConcurrency 10 (round robin), target-burst-capacity -1 so every
 * request goes through the one activator. The readiness probe runs every 3 s and needs 3
 * failures. Pod 1's container exits at 30 s, then 1 s after each restart, three times in all.
 */
function crashLoop() {
  const faults: PodFaultSpec[] = [{ kind: 'crash', atSeconds: 30, pods: 1, count: 3, uptimeSeconds: 1 }];
  const rev: RevisionSpec = {
    ...revision({
      cc: 10,
      initialPods: undefined,
      annotations: { 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2', 'autoscaling.knative.dev/target-burst-capacity': '-1' },
    }),
    faults,
    kubeletReadinessProbe: podReadinessProbe({ periodSeconds: 3 }),
  };
  return run(world([service('hello', [rev])], [uniform(10, 0, 80)], { duration: 100, activators: 1 }));
}

describe('a pod found by the activator before it is Ready, whose container then exits', () => {
  const { rec } = crashLoop();
  const toPod1 = rec.requests.filter((r) => r.pod?.name === POD1);

  it('stays healthy to the activator: no second ActivatorHealthy after the exit at 44 s', () => {
    // Exit 32 (1 s after the restart at 30): it was Ready, so the activator reprobes it and drops it.
    // Restarted 42 after the 10 s back-off, running 43, the app answers 43.5; the queue-proxy's probe
    // failed 3 times meanwhile, so Kubernetes waits for a probe tick, while the activator finds it at
    // 43.6. The exit at 44 comes before that tick: still not Ready, it never moves, nothing reprobes it.
    expect(rec.pods.filter((p) => p.pod.name === POD1 && p.time > 20).map((p) => [p.event, round(p.time)])).toEqual([
      ['CrashLoopBackOff', 30],
      ['Restarted', 30],
      ['Ready', 31],
      ['ActivatorHealthy', 31.6],
      ['CrashLoopBackOff', 32],
      ['Restarted', 42],
      ['ActivatorHealthy', 43.6],
      ['CrashLoopBackOff', 44],
      ['Restarted', 64],
      ['Ready', 66.5],
    ]);
  });

  it('gets every other request through the 20 s back-off and until its app answers at 65.5 s, each a 502 at once', () => {
    const outage = toPod1.filter((r) => r.podIn > 44 && r.podIn < 65.5);
    // Round robin over the two pods, both always free: of the 215 requests sent at 44.0 … 65.4 s, pod 1 takes every other one.
    expect(outage.length).toBe(107);
    for (const r of outage) {
      expect(r.route).toBe('activator');
      expect(r.status).toBe(STATUS_BAD_GATEWAY);
      expect(r.end).toBe(r.podIn);
    }
    // Once the app answers it serves again, still without a new probe.
    const after = toPod1.filter((r) => r.podIn >= 65.5);
    expect(after.length).toBeGreaterThan(0);
    for (const r of after) expect(r.status).toBe(STATUS_OK);
  });
});
