/**
 * A revision keeps its pod counts and its ready lists as pods change (a scale-up to
 * thousands of pods must not recount or re-sort per pod); they must equal a full recount.
 */
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/core/autoscaler/index.js';
import type { Pod } from '../../src/model/pod.js';
import type { PodEvent } from '../../src/model/recorder.js';
import type { Revision } from '../../src/model/revision.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder, constant, revision, service, world } from './world-fixture.js';

/** The counts by walking every pod, as podCounts did before it kept them. */
function recount(rev: Revision): ReturnType<Revision['podCounts']> {
  let notReady = 0;
  let pending = 0;
  let terminating = 0;
  for (const p of rev.allPods) {
    if (p.phase === 'Terminating') terminating++;
    else if (p.phase === 'Pending' || p.phase === 'ImagePullBackOff') pending++;
    else if (!p.k8sReady) notReady++;
  }
  return { ready: rev.readyPods.length, notReady, pending, terminating };
}

const bySeq = (pods: readonly Pod[]): boolean => pods.every((p, i) => i === 0 || pods[i - 1]!.seq < p.seq);

class CheckingRecorder extends MemoryRecorder {
  checks = 0;
  seen = { pending: 0, notReady: 0, terminating: 0, ready: 0 };
  mismatches: string[] = [];
  private check(rev: Revision, when: string): void {
    this.checks++;
    const want = recount(rev);
    const got = rev.podCounts();
    if (JSON.stringify(got) !== JSON.stringify(want)) this.mismatches.push(`${when}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
    if (!bySeq(rev.readyPods.toArray()) || !bySeq(rev.activatorHealthyPods.toArray())) this.mismatches.push(`${when}: a ready list is out of creation order`);
    for (const k of ['pending', 'notReady', 'terminating', 'ready'] as const) this.seen[k] = Math.max(this.seen[k], want[k]);
  }
  override decision(d: DecisionRecord, rev: Revision): void {
    super.decision(d, rev);
    this.check(rev, `decision at ${d.time}`);
  }
  override podTransition(pod: Pod, event: PodEvent, time: number): void {
    super.podTransition(pod, event, time);
    this.check(pod.revision, `${pod.name} ${event} at ${time}`);
  }
}

describe('pod counts kept as pods change', () => {
  it('equal a recount after every pod event and decision, through a scale-up, a scale-down and scale to zero', () => {
    // Slow, uneven pod starts: pods pass the activator's probe and Kubernetes readiness in another order than created.
    const podStart = { scheduling: { dist: 'uniform' as const, min: 0.1, max: 3 }, imagePull: { dist: 'exponential' as const, mean: 2 }, containerStart: constant(1), readiness: constant(0.5), kubeletReadyLag: { dist: 'uniform' as const, min: 0, max: 2 } };
    const spec = world(
      [service('hello', [revision({ cc: 1, initialPods: 2, podStart, serviceTime: constant(1) })])],
      [{ kind: 'open', name: 'burst', service: 'hello', process: 'poisson', rate: { shape: 'constant', rps: 60 }, startSeconds: 0, endSeconds: 60 }],
      { duration: 400 },
    );
    const rec = new CheckingRecorder();
    new World(spec, rec).run();
    expect(rec.mismatches.slice(0, 3)).toEqual([]);
    expect(rec.checks).toBeGreaterThan(500);
    // Every kind of pod was there at some point.
    expect(rec.seen.pending).toBeGreaterThan(5);
    expect(rec.seen.notReady).toBeGreaterThan(5);
    expect(rec.seen.terminating).toBeGreaterThan(5);
    expect(rec.seen.ready).toBeGreaterThan(40);
  });
});
