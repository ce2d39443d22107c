/**
 * Every key Knative reads from config-deployment, config-network, config-defaults and config-observability, legacy
 * spellings included, so a key it does not read gets a warning. Knative ignores such a key
 * without a word, so knsim takes it too (refusing it would refuse a cluster that runs), but
 * says so: it is nearly always a typo that leaves the setting at its default.
 * config-autoscaler's and config-features' own lists live with their readers.
 */
import { didYouMean } from './did-you-mean.js';

/** knative/serving pkg/deployment/config.go NewConfigFromMap. */
export const DEPLOYMENT_KEYS: readonly string[] = [
  'queue-sidecar-image', 'queueSidecarImage',
  'progress-deadline', 'progressDeadline',
  'digest-resolution-timeout', 'digestResolutionTimeout',
  'registries-skipping-tag-resolving', 'registriesSkippingTagResolving',
  'queue-sidecar-cpu-request', 'queueSidecarCPURequest',
  'queue-sidecar-memory-request', 'queueSidecarMemoryRequest',
  'queue-sidecar-ephemeral-storage-request', 'queueSidecarEphemeralStorageRequest',
  'queue-sidecar-cpu-limit', 'queueSidecarCPULimit',
  'queue-sidecar-memory-limit', 'queueSidecarMemoryLimit',
  'queue-sidecar-ephemeral-storage-limit', 'queueSidecarEphemeralStorageLimit',
  'queue-sidecar-token-audiences', 'queue-sidecar-rootca',
  'queue-sidecar-tls-min-version', 'queue-sidecar-tls-max-version', 'queue-sidecar-tls-cipher-suites', 'queue-sidecar-tls-curve-preferences',
  'default-affinity-type', 'runtime-class-name', 'pod-is-always-schedulable',
];

/** knative.dev/networking pkg/config/config.go NewConfigFromMap. */
export const NETWORK_KEYS: readonly string[] = [
  'ingress-class', 'ingress.class',
  'certificate-class', 'certificate.class',
  'domain-template', 'domainTemplate',
  'tag-template', 'tagTemplate',
  'rollout-duration', 'rolloutDuration',
  'autocreate-cluster-domain-claims', 'autocreateClusterDomainClaims',
  'default-external-scheme', 'defaultExternalScheme',
  'auto-tls', 'autoTLS',
  'http-protocol', 'httpProtocol',
  'enable-mesh-pod-addressability', 'internal-encryption', 'mesh-compatibility-mode', 'namespace-wildcard-cert-selector',
  'external-domain-tls', 'system-internal-tls', 'cluster-local-domain-tls',
];

/** knative/serving pkg/apis/config/defaults.go NewDefaultsConfigFromMap. */
export const DEFAULTS_KEYS: readonly string[] = [
  'init-container-name-template', 'container-name-template',
  'allow-container-concurrency-zero', 'enable-service-links',
  'revision-timeout-seconds', 'max-revision-timeout-seconds', 'revision-idle-timeout-seconds', 'revision-response-start-timeout-seconds',
  'container-concurrency', 'container-concurrency-max-limit',
  'revision-cpu-request', 'revision-memory-request', 'revision-ephemeral-storage-request',
  'revision-cpu-limit', 'revision-memory-limit', 'revision-ephemeral-storage-limit',
];

/**
 * config-observability: knative/serving pkg/observability/config.go NewFromMap, with the keys
 * knative.dev/pkg's observability config reads (tracing, metrics and runtime) and the
 * request-metrics ones under their `request-` prefix. knsim reads only logging.enable-var-log-collection.
 */
export const OBSERVABILITY_KEYS: readonly string[] = [
  'tracing-protocol', 'tracing-endpoint', 'tracing-sampling-rate',
  'metrics-protocol', 'metrics-endpoint', 'metrics-export-interval',
  'runtime-profiling', 'runtime-export-interval',
  'request-metrics-protocol', 'request-metrics-endpoint', 'request-metrics-export-interval',
  'logging.enable-var-log-collection', 'logging.revision-url-template', 'logging.request-log-template',
  'logging.enable-request-log', 'logging.enable-probe-request-log',
];

/** One warning (without its `file: path: ` head) per key of `cm` that Knative does not read, in the data's order. */
function unknownKeyWarnings(cm: string, known: readonly string[], data: Readonly<Record<string, string>>): Array<{ key: string; text: string }> {
  return Object.keys(data)
    // `_example` (and any `_` key) is a ConfigMap's documentation block.
    .filter((key) => !key.startsWith('_') && !known.includes(key))
    .map((key) => ({ key, text: `unknown ${cm} key, ignored${didYouMean(key, known)}` }));
}

export const deploymentKeyWarnings = (data: Readonly<Record<string, string>>): Array<{ key: string; text: string }> => unknownKeyWarnings('config-deployment', DEPLOYMENT_KEYS, data);
export const networkKeyWarnings = (data: Readonly<Record<string, string>>): Array<{ key: string; text: string }> => unknownKeyWarnings('config-network', NETWORK_KEYS, data);
export const defaultsKeyWarnings = (data: Readonly<Record<string, string>>): Array<{ key: string; text: string }> => unknownKeyWarnings('config-defaults', DEFAULTS_KEYS, data);
export const observabilityKeyWarnings = (data: Readonly<Record<string, string>>): Array<{ key: string; text: string }> => unknownKeyWarnings('config-observability', OBSERVABILITY_KEYS, data);
