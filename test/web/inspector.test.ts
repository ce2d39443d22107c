/**
 * The decision inspector on kpa-vs-hpa's run (the worker's Session in node): a revision of the
 * HPA class is explained as the Kubernetes HPA decided (it was shown the KPA decider's windows,
 * panic, rate limits and burst capacity, none of which it has), and ◀ tick ▶ step from one of
 * its syncs to the next, 15 s on (a 2 s step found the same sync again).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjacentDecision, explainDecision, nearestDecision } from '../../web/src/inspector.js';
import type { DecisionRow } from '../../web/src/live.js';
import { Session } from '../../web/src/session.js';
import { root } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'knsim-web-inspector-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let session: Session;
let rows: DecisionRow[];

beforeAll(() => {
  session = new Session({ text: readFileSync(join(root, 'scenarios/kpa-vs-hpa.yaml'), 'utf8'), file: 'scenario.yaml', outDir: tmp });
  session.advance(Number.POSITIVE_INFINITY);
  rows = session.live.decisions;
}, 120_000);

const explain = (revision: string, time: number) => {
  const row = nearestDecision(rows, time, revision)!;
  const settings = session.settings.revisions.find((r) => r.revision === revision);
  return explainDecision(rows, row, settings);
};
const step = (e: ReturnType<typeof explain>, label: string) => e.steps.find((s) => s.label === label || s.label.startsWith(`${label} `));

describe('the decision inspector', () => {
  it('explains an HPA sync with the HPA\'s numbers: utilization 5 % of a 70 % target, outside the 0.1 tolerance, held at 6 replicas by the 300 s stabilization; no KPA step', () => {
    const e = explain('hpa-00001', 600);
    expect(e.row).toMatchObject({ time: 600, observedStable: 5, target: 70, readyPods: 6, desired: 6, want: 6 });
    expect(step(e, 'observed average CPU utilization')?.formula).toBe('5 %');
    expect(step(e, 'HPA target')?.formula).toBe('70 %');
    expect(step(e, 'usage ratio')?.formula).toBe("5 / 70 = 0.071, outside the HPA's tolerance of 0.1 around 1");
    expect(step(e, 'recommendation (HPA)')?.value).toBe(1);
    // The 300 s scale-down stabilization keeps the highest recommendation: 6 pods, as autoscaler.csv says.
    expect(step(e, 'desired replicas (HPA)')?.formula).toMatch(/last 300 s.*min-scale 1, max-scale ∞ → 6$/);
    expect(step(e, 'PA scale (want)')?.value).toBe(6);
    expect(e.panicWhy).toBe('none: the HPA class has no panic mode.');
    const labels = e.steps.map((s) => s.label).join(' | ');
    for (const kpaOnly of ['panic', 'window', 'target per pod', 'rate limit', 'excess burst capacity', 'activators']) expect(labels).not.toContain(kpaOnly);
  });

  it('an HPA sync that scales up: 86 % of 70 % with one pod is ⌈1.229 × 1⌉ = 2', () => {
    const e = explain('hpa-00001', 75);
    expect(e.row).toMatchObject({ time: 75, observedStable: 86, readyPods: 1, desired: 2 });
    expect(step(e, 'recommendation (HPA)')?.formula).toMatch(/^⌈1\.229 × 1 ready⌉ ≈ 2 /);
    expect(step(e, 'desired replicas (HPA)')?.value).toBe(2);
  });

  it.each([
    // [utilization %, within]: the HPA's closed band [0.9, 1.1] in float64; 77/70 is 1.1 exactly, and 1.1 − 1 > 0.1.
    [62, false],
    [63, true],
    [77, true],
    [78, false],
  ] as const)('the tolerance as the HPA applies it: utilization %i at target 70 is within: %s', (utilization, within) => {
    const row = { ...nearestDecision(rows, 600, 'hpa-00001')!, observedStable: utilization };
    const settings = session.settings.revisions.find((r) => r.revision === 'hpa-00001');
    const e = explainDecision(rows, row, settings);
    expect(step(e, 'usage ratio')?.formula).toMatch(new RegExp(`^${utilization} / 70 = [0-9.]+, ${within ? 'within' : 'outside'} `));
    expect(step(e, 'recommendation (HPA)')?.value).toBe(within ? 'current' : Math.ceil((utilization / 70) * 6));
  });

  it('a KPA revision of the same run keeps the decider\'s formulas', () => {
    const e = explain('kpa-00001', 120);
    expect(step(e, 'target per pod')?.formula).toMatch(/^4 × 70% utilization = 2\.8$/);
    expect(step(e, 'panic ratio')).toBeDefined();
    expect(step(e, 'excess burst capacity')).toBeDefined();
  });

  it('◀ tick ▶ go to the revision\'s previous and next evaluation: 15 s apart for the HPA, 2 s for the KPA, and nothing past either end', () => {
    expect(adjacentDecision(rows, 600, 'hpa-00001', 1)?.time).toBe(615);
    expect(adjacentDecision(rows, 600, 'hpa-00001', -1)?.time).toBe(585);
    const kpa = nearestDecision(rows, 120, 'kpa-00001')!;
    expect(adjacentDecision(rows, kpa.time, 'kpa-00001', 1)!.time).toBeCloseTo(kpa.time + 2, 9);
    expect(adjacentDecision(rows, kpa.time, 'kpa-00001', -1)!.time).toBeCloseTo(kpa.time - 2, 9);
    const hpa = rows.filter((r) => r.revision === 'hpa-00001' && !r.poke);
    expect(adjacentDecision(rows, hpa.at(-1)!.time, 'hpa-00001', 1)).toBeUndefined();
    expect(adjacentDecision(rows, hpa[0]!.time, 'hpa-00001', -1)).toBeUndefined();
  });
});

/** A revision with min-scale 3 that a template update at 2 m leaves unrouted: it then scales down past min-scale. */
const ROLLED_OUT = `name: rolled-out
duration: 4m
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata:
        name: hello
      spec:
        template:
          metadata:
            name: hello-a
            annotations:
              autoscaling.knative.dev/min-scale: "3"
          spec:
            containerConcurrency: 1
            containers:
              - image: ghcr.io/knative/helloworld-go:latest
    initialPods: 3
    app:
      serviceTime: 1s
    updates:
      - at: 2m
        template:
          metadata:
            name: hello-b
          spec:
            containerConcurrency: 1
            containers:
              - image: ghcr.io/knative/helloworld-go:latest
clients:
  - name: hey
    service: hello
    closed: { users: 10, think: 0s }
`;

