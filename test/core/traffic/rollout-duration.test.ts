import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { FieldError } from '../../../src/core/field-error.js';
import {
  effectiveRolloutDuration,
  parseNetworkRolloutDuration,
  parseRolloutDurationAnnotation,
  rolloutDurationFromAnnotations,
} from '../../../src/core/traffic/rollout-duration.js';
import { TrafficValidationError } from '../../../src/core/traffic/validate.js';

describe('parseRolloutDurationAnnotation (webhook validation)', () => {
  const ok: [string, number][] = [
    ['120s', 120],
    ['3h15m21s', 11721],
    ['123s', 123],
    ['0s', 0],
    ['0', 0],
    ['2m', 120],
    ['1.5m', 90],
  ];
  it.each(ok)('%j → %i s', (v, want) => {
    expect(parseRolloutDurationAnnotation(v)).toBe(want);
  });
  const bad: [string, string][] = [
    ['120000000000', 'invalid value: 120000000000: metadata.annotations.serving.knative.dev/rollout-duration'],
    ['five minutes and 6 seconds', 'invalid value: five minutes and 6 seconds: metadata.annotations.serving.knative.dev/rollout-duration'],
    ['CLXXXIIIs', 'invalid value: CLXXXIIIs: metadata.annotations.serving.knative.dev/rollout-duration'],
    ['-211s', 'rollout-duration=-211s must be positive: metadata.annotations.serving.knative.dev/rollout-duration'],
    ['211s44ms', 'rollout-duration=211s44ms is not at second precision: metadata.annotations.serving.knative.dev/rollout-duration'],
    ['1.5s', 'rollout-duration=1.5s is not at second precision: metadata.annotations.serving.knative.dev/rollout-duration'],
  ];
  it.each(bad)('%j is rejected', (v, msg) => {
    let caught: unknown;
    try {
      parseRolloutDurationAnnotation(v);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TrafficValidationError);
    expect((caught as Error).message.startsWith(msg)).toBe(true);
    expect((caught as TrafficValidationError).field).toBe('metadata.annotations.serving.knative.dev/rollout-duration');
  });
});

describe('rolloutDurationFromAnnotations', () => {
  it.each([
    [{}, undefined],
    [{ 'serving.knative.dev/rollout-duration': '' }, undefined],
    [{ 'serving.knative.dev/rollout-duration': '300s' }, 300],
    [{ 'serving.knative.dev/rolloutDuration': '5m' }, 300],
    [{ 'serving.knative.dev/rollout-duration': '60s', 'serving.knative.dev/rolloutDuration': '5m' }, 60],
    [{ 'other/annotation': '5m' }, undefined],
  ] as const)('%j → %s', (annos, want) => {
    expect(rolloutDurationFromAnnotations(annos)).toBe(want);
  });
  it('names the legacy key in errors', () => {
    expect(() => rolloutDurationFromAnnotations({ 'serving.knative.dev/rolloutDuration': 'soon' })).toThrow(
      'metadata.annotations.serving.knative.dev/rolloutDuration',
    );
  });
});

describe('parseNetworkRolloutDuration (config-network)', () => {
  it.each([
    [{}, 0],
    [{ 'rollout-duration': '300' }, 300],
    [{ 'rollout-duration': '+7' }, 7],
    [{ 'rollout-duration': '0' }, 0],
    [{ rolloutDuration: '120' }, 120],
    [{ rolloutDuration: '120', 'rollout-duration': '30' }, 30],
  ] as const)('%j → %i', (data, want) => {
    expect(parseNetworkRolloutDuration(data)).toBe(want);
  });
  it.each([
    [{ 'rollout-duration': '300s' }, 'invalid syntax'],
    [{ 'rollout-duration': '' }, 'invalid syntax'],
    [{ 'rollout-duration': '1.5' }, 'invalid syntax'],
    [{ 'rollout-duration': '-1' }, 'rollout-duration must be a positive integer, but was -1'],
    [{ 'rollout-duration': '99999999999999999999' }, 'out of range'],
  ] as const)('%j is rejected', (data, msg) => {
    expect(() => parseNetworkRolloutDuration(data)).toThrow(FieldError);
    expect(() => parseNetworkRolloutDuration(data)).toThrow(msg);
    try {
      parseNetworkRolloutDuration(data);
    } catch (e) {
      expect((e as FieldError).field).toBe('config-network[rollout-duration]');
    }
  });
});

describe('effectiveRolloutDuration', () => {
  it.each([
    [undefined, 0, 0],
    [undefined, 300, 300],
    [0, 300, 300],
    [60, 300, 60],
    [60, 0, 60],
  ] as const)('annotation %s, network %i → %i', (a, n, want) => {
    expect(effectiveRolloutDuration(a, n)).toBe(want);
  });
  it.each([
    [Number.NaN, 0],
    [-1, 0],
    [1.5, 0],
    [undefined, -5],
  ] as const)('rejects annotation %s, network %s', (a, n) => {
    expect(() => effectiveRolloutDuration(a, n)).toThrow(InvalidArgumentError);
  });
});
