/**
 * Keys of config-deployment, config-network and config-defaults that Knative does not read: it
 * ignores them without a word, so knsim takes them, but warns (naming the closest known key), as
 * it already did for config-autoscaler and config-features. knsim was silent for these three.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { DEFAULTS_KEYS, DEPLOYMENT_KEYS, NETWORK_KEYS, OBSERVABILITY_KEYS, defaultsKeyWarnings, deploymentKeyWarnings, networkKeyWarnings, observabilityKeyWarnings } from '../../src/scenario/configmap-keys.js';
import { fixture } from './helpers.js';

const BASE = fixture('base.yaml');

describe('an unknown key is taken with a warning naming it', () => {
  it.each([
    ['config-deployment', 'progress-deadlin', 'unknown config-deployment key, ignored (did you mean progress-deadline?)'],
    ['config-deployment', 'queue-sidecar-cpu-requests', 'unknown config-deployment key, ignored (did you mean queue-sidecar-cpu-request?)'],
    ['config-deployment', 'registries-skipping-tag-resolution', 'unknown config-deployment key, ignored (did you mean registries-skipping-tag-resolving?)'],
    ['config-network', 'rolout-duration', 'unknown config-network key, ignored (did you mean rollout-duration?)'],
    ['config-network', 'ingress_class', 'unknown config-network key, ignored (did you mean ingress-class?)'],
    ['config-network', 'something-else', 'unknown config-network key, ignored'],
    ['config-defaults', 'revision-timeout-second', 'unknown config-defaults key, ignored (did you mean revision-timeout-seconds?)'],
    ['config-defaults', 'container-concurency', 'unknown config-defaults key, ignored (did you mean container-concurrency?)'],
    // The one key knsim reads there: misspelt, the pods got no knative-var-log volume without a word.
    ['config-observability', 'logging.enable-varlog-collection', 'unknown config-observability key, ignored (did you mean logging.enable-var-log-collection?)'],
    ['config-observability', 'metrics.backend-destination', 'unknown config-observability key, ignored'],
  ])('%s %s', (cm, key, text) => {
    const loaded = loadScenario(BASE, { sets: [`configMaps.${cm}["${key}"]="1"`] });
    expect(loaded.warnings).toEqual([`${BASE}: configMaps.${cm}["${key}"]: ${text}`]);
  });
});

describe('every key Knative reads, and _example, loads without an unknown-key warning', () => {
  it.each([
    ['config-deployment', DEPLOYMENT_KEYS, deploymentKeyWarnings, 29],
    ['config-network', NETWORK_KEYS, networkKeyWarnings, 25],
    ['config-defaults', DEFAULTS_KEYS, defaultsKeyWarnings, 16],
    ['config-observability', OBSERVABILITY_KEYS, observabilityKeyWarnings, 16],
  ] as const)('%s', (_cm, keys, warn, count) => {
    // The counts pin the lists to upstream's NewConfigFromMap; a key added there must be added here.
    expect(new Set(keys).size).toBe(count);
    expect(warn(Object.fromEntries([...keys, '_example'].map((k) => [k, '']) as Array<[string, string]>))).toEqual([]);
  });
});
