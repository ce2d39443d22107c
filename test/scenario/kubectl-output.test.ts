/**
 * What `kubectl get ksvc -o yaml` prints, taken as a
 * manifest: the spec as Knative stored it, read as `kubectl apply` of that file would read it, and
 * the server-set fields (status, uid, managedFields, the last-applied annotation) left alone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { fixture } from './helpers.js';

const GET = 'manifests/kubectl-get-ksvc.yaml';
const CLIENTS = [{ name: 'load', service: 'hello', open: { rps: 1 } }];

/** A scenario in test/fixtures (so manifestFile paths are relative to it) with these services. */
const load = (services: unknown[]) => scenarioFromValue({ name: 'kubectl', duration: '5m', services, clients: CLIENTS }, fixture('kubectl.yaml'));

describe('kubectl get ksvc output as a manifest', () => {
  it('reads the spec of `kubectl get ksvc hello -o yaml` and ignores status and the server-set metadata', () => {
    const w = load([{ manifestFile: GET }]).world;
    const r = w.services[0]!.revisions;
    expect(r.map((x) => x.name)).toEqual(['hello-00001']);
    // spec.template's target annotation, 10 × 70 %.
    expect(r[0]!.autoscaling.deciderSpec.targetValue).toBeCloseTo(7, 10);
    expect(r[0]!.timeoutSeconds).toBe(300);
  });

  it('an update with the template kubectl printed (creationTimestamp: null and Knative\'s defaults) creates no revision', () => {
    // Go writes a zero creationTimestamp as null and reads null back as zero: the template is unchanged.
    // knsim counted the null as a field and rolled hello-00002.
    const printed = (parse(readFileSync(fixture(GET), 'utf8')) as { spec: { template: Record<string, unknown> } }).spec.template;
    expect((printed['metadata'] as Record<string, unknown>)['creationTimestamp']).toBeNull();
    const written = { metadata: { annotations: { 'autoscaling.knative.dev/target': '10' } }, spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest', ports: [{ containerPort: 8080 }] }] } };
    const manifest = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: written } };
    const w = load([{ manifest, updates: [{ at: 60, template: printed }] }]).world;
    expect(w.services[0]!.revisions.map((x) => x.name)).toEqual(['hello-00001']);
    // A real change still makes one.
    const changed = structuredClone(printed) as { spec: { containerConcurrency: number } };
    changed.spec.containerConcurrency = 3;
    expect(load([{ manifest, updates: [{ at: 60, template: changed }] }]).world.services[0]!.revisions.map((x) => x.name)).toEqual(['hello-00001', 'hello-00002']);
  });
});
