/**
 * A Route whose traffic names a revision that is not Ready (upstream route.go configureTraffic,
 * traffic.go addRevisionTarget / addConfigurationTarget): it marks the bad target and leaves the
 * ingress as last programmed, so no traffic change and no rollout step goes through until every
 * target is Ready again; the Route tracks its revisions, so it reconciles the moment that happens.
 */
import { describe, expect, it } from 'vitest';
import type { KpaScaleOutput, PipelineReconcileInput, ReconcileCause } from '../../src/core/autoscaler/index.js';
import type { Revision } from '../../src/model/revision.js';
import type { ClientSpec, PodFaultSpec, RevisionSpec, ServiceSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder, revision, run, service, world, type RevOpts } from './world-fixture.js';

const pinned1 = { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1' };
const faulty = (o: RevOpts, faults: PodFaultSpec[]): RevisionSpec => ({ ...revision(o), faults });
const round = (t: number): number => Number(t.toFixed(6));

describe('a traffic update naming a revision that is crash-looping', () => {
  // hello-00001 has one pod (min = max = 1) whose container exits at 60 s and twice more, 5 s
  // after each start: Ready False 60–61, 66–77 and 82–103 s (kubelet back-off 0, 10 and 20 s; the
  // pod is Ready as its restarted container runs, 1 s after the restart).
  // At 70 s the user splits traffic 50/50 with hello-00002, which is Ready throughout.
  const users: ClientSpec = { kind: 'open', name: 'users', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps: 2 }, startSeconds: 0.25, endSeconds: 120 } as ClientSpec;
  const svc: ServiceSpec = {
    ...service('hello', [
      faulty({ initialPods: 1, annotations: pinned1 }, [{ kind: 'crash', atSeconds: 60, pods: 1, count: 3, uptimeSeconds: 5 }]),
      revision({ name: 'hello-00002', generation: 2, initialPods: 1, annotations: pinned1 }),
    ]),
    traffic: [
      { atSeconds: 0, traffic: [{ revisionName: 'hello-00001', percent: 100 }] },
      { atSeconds: 70, traffic: [{ revisionName: 'hello-00001', percent: 50 }, { revisionName: 'hello-00002', percent: 50 }] },
    ],
  };
  const { rec, world: w } = run(world([svc], [users], { duration: 150 }));

  it('is applied only when the revision is Ready again, at 77 s (it was applied at once, at 70 s)', () => {
    expect(w.services.get('hello')!.revisions[0]!.readyFalse.map((p) => [p.atSeconds, p.untilSeconds])).toEqual([
      [60, 61],
      [66, 77],
      [82, 103],
    ]);
    const split = rec.traffics.filter((t) => t.time >= 60).map((t) => [t.time, Object.fromEntries(t.percents)]);
    // The Route reconciles at each Ready change of the revision; those finding it Ready again program the split: 61 (nothing new), 77, 103.
    expect(split).toEqual([
      [61, { 'hello-00001': 100 }],
      [77, { 'hello-00001': 50, 'hello-00002': 50 }],
      [103, { 'hello-00001': 50, 'hello-00002': 50 }],
    ]);
  });

  it('keeps every request on the failing revision until then, as the ingress was programmed', () => {
    const held = rec.requests.filter((r) => r.arrival > 70 && r.arrival < 77);
    expect(held).toHaveLength(14);
    expect(held.every((r) => r.revision?.spec.name === 'hello-00001')).toBe(true);
    const after = rec.requests.filter((r) => r.arrival > 79 && r.arrival < 120);
    expect(after.some((r) => r.revision?.spec.name === 'hello-00002')).toBe(true);
  });
});

describe('a gradual rollout whose new revision crash-loops', () => {
  // hello-00002 (min = max = 1) is created at 10 s and, as the fixture creates revisions, has its
  // scale target initialized at once: its rollout (60 s) takes 1 % at 10 s, the ingress is Ready at
  // 11 s, and then 59 steps of 2 % are due a second apart from 12 s. Its pod's container exits at
  // 30.5 s, is restarted at once (running, and so Ready, at 31.5 s), exits again 4.7 s after starting
  // (36.2 s) and is back after the 10 s back-off: Ready False 30.5–31.5 and 36.2–47.2 s. The configuration target
  // flattens to it (the latest ready revision stays it while it is not Ready), so the Route holds.
  const svc: ServiceSpec = service('hello', [
    revision({ initialPods: 1 }),
    faulty({ name: 'hello-00002', generation: 2, createdAt: 10, annotations: pinned1 }, [{ kind: 'crash', atSeconds: 30.5, pods: 1, count: 2, uptimeSeconds: 4.7 }]),
  ], [{ latestRevision: true, percent: 100 }], 60);
  const { rec, world: w } = run(world([svc], [], { duration: 150 }));
  const shares = rec.traffics.filter((t) => t.time >= 10).map((t) => [round(t.time), t.percents.get('hello-00002') ?? 0]);

  it('does not step while the revision is not Ready, and steps once when it is Ready again (it stepped every second through the crash loop)', () => {
    expect(w.services.get('hello')!.revisions[1]!.readyFalse.map((p) => [p.atSeconds, round(p.untilSeconds!)])).toEqual([
      [30.5, 31.5],
      [36.2, 47.2],
    ]);
    expect(shares.filter(([t]) => t! >= 29 && t! <= 51)).toEqual([
      [29, 37],
      [30, 39],
      // The step due at 31 s waits for 31.5 s; the next is due a step after that.
      [31.5, 41],
      [32.5, 43],
      [33.5, 45],
      [34.5, 47],
      [35.5, 49],
      // Held from 36.5 s to 47.2 s: the eleven steps due in between make one.
      [47.2, 51],
      [48.2, 53],
      [49.2, 55],
      [50.2, 57],
    ]);
  });

  it('finishes later by the time it was held', () => {
    // 1 % + 49 steps of 2 % (the 50th capped at 100 %) end 1 + 50 s after the start, at 61 s,
    // unheld; the Route held 0.5 s (31 to 31.5 s) and 10.7 s (36.5 to 47.2 s).
    expect(shares.find(([, p]) => p === 100)![0]).toBe(72.2);
  });
});

