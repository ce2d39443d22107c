/**
 * config-network mesh-compatibility-mode: outside `auto` the activators take a pod Kubernetes marks
 * Ready without probing it (revision_backends.go probePodIPs). A container restarted after a short
 * crash is Ready as it runs, before its app answers: with `disabled` the activators send to it
 * then, and those requests get 502; with `auto` they wait for their probe, which passes only once
 * the app answers.
 */
import { describe, expect, it } from 'vitest';
import { podReadinessProbe } from '../../src/core/traffic/index.js';
import { STATUS_BAD_GATEWAY } from '../../src/model/request.js';
import type { ClientSpec, RevisionSpec } from '../../src/model/spec.js';
import { revision, run, service, world } from './world-fixture.js';

const POD1 = 'hello-00001-deployment-0001';
const round = (t: number): number => Number(t.toFixed(6));
const uniform = (rps: number, end: number): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: 0, endSeconds: end }) as ClientSpec;

/** Two pods pinned, the activators always in the path (target-burst-capacity -1); pod 1's container exits once at 30 s. */
function crashOnce(mode: 'auto' | 'disabled') {
  const rev: RevisionSpec = {
    ...revision({
      initialPods: undefined,
      annotations: { 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2', 'autoscaling.knative.dev/target-burst-capacity': '-1' },
    }),
    faults: [{ kind: 'crash', atSeconds: 30, pods: 1, count: 1, uptimeSeconds: 0 }],
    kubeletReadinessProbe: podReadinessProbe({ periodSeconds: 3 }),
  };
  const spec = world([service('hello', [rev])], [uniform(20, 50)], { duration: 60 });
  spec.cluster = { ...spec.cluster, ...(mode === 'auto' ? {} : { meshCompatibilityMode: mode }) };
  return run(spec).rec;
}

describe('mesh-compatibility-mode and a restarted container', () => {
  const events = (rec: ReturnType<typeof crashOnce>) => rec.pods.filter((p) => p.pod.name === POD1 && p.time > 20).map((p) => [p.event, round(p.time)]);
  const early502 = (rec: ReturnType<typeof crashOnce>) =>
    rec.requests.filter((r) => r.pod?.name === POD1 && r.status === STATUS_BAD_GATEWAY && r.podIn > 30.5).map((r) => [r.route, round(r.podIn)]);

  it('auto: the activators use the pod once their probe passes after the app answers (31.6 s), so none of their requests fails', () => {
    const rec = crashOnce('auto');
    expect(events(rec)).toEqual([
      ['CrashLoopBackOff', 30],
      ['Restarted', 30],
      ['Ready', 31],
      ['ActivatorHealthy', 31.6],
    ]);
    expect(early502(rec)).toEqual([]);
  });

  it('disabled: the activators use the pod as it is Ready (31 s), and what they send before the app listens (31.5 s) gets 502', () => {
    const rec = crashOnce('disabled');
    expect(events(rec)).toEqual([
      ['CrashLoopBackOff', 30],
      ['Restarted', 30],
      ['Ready', 31],
      ['ActivatorHealthy', 31],
    ]);
    // 20 rps through the activators: 8 of the 10 requests of 31–31.5 s go to pod 1 and fail at once.
    expect(early502(rec)).toEqual([31.001, 31.051, 31.101, 31.151, 31.301, 31.351, 31.401, 31.451].map((t) => ['activator', t]));
  });
});