describe('the decision inspector on a revision no route sends traffic', () => {
  it('says min-scale and the scale-down rate limit do not hold (it clamped want 2 to min-scale 3 and called the 2 "a later reconcile")', () => {
    const dir = mkdtempSync(join(tmp, 'rolled-out-'));
    const s = new Session({ text: ROLLED_OUT, file: 'scenario.yaml', outDir: dir });
    s.advance(Number.POSITIVE_INFINITY);
    const settings = s.settings.revisions.find((r) => r.revision === 'hello-a')!;
    const all = s.live.decisions;
    const explainAt = (t: number) => explainDecision(all, nearestDecision(all, t, 'hello-a')!, settings);
    // Routed (before the update): min-scale 3 holds and the rate limit halves at most.
    const before = explainAt(100);
    expect(before.steps.find((x) => x.label === 'PA scale after bounds')!.formula).toMatch(/^clamp\(\d+, min-scale 3, max-scale ∞\)/);
    expect(before.steps.find((x) => x.label === 'rate limit down')!.formula).toMatch(/^⌊max\(1, \d+\) \/ max-scale-down-rate 2⌋ = \d+/);
    // Unrouted: the first tick whose want is under min-scale.
    const row = all.find((r) => r.revision === 'hello-a' && !r.poke && r.want >= 0 && r.want < 3)!;
    expect(row).toMatchObject({ readyPods: 3, desired: 2, want: 2 });
    const after = explainDecision(all, row, settings);
    const formula = (label: string) => after.steps.find((x) => x.label === label)!.formula;
    expect(formula('rate limit down')).toBe('0: the revision is unreachable (no route sends it traffic: its want 2 is under min-scale 3, which holds only while it is routed)');
    expect(formula('PA scale after bounds')).toBe('clamp(2, min-scale 0 (3 holds only while the revision is routed), max-scale ∞) = 2 → want 2');
    expect(after.steps.find((x) => x.label === 'stable pods after rate limits')!.value).toBe(row.desired);
  });
});
