/**
 * A config-autoscaler change resyncs every PodAutoscaler: upstream's KPA controller
 * (pkg/reconciler/autoscaling/kpa/controller.go) gives its config store a callback that runs
 * FilteredGlobalResync over the PA informer, which puts every PA of its class in the
 * workqueue's slow lane — whether the change touches that PA's settings or not. The slow
 * lane is served after the fast one, so a PA the same instant also enqueues on the fast lane
 * (its own spec patched, here) is reconciled once, by the watch.
 */
import { describe, expect, it } from 'vitest';
import type { KpaScaleOutput, PipelineReconcileInput, ReconcileCause } from '../../src/core/autoscaler/index.js';
import type { Revision } from '../../src/model/revision.js';
import { World } from '../../src/model/world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';

class ReconcileRecorder extends MemoryRecorder {
  reconciles: Array<{ time: number; revision: string; cause: ReconcileCause; target: number }> = [];
  reconcile(rev: Revision, time: number, _input: PipelineReconcileInput, _output: KpaScaleOutput, cause: ReconcileCause): void {
    this.reconciles.push({ time, revision: rev.spec.name, cause, target: rev.autoscaler.loop.autoscaling.deciderSpec.targetValue });
  }
}

const CHANGE_AT = 100;

/**
 * Two idle Services held at one pod by min-scale 1: `own` sets its target (50) by annotation,
 * so only `plain` follows config-autoscaler's container-concurrency-target-default (100).
 */
function runWith(updates: unknown[], configMaps?: unknown) {
  const svc = (name: string, annotations: Record<string, string>) => ({
    manifest: {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name },
      spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '1', ...annotations } }, spec: { containers: [{ image: 'app' }] } } },
    },
    initialPods: 1,
    app: { serviceTime: '100ms' },
  });
  const raw = {
    name: 'resync',
    seed: 3,
    duration: '150s',
    ...(configMaps !== undefined ? { configMaps } : {}),
    services: [svc('own', { 'autoscaling.knative.dev/target': '50' }), svc('plain', {})],
    clients: [{ name: 'none', service: 'own', open: { process: 'poisson', rps: 0 } }],
    updates,
  };
  const rec = new ReconcileRecorder();
  new World(scenarioFromValue(raw, 'resync.yaml').world, rec).run();
  return rec;
}

/** The reconciles at the change's instant, per revision: [cause, the decider's target (× 0.7 utilization) it reconciled with]. */
function atChange(rec: ReconcileRecorder): Record<string, Array<[ReconcileCause, number]>> {
  const out: Record<string, Array<[ReconcileCause, number]>> = { 'own-00001': [], 'plain-00001': [] };
  for (const r of rec.reconciles) if (r.time === CHANGE_AT) out[r.revision]!.push([r.cause, r.target]);
  return out;
}

const cm = (data: Record<string, string>) => ({ 'config-autoscaler': data });

describe('a config-autoscaler change reconciles every PA once, changed settings or not', () => {
  const cases: Array<{ name: string; configMaps?: unknown; updates: unknown[]; want: Record<string, Array<[ReconcileCause, number]>> }> = [
    {
      name: 'a default target that only the revision without its own target takes',
      updates: [{ at: `${CHANGE_AT}s`, configMaps: cm({ 'container-concurrency-target-default': '20' }) }],
      // The lower target changes plain's SKS (more activators), whose watch reconciles it again.
      want: { 'own-00001': [['resync', 35]], 'plain-00001': [['resync', 14], ['watch', 14]] },
    },
    {
      name: 'a key written with the value in force (the ConfigMap changed, no setting did)',
      updates: [{ at: `${CHANGE_AT}s`, configMaps: cm({ 'stable-window': '60s' }) }],
      want: { 'own-00001': [['resync', 35]], 'plain-00001': [['resync', 70]] },
    },
    {
      name: 'the same data applied again (no ConfigMap update, so no resync)',
      configMaps: cm({ 'container-concurrency-target-default': '20' }),
      updates: [{ at: `${CHANGE_AT}s`, configMaps: cm({ 'container-concurrency-target-default': '20' }) }],
      want: { 'own-00001': [], 'plain-00001': [] },
    },
    {
      name: 'with a patch of one revision at that instant: its watch reconcile (fast lane) takes the resync\'s place',
      updates: [{ at: `${CHANGE_AT}s`, configMaps: cm({ 'container-concurrency-target-default': '20' }), patchRevision: { name: 'own-00001', annotations: { 'autoscaling.knative.dev/target': '40' } } }],
      want: { 'own-00001': [['watch', 28]], 'plain-00001': [['resync', 14], ['watch', 14]] },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      expect(atChange(runWith(c.updates, c.configMaps))).toEqual(c.want);
    });
  }

  it('the resync runs after the instant\'s watch reconciles: the patched PA first, though its change came last', () => {
    const rec = runWith([{ at: `${CHANGE_AT}s`, configMaps: cm({ 'stable-window': '90s' }), patchRevision: { name: 'plain-00001', annotations: { 'autoscaling.knative.dev/target': '40' } } }]);
    // plain's patch changes its SKS (more activators), and that watch too goes before own's resync.
    expect(rec.reconciles.filter((r) => r.time === CHANGE_AT).map((r) => [r.revision, r.cause])).toEqual([
      ['plain-00001', 'watch'],
      ['plain-00001', 'watch'],
      ['own-00001', 'resync'],
    ]);
  });

  it('a deleted Service\'s PA is gone and is not resynced', () => {
    const rec = runWith([
      { at: '50s', deleteService: 'own' },
      { at: `${CHANGE_AT}s`, configMaps: cm({ 'container-concurrency-target-default': '20' }) },
    ]);
    expect(atChange(rec)).toEqual({ 'own-00001': [], 'plain-00001': [['resync', 14], ['watch', 14]] });
  });
});
