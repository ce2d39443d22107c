import { describe, expect, it } from 'vitest';
import { FieldError, formatFieldPath, type FieldPath } from '../../src/core/field-error.js';
import { AnnotationError } from '../../src/core/autoscaler/annotations.js';
import { AutoscalerConfigError, parseAutoscalerConfig } from '../../src/core/autoscaler/config.js';
import { TrafficValidationError, trafficBlockErrors, validateTraffic } from '../../src/core/traffic/validate.js';

describe('formatFieldPath (Knative notation)', () => {
  it.each<[FieldPath, string]>([
    [[], ''],
    [['spec'], 'spec'],
    [['spec', 'traffic', 1, 'percent'], 'spec.traffic[1].percent'],
    [['spec', 'traffic', 'tag', 2], 'spec.traffic.tag[2]'],
    [[0, 'tag'], '[0].tag'],
    [['metadata', 'annotations', { key: 'autoscaling.knative.dev/minScale' }], 'metadata.annotations[autoscaling.knative.dev/minScale]'],
    [['config-autoscaler', { key: 'stable-window' }], 'config-autoscaler[stable-window]'],
    [['a', 0, 1, { key: 'k' }, 'b'], 'a[0][1][k].b'],
  ])('%j → %s', (path, want) => {
    expect(formatFieldPath(path)).toBe(want);
  });
});

describe('FieldError path composition', () => {
  const leaf = (): FieldError => new FieldError('expected 0 <= 120 <= 100', ['percent']);
  it.each<[string, (e: FieldError) => FieldError, string]>([
    ['no prefix', (e) => e, 'percent'],
    ['viaIndex', (e) => e.viaIndex(1), '[1].percent'],
    ['viaIndex then viaField', (e) => e.viaIndex(1).viaField('traffic'), 'traffic[1].percent'],
    ['viaFieldIndex', (e) => e.viaFieldIndex('traffic', 1), 'traffic[1].percent'],
    ['viaField with several names', (e) => e.viaIndex(1).viaField('spec', 'traffic'), 'spec.traffic[1].percent'],
    ['viaField twice (inner first)', (e) => e.viaIndex(1).viaField('traffic').viaField('spec'), 'spec.traffic[1].percent'],
    ['viaKey', (e) => e.viaKey('web'), '[web].percent'],
    ['viaFieldKey', (e) => e.viaFieldKey('services', 'web'), 'services[web].percent'],
    ['via with mixed segments', (e) => e.via('a', 2, { key: 'k' }), 'a[2][k].percent'],
  ])('%s', (_name, compose, field) => {
    const e = compose(leaf());
    expect(e).toBeInstanceOf(FieldError);
    expect(e.field).toBe(field);
    expect(e.message).toBe(`expected 0 <= 120 <= 100: ${field}`);
    expect(e.first.message).toBe('expected 0 <= 120 <= 100');
  });

  it('an error at the object itself takes the prefix as its path', () => {
    const e = new FieldError('Traffic targets sum to 90, want 100');
    expect(e.message).toBe('Traffic targets sum to 90, want 100');
    expect(e.field).toBe('');
    expect(e.viaField('spec', 'traffic').message).toBe('Traffic targets sum to 90, want 100: spec.traffic');
  });

  it('prefixes every path of a rule naming several fields, and prints them sorted', () => {
    const e = new FieldError('expected exactly one, got both', ['revisionName', 'configurationName']).viaFieldIndex('traffic', 0);
    expect(e.first.paths.map(formatFieldPath)).toEqual(['traffic[0].revisionName', 'traffic[0].configurationName']);
    expect(e.message).toBe('expected exactly one, got both: traffic[0].configurationName, traffic[0].revisionName');
    expect(e.field).toBe('traffic[0].revisionName');
  });

  it('keeps details after the paths', () => {
    const e = new FieldError('invalid value: 1.5', ['percent'], 'percent must be an integer').viaIndex(3);
    expect(e.message).toBe('invalid value: 1.5: [3].percent (percent must be an integer)');
  });

  it('also merges issues in order and composes them together', () => {
    const a = new FieldError('rule a', ['x']);
    const b = new FieldError('rule b', ['y']);
    const both = a.also(undefined, b).viaField('spec');
    expect(both.issues.map((i) => [i.message, i.paths.map(formatFieldPath)])).toEqual([
      ['rule a', ['spec.x']],
      ['rule b', ['spec.y']],
    ]);
    expect(both.message).toBe('rule a: spec.x\nrule b: spec.y');
    // Composition never changes the errors it started from.
    expect(a.message).toBe('rule a: x');
  });

  it('merge is undefined without errors', () => {
    expect(FieldError.merge()).toBeUndefined();
    expect(FieldError.merge(undefined, undefined)).toBeUndefined();
    expect(FieldError.merge(undefined, new FieldError('r', ['f']))?.message).toBe('r: f');
  });

  it('refuses an error without issues', () => {
    expect(() => new FieldError([])).toThrow(RangeError);
  });
});

describe("core validators' errors are FieldErrors", () => {
  it('AnnotationError is at [<key>] of the annotations map', () => {
    const e = new AnnotationError('autoscaling.knative.dev/min-scale', 'ham', 'invalid value');
    expect(e).toBeInstanceOf(FieldError);
    expect(e.message).toBe('autoscaling.knative.dev/min-scale="ham": invalid value');
    expect(e.viaField('metadata', 'annotations').field).toBe('metadata.annotations[autoscaling.knative.dev/min-scale]');
  });

  it('AutoscalerConfigError is at config-autoscaler[<key>]', () => {
    let caught: unknown;
    try {
      parseAutoscalerConfig({ 'stable-window': '61984ms' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AutoscalerConfigError);
    expect(caught).toBeInstanceOf(FieldError);
    const e = caught as AutoscalerConfigError;
    expect(e.field).toBe('config-autoscaler[stable-window]');
    expect(e.viaField('configMaps').field).toBe('configMaps.config-autoscaler[stable-window]');
    expect(e.message.startsWith('config-autoscaler: stable-window="61984ms": ')).toBe(true);
  });

  it('traffic errors are relative to the list, and validateTraffic places them at spec.traffic', () => {
    const traffic = [{ revisionName: 'a', percent: 50 }, { revisionName: 'b', percent: 120, tag: 'Bad' }];
    const rel = trafficBlockErrors(traffic, 'service');
    expect(rel?.issues.map((i) => i.paths.map(formatFieldPath))).toEqual([['[1].percent'], ['tag[1]'], []]);
    const abs = validateTraffic(traffic, 'service');
    expect(abs.every((e) => e instanceof TrafficValidationError && e instanceof FieldError)).toBe(true);
    expect(abs.map((e) => e.field)).toEqual(['spec.traffic[1].percent', 'spec.traffic.tag[1]', 'spec.traffic']);
    expect(trafficBlockErrors([{ revisionName: 'a', percent: 100 }], 'service')).toBeUndefined();
  });
});
