/**
 * config-deployment as a cluster's Knative takes it (pkg/deployment/config.go NewConfigFromMap):
 * the first key it fails on, in its parse order, with the rule; the progress deadline otherwise.
 */
import { describe, expect, it } from 'vitest';
import { FieldError, parseClusterDeploymentConfig } from '../../../src/core/autoscaler/index.js';

const IMAGE = { 'queue-sidecar-image': 'gcr.io/knative-releases/queue:v1' };

/** The key and rule of the refusal, or the deadline taken. */
function outcome(data: Record<string, string>): number | [string, string] {
  try {
    return parseClusterDeploymentConfig(data);
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    const seg = e.first.paths[0]?.[1] as { key: string };
    return [seg.key, e.first.message];
  }
}

/** The key refused (or the deadline taken). */
const refusedKey = (data: Record<string, string>): number | string => {
  const o = outcome(data);
  return typeof o === 'number' ? o : o[0];
};

describe('parseClusterDeploymentConfig', () => {
  it('takes the shipped ConfigMap (every key set as Knative ships it) and gives its progress deadline', () => {
    expect(
      outcome({
        ...IMAGE,
        'progress-deadline': '600s',
        'digest-resolution-timeout': '10s',
        'registries-skipping-tag-resolving': 'kind.local,ko.local,dev.local',
        'queue-sidecar-cpu-request': '25m',
        'queue-sidecar-memory-limit': '800Mi',
        'queue-sidecar-token-audiences': '',
        'default-affinity-type': 'prefer-spread-revision-over-nodes',
        'pod-is-always-schedulable': 'false',
      }),
    ).toBe(600);
    expect(outcome({ ...IMAGE })).toBe(600);
    expect(outcome({ ...IMAGE, progressDeadline: '120s' })).toBe(120);
  });

  it('the image: unset, empty or blank is refused at the key in force (the kebab-case one wins)', () => {
    const rule = "queue-sidecar-image cannot be empty or unset (Knative runs it as every revision's queue-proxy)";
    expect(outcome({ 'progress-deadline': '60s' })).toEqual(['queue-sidecar-image', rule]);
    expect(outcome({ 'queue-sidecar-image': ' \t' })).toEqual(['queue-sidecar-image', rule]);
    expect(outcome({ queueSidecarImage: '' })).toEqual(['queueSidecarImage', rule]);
    expect(outcome({ queueSidecarImage: 'q:1', 'queue-sidecar-image': '' })).toEqual(['queue-sidecar-image', rule]);
    expect(outcome({ queueSidecarImage: '', 'queue-sidecar-image': 'q:1' })).toBe(600);
  });

  it('a scenario\'s ConfigMap (imageMayBeUnset) may leave the image unset, the shipped one, but not blank', () => {
    expect(parseClusterDeploymentConfig({ 'progress-deadline': '60s' }, { imageMayBeUnset: true })).toBe(60);
    let err: unknown;
    try {
      parseClusterDeploymentConfig({ queueSidecarImage: ' ' }, { imageMayBeUnset: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FieldError);
    expect([(err as FieldError).first.paths, (err as FieldError).first.message]).toEqual([
      [['config-deployment', { key: 'queueSidecarImage' }]],
      "queue-sidecar-image cannot be empty or unset (Knative runs it as every revision's queue-proxy)",
    ]);
  });

  it('parse errors come first, in upstream order (legacy keys before kebab-case ones), before the image rule', () => {
    expect(refusedKey({ 'progress-deadline': 'x', queueSidecarMemoryLimit: '1 Gi' })).toBe('queueSidecarMemoryLimit');
    expect(refusedKey({ 'queue-sidecar-cpu-limit': '1x', 'pod-is-always-schedulable': 'on' })).toBe('queue-sidecar-cpu-limit');
    expect(outcome({ 'pod-is-always-schedulable': 'on' })).toEqual(['pod-is-always-schedulable', 'failed to parse "on": expected a boolean (true or false)']);
    expect(refusedKey({ 'digest-resolution-timeout': '10' })).toBe('digest-resolution-timeout');
  });

  it('then the deadline, the digest timeout and the affinity rules', () => {
    expect(outcome({ ...IMAGE, 'progress-deadline': '1500ms' })).toEqual(['progress-deadline', 'progress-deadline must be rounded to a whole second, was 1500ms']);
    expect(outcome({ ...IMAGE, digestResolutionTimeout: '-1s' })).toEqual(['digestResolutionTimeout', 'digest-resolution-timeout cannot be a non-positive duration, was -1s']);
    expect(outcome({ ...IMAGE, 'default-affinity-type': 'None' })).toEqual(['default-affinity-type', 'unsupported default-affinity-type value: "None" (Knative takes none or prefer-spread-revision-over-nodes)']);
    expect(outcome({ ...IMAGE, 'default-affinity-type': 'none' })).toBe(600);
  });
});