describe('a new latest ready revision while a pinned target is crash-looping', () => {
  // Half the traffic is pinned to hello-00001 (Ready False 60–61, 66–77 and 82–103 s, as above),
  // half follows the latest ready revision. hello-00003 is created at 68 s and starts a pod from
  // scratch (Ready, and its scale target initialized, 2.5 s later), while hello-00001 is not Ready.
  const svc: ServiceSpec = {
    ...service('hello', [
      faulty({ initialPods: 1, annotations: pinned1 }, [{ kind: 'crash', atSeconds: 60, pods: 1, count: 3, uptimeSeconds: 5 }]),
      revision({ name: 'hello-00002', generation: 2, initialPods: 1 }),
      revision({ name: 'hello-00003', generation: 3, createdAt: 68, initialPods: undefined }),
    ]),
    traffic: [{ atSeconds: 0, traffic: [{ revisionName: 'hello-00001', percent: 50 }, { latestRevision: true, percent: 50 }] }],
  };
  const { rec } = run(world([svc], [], { duration: 150 }));

  it('moves the latest-revision half to it only when hello-00001 is Ready again, at 77 s (it moved at 70.5 s)', () => {
    const split = rec.traffics.filter((t) => t.time >= 60).map((t) => [round(t.time), Object.fromEntries(t.percents)]);
    expect(split).toEqual([
      [61, { 'hello-00001': 50, 'hello-00002': 50 }],
      [77, { 'hello-00001': 50, 'hello-00003': 50 }],
      // The ingress reports the split Ready: the Route reconciles so the labeler can let hello-00002 go.
      [78, { 'hello-00001': 50, 'hello-00003': 50 }],
      [103, { 'hello-00001': 50, 'hello-00003': 50 }],
    ]);
  });
});

describe('a traffic update naming a failed revision (Ready False) fails the Route', () => {
  /** [time, reachable] of hello-00001's PA at each change. */
  class ReachabilityRecorder extends MemoryRecorder {
    flips: Array<[number, boolean]> = [];
    reconcile(rev: Revision, time: number, _input: PipelineReconcileInput, _output: KpaScaleOutput, _cause: ReconcileCause): void {
      if (rev.spec.name !== 'hello-00001') return;
      const last = this.flips[this.flips.length - 1];
      if (last === undefined || last[1] !== rev.autoscaler.reachable) this.flips.push([round(time), rev.autoscaler.reachable]);
    }
  }
  // hello-00003's container exits at every start and its progress deadline is 10 s: Ready False
  // (ProgressDeadlineExceeded) from 11 s. At 20 s traffic moves from hello-00001 (min-scale 1) to
  // hello-00002; the labeler keeps hello-00001 active until the Route is Ready (the ingress reports
  // the split at 21 s). At 20.5 s the traffic names hello-00003 too.
  const svc: ServiceSpec = {
    ...service('hello', [
      revision({ initialPods: 1, annotations: { 'autoscaling.knative.dev/min-scale': '1' } }),
      revision({ name: 'hello-00002', generation: 2, initialPods: 1 }),
      faulty({ name: 'hello-00003', generation: 3, initialPods: undefined, annotations: { 'serving.knative.dev/progress-deadline': '10s' } }, [
        { kind: 'crash', atSeconds: 1.6, pods: 1, count: 1000, uptimeSeconds: 0 },
      ]),
    ]),
    traffic: [
      { atSeconds: 0, traffic: [{ revisionName: 'hello-00001', percent: 100 }] },
      { atSeconds: 20, traffic: [{ revisionName: 'hello-00002', percent: 100 }] },
      { atSeconds: 20.5, traffic: [{ revisionName: 'hello-00002', percent: 50 }, { revisionName: 'hello-00003', percent: 50 }] },
    ],
  };
  const rec = new ReachabilityRecorder();
  const w = new World(world([svc], [], { duration: 200 }), rec);
  w.run();

  it('keeps the split, and the labeler lets the left revision go at once: reserve, Unreachable, min-scale dropped (it stayed active for good)', () => {
    expect(w.services.get('hello')!.revisions[2]!.readyFalse).toEqual([{ atSeconds: 11, untilSeconds: undefined, reason: 'ProgressDeadlineExceeded' }]);
    expect(rec.traffics.filter((t) => t.time >= 20).map((t) => [t.time, Object.fromEntries(t.percents)])).toEqual([[20, { 'hello-00002': 100 }]]);
    expect(rec.flips).toEqual([
      [0, true],
      [20.5, false],
    ]);
    expect(w.services.get('hello')!.revisions[0]!.replicas).toBe(0);
  });
});
