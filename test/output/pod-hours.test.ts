/**
 * Pod-hours in summary.json: all pod time (Pending through Gone) and the time pods were
 * Ready (from Ready until NotReady, CrashLoopBackOff or Terminating), per revision and
 * over the run, checked against hand-worked numbers and against a real run's pods.csv.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricByName, metricsOf } from '../../src/output/metrics.js';
import type { PodRecord } from '../../src/output/records.js';
import { RunOutputs } from '../../src/output/run-outputs.js';
import { textSummary } from '../../src/output/text-summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

const root = resolve(import.meta.dirname, '../..');

type Ev = [time: number, revision: string, pod: string, event: PodRecord['event'], readyAt?: number, terminatingAt?: number];

const CASES: Array<{ name: string; end: number; events: Ev[]; revisions: Record<string, [podSeconds: number, readySeconds: number]> }> = [
  {
    name: 'one pod Ready at 1 s until the end (10 s)',
    end: 10,
    events: [[0, 'a', 'p1', 'Pending'], [1, 'a', 'p1', 'Ready', 1]],
    revisions: { a: [10, 9] },
  },
  {
    name: 'a pod that terminates: Ready 3..6, drains until gone at 7',
    end: 10,
    events: [[2, 'a', 'p2', 'Pending'], [3, 'a', 'p2', 'Ready', 3], [6, 'a', 'p2', 'Terminating', 3, 6], [7, 'a', 'p2', 'Gone', 3, 6]],
    revisions: { a: [5, 3] },
  },
  {
    name: 'a readiness failure leaves the endpoints (NotReady) and comes back',
    end: 20,
    events: [[0, 'a', 'p1', 'Pending'], [2, 'a', 'p1', 'Ready', 2], [5, 'a', 'p1', 'NotReady', 2], [8, 'a', 'p1', 'Ready', 8]],
    revisions: { a: [20, 15] },
  },
  {
    name: 'a pod that never gets Ready costs pod time but no ready time',
    end: 3600,
    events: [[0, 'a', 'p1', 'Pending'], [0, 'a', 'p1', 'ErrImagePull']],
    revisions: { a: [3600, 0] },
  },
  {
    name: 'two revisions: the overall is their sum',
    end: 7200,
    events: [[0, 'a', 'p1', 'Pending'], [0, 'a', 'p1', 'Ready', 0], [0, 'b', 'q1', 'Pending'], [1800, 'b', 'q1', 'Ready', 1800]],
    revisions: { a: [7200, 7200], b: [7200, 5400] },
  },
];

describe('pod-hours from pod transitions', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const out = new RunOutputs({ outDir: undefined, requestSampleRate: 0 });
      for (const [time, revision, pod, event, readyAt, terminatingAt] of c.events) {
        out.pod({ time, service: 'svc', revision, pod, event, readyAt: readyAt ?? Number.NaN, terminatingAt: terminatingAt ?? Number.NaN });
      }
      const s = out.finish({ scenario: 't', seed: 1, simulatedSeconds: c.end, events: 0, wallSeconds: 0 });
      let all = 0;
      let ready = 0;
      for (const [rev, [podSeconds, readySeconds]] of Object.entries(c.revisions)) {
        const r = s.revisions.find((x) => x.revision === rev)!;
        expect(r.podSeconds).toBe(podSeconds);
        expect(r.podHours).toBe(Math.round((podSeconds / 3600) * 1e6) / 1e6);
        expect(r.readyPodHours).toBe(Math.round((readySeconds / 3600) * 1e6) / 1e6);
        all += podSeconds;
        ready += readySeconds;
      }
      expect(s.overall.podHours).toBe(Math.round((all / 3600) * 1e6) / 1e6);
      expect(s.overall.readyPodHours).toBe(Math.round((ready / 3600) * 1e6) / 1e6);
      expect(metricsOf(s)).toMatchObject({ pod_hours: s.overall.podHours, ready_pod_hours: s.overall.readyPodHours });
      const text = textSummary(s, 'out', ['summary.json']);
      expect(text).toContain(`pod-hours ${s.overall.podHours} (ready ${s.overall.readyPodHours})`);
    });
  }
});

describe('pod-hours in the metric table', () => {
  it('are metrics a sweep or tune objective can name', () => {
    expect(metricByName('readyPodHours')?.key).toBe('ready_pod_hours');
    expect(metricByName('pod_hours')?.key).toBe('pod_hours');
  });
});

describe('pod-hours of a real run', () => {
  it('equal the ready and existing intervals in pods.csv, per revision and overall', () => {
    const loaded = loadScenario(join(root, 'scenarios', 'canary.yaml'), { sets: [], durationSeconds: 240 });
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-podhours-')), 'canary');
    runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    const end = summary.simulatedSeconds as number;
    const [, ...lines] = readFileSync(join(dir, 'pods.csv'), 'utf8').trim().split('\n');
    // Per revision: seconds pods existed and were Ready, from each pod's own transitions.
    const seconds = new Map<string, { exist: number; ready: number }>();
    const pods = new Map<string, { rev: string; created: number; readySince: number; gone: number }>();
    for (const l of lines) {
      const [t, , rev, pod, ev] = l.split(',') as [string, string, string, string, string];
      const time = Number(t);
      const s = seconds.get(rev) ?? { exist: 0, ready: 0 };
      seconds.set(rev, s);
      const p = pods.get(pod) ?? { rev, created: time, readySince: Number.NaN, gone: Number.NaN };
      pods.set(pod, p);
      if (ev === 'Ready') p.readySince = time;
      else if ((ev === 'NotReady' || ev === 'CrashLoopBackOff' || ev === 'Terminating') && !Number.isNaN(p.readySince)) {
        s.ready += time - p.readySince;
        p.readySince = Number.NaN;
      } else if (ev === 'Gone') p.gone = time;
    }
    for (const p of pods.values()) {
      const s = seconds.get(p.rev)!;
      s.exist += (Number.isNaN(p.gone) ? end : p.gone) - p.created;
      if (!Number.isNaN(p.readySince)) s.ready += end - p.readySince;
    }
    let ready = 0;
    for (const r of summary.revisions) {
      const s = seconds.get(r.revision)!;
      // pods.csv keeps 6 decimals of seconds; summary.json 6 of hours.
      expect(Math.abs(r.readyPodHours - s.ready / 3600), r.revision).toBeLessThan(1e-6);
      expect(Math.abs(r.podHours - s.exist / 3600), r.revision).toBeLessThan(1e-6);
      expect(r.readyPodHours).toBeGreaterThan(0);
      ready += s.ready;
    }
    expect(Math.abs(summary.overall.readyPodHours - ready / 3600)).toBeLessThan(1e-6);
  });
});
