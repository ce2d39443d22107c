/**
 * config-observability: knsim reads one key, but Knative's webhook checks them all
 * (knative/serving pkg/observability NewFromMap, knative.dev/pkg observability), so a value
 * it refuses is a one-line error at its key; knsim took every one of these silently.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const CO = 'configMaps.config-observability';
const set = (key: string, value: string): string => `${CO}["${key}"]=${JSON.stringify(value)}`;

describe('config-observability values Knative refuses', () => {
  it.each([
    // The protocol defaults to none, which takes no endpoint: the likeliest slip.
    { sets: [set('metrics-endpoint', 'http://otel:4318')], key: 'metrics-endpoint', rule: 'endpoint should not be set when protocol is "none" (metrics-protocol is unset, so none)' },
    { sets: [set('metrics-protocol', 'grpc')], key: 'metrics-protocol', rule: 'endpoint should be set when protocol is "grpc" (set metrics-endpoint)' },
    { sets: [set('request-metrics-protocol', 'http/protobuf')], key: 'request-metrics-protocol', rule: 'endpoint should be set when protocol is "http/protobuf" (set request-metrics-endpoint)' },
    { sets: [set('metrics-protocol', 'otlp')], key: 'metrics-protocol', rule: 'unsupported protocol "otlp" (Knative takes grpc, http/protobuf, none, prometheus)' },
    { sets: [set('metrics-export-interval', '60')], key: 'metrics-export-interval', rule: 'failed to parse "60": missing unit (use ns, us, ms, s, m or h; did you mean "60s"?)' },
    { sets: [set('request-metrics-export-interval', '-1s')], key: 'request-metrics-export-interval', rule: 'export interval -1s should not be negative' },
    { sets: [set('tracing-protocol', 'stdout'), set('tracing-endpoint', 'http://jaeger:4318')], key: 'tracing-endpoint', rule: 'endpoint should not be set when protocol is "stdout"' },
    { sets: [set('tracing-sampling-rate', '10%')], key: 'tracing-sampling-rate', rule: 'failed to parse "10%": not a number' },
    { sets: [set('tracing-sampling-rate', '1.5')], key: 'tracing-sampling-rate', rule: 'sampling rate 1.5 should be in [0, 1]' },
    // Compared exactly: Enabled is not enabled.
    { sets: [set('runtime-profiling', 'Enabled')], key: 'runtime-profiling', rule: 'unsupported profile setting "Enabled" (Knative takes enabled or disabled)' },
    { sets: [set('logging.enable-request-log', 'yes')], key: 'logging.enable-request-log', rule: 'failed to parse "yes": expected a boolean (true or false)' },
    { sets: [set('logging.enable-request-log', 'true'), set('logging.request-log-template', ' ')], key: 'logging.enable-request-log', rule: '"logging.enable-request-log" was set to true, but no "logging.request-log-template" was specified' },
  ])('$key: $rule', ({ sets, key, rule }) => {
    const err = catchScenarioError(() => loadScenario(BASE, { sets }));
    expect(err.path).toBe(`${CO}["${key}"]`);
    expect(err.rule).toBe(rule);
    expect(err.message).not.toContain('\n');
  });
});

describe('config-observability values Knative takes', () => {
  it.each([
    // Knative's shipped example values.
    [set('metrics-protocol', 'http/protobuf'), set('metrics-endpoint', 'http://example.com/v1/traces'), set('metrics-export-interval', '60s')],
    [set('request-metrics-protocol', 'prometheus'), set('runtime-profiling', 'enabled'), set('tracing-sampling-rate', '1')],
    [set('tracing-protocol', ' grpc '), set('tracing-endpoint', 'jaeger:4317')],
    // Upstream's range checks let NaN through.
    [set('tracing-sampling-rate', 'NaN')],
    [set('logging.enable-request-log', 'True'), set('logging.enable-probe-request-log', '0')],
  ])('%s', (...sets) => {
    expect(loadScenario(BASE, { sets }).world.services).toHaveLength(1);
  });
});
