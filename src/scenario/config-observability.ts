/**
 * config-observability keys knsim does not simulate but Knative's webhook checks
 * (knative/serving pkg/observability/config.go NewFromMap, with knative.dev/pkg's
 * observability tracing, metrics and runtime configs): a value it refuses makes
 * `kubectl apply` of the ConfigMap fail, so knsim refuses it too rather than
 * simulate a cluster that cannot hold it. The one key knsim reads,
 * logging.enable-var-log-collection, is read in configmaps.ts.
 */
import { goParseBool, goParseFloat, goTrimSpace, tryParseGoDuration } from '../core/autoscaler/index.js';

/** Throws the scenario error for `key` of config-observability. */
type Fail = (key: string, rule: string) => never;

const has = (data: Readonly<Record<string, string>>, key: string): boolean => Object.prototype.hasOwnProperty.call(data, key);

/** An AsString value: trimmed as Go's TrimSpace trims; '' when absent. */
const str = (data: Readonly<Record<string, string>>, key: string): string => (has(data, key) ? goTrimSpace(data[key]!) : '');

/** A duration key's parse (absent: undefined), refused below 0 as the configs' Validate does. */
function interval(data: Readonly<Record<string, string>>, key: string, fail: Fail): bigint | undefined {
  if (!has(data, key)) return undefined;
  const r = tryParseGoDuration(data[key]!);
  if (!r.ok) fail(key, `failed to parse ${JSON.stringify(data[key])}: ${r.reason}`);
  return r.ok ? r.nanos : undefined;
}

/** The protocol and endpoint rule of tracing and metrics: some protocols need an endpoint, the others take none. */
function protocolAndEndpoint(data: Readonly<Record<string, string>>, prefix: string, needEndpoint: readonly string[], noEndpoint: readonly string[], free: readonly string[], fail: Fail): void {
  const pKey = `${prefix}-protocol`;
  const eKey = `${prefix}-endpoint`;
  const protocol = has(data, pKey) ? str(data, pKey) : 'none';
  const endpoint = str(data, eKey);
  if (needEndpoint.includes(protocol)) {
    if (endpoint === '') fail(pKey, `endpoint should be set when protocol is ${JSON.stringify(protocol)} (set ${eKey})`);
  } else if (noEndpoint.includes(protocol)) {
    if (endpoint !== '') fail(eKey, `endpoint should not be set when protocol is ${JSON.stringify(protocol)}${has(data, pKey) ? '' : ` (${pKey} is unset, so none)`}`);
  } else if (!free.includes(protocol)) {
    fail(pKey, `unsupported protocol ${JSON.stringify(protocol)} (Knative takes ${[...needEndpoint, ...noEndpoint, ...free].join(', ')})`);
  }
}

/** Metrics (`metrics-…`, or the queue-proxy's request metrics under `request-metrics-…`). */
function metrics(data: Readonly<Record<string, string>>, prefix: string, fail: Fail): void {
  const key = `${prefix}metrics-export-interval`;
  const ns = interval(data, key, fail);
  protocolAndEndpoint(data, `${prefix}metrics`, ['grpc', 'http/protobuf'], ['none'], ['prometheus'], fail);
  if (ns !== undefined && ns < 0n) fail(key, `export interval ${data[key]} should not be negative`);
}

/**
 * Refuses config-observability as Knative's webhook would, key by key in upstream's order
 * (tracing, metrics, runtime, request metrics, then Serving's logging keys), the first
 * broken rule being the error. Knative also parses logging.request-log-template as a Go
 * template; knsim does not check that one.
 */
export function checkObservability(data: Readonly<Record<string, string>>, fail: Fail): void {
  if (has(data, 'tracing-sampling-rate')) {
    const raw = data['tracing-sampling-rate']!;
    const r = goParseFloat(raw);
    if (!r.ok) fail('tracing-sampling-rate', `failed to parse ${JSON.stringify(raw)}: ${r.reason === 'range' ? 'number out of float64 range' : 'not a number'}`);
  }
  protocolAndEndpoint(data, 'tracing', ['grpc', 'http/protobuf'], ['none', 'stdout'], [], fail);
  if (has(data, 'tracing-sampling-rate')) {
    const rate = goParseFloat(data['tracing-sampling-rate']!);
    // NaN passes both of upstream's comparisons, so it is taken.
    if (rate.ok && (rate.value < 0 || rate.value > 1)) fail('tracing-sampling-rate', `sampling rate ${data['tracing-sampling-rate']} should be in [0, 1]`);
  }
  metrics(data, '', fail);
  const runtimeInterval = interval(data, 'runtime-export-interval', fail);
  if (has(data, 'runtime-profiling') && !['enabled', 'disabled'].includes(str(data, 'runtime-profiling'))) {
    fail('runtime-profiling', `unsupported profile setting ${JSON.stringify(str(data, 'runtime-profiling'))} (Knative takes enabled or disabled)`);
  }
  if (runtimeInterval !== undefined && runtimeInterval < 0n) fail('runtime-export-interval', `export interval ${data['runtime-export-interval']} should not be negative`);
  metrics(data, 'request-', fail);
  for (const key of ['logging.enable-var-log-collection', 'logging.enable-request-log', 'logging.enable-probe-request-log']) {
    if (has(data, key) && !goParseBool(data[key]!).ok) fail(key, `failed to parse ${JSON.stringify(data[key])}: expected a boolean (true or false)`);
  }
  const enable = has(data, 'logging.enable-request-log') ? goParseBool(data['logging.enable-request-log']!) : undefined;
  const requestLog = enable?.ok === true && enable.value;
  // Knative's default template is not empty, so only one written empty can leave request logs without a format.
  if (requestLog && has(data, 'logging.request-log-template') && str(data, 'logging.request-log-template') === '') {
    fail('logging.enable-request-log', '"logging.enable-request-log" was set to true, but no "logging.request-log-template" was specified');
  }
}
