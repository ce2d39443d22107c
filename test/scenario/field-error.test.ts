import { describe, expect, it } from 'vitest';
import { AnnotationError } from '../../src/core/autoscaler/annotations.js';
import { FieldError } from '../../src/core/field-error.js';
import { formatPath, ScenarioError } from '../../src/scenario/errors.js';

describe('ScenarioError from a core FieldError', () => {
  it('the scenario layer prints a composed path with quoted keys', () => {
    const e = new AnnotationError('autoscaling.knative.dev/target', '-1', 'must be positive').via('services', 0, 'manifest', 'metadata', 'annotations');
    expect(formatPath(e.first.paths[0]!)).toBe('services[0].manifest.metadata.annotations["autoscaling.knative.dev/target"]');
  });

  it.each<[string, FieldError, string]>([
    ['a ConfigMap key', new FieldError('must be positive', [['config-network', { key: 'rollout-duration' }]]).viaField('configMaps'), 'f.yaml: configMaps.config-network["rollout-duration"]: must be positive'],
    ['a list item', new FieldError('expected 0 <= 120 <= 100', ['percent']).viaIndex(1).via('services', 0, 'traffic'), 'f.yaml: services[0].traffic[1].percent: expected 0 <= 120 <= 100'],
    ['details', new FieldError('invalid value: x', ['tag'], 'why').via('traffic', 0), 'f.yaml: traffic[0].tag: invalid value: x (why)'],
    ['the file itself', new FieldError('empty'), 'f.yaml: empty'],
  ])('%s', (_name, err, message) => {
    expect(ScenarioError.fromField('f.yaml', err).message).toBe(message);
  });
});
