/**
 * ConfigMap keys knsim does not model but upstream parses and checks: a value Knative
 * refuses makes it refuse the whole ConfigMap, so knsim must refuse it on one line
 * naming the file, the key and the rule; a value Knative takes must load.
 */
import { describe, expect, it } from 'vitest';
import { featuresWarnings } from '../../src/scenario/config-features.js';
import { readConfigMaps } from '../../src/scenario/configmaps.js';
import { loadScenario } from '../../src/scenario/load.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const CD = 'configMaps.config-deployment';

// knative/serving pkg/deployment/config.go NewConfigFromMap. knsim took every one of these silently.
describe('config-deployment values upstream refuses', () => {
  const rows = [
    { sets: [`${CD}.digest-resolution-timeout=0s`], key: 'digest-resolution-timeout', rule: 'digest-resolution-timeout cannot be a non-positive duration, was 0s' },
    { sets: [`${CD}.digest-resolution-timeout="-5s"`], key: 'digest-resolution-timeout', rule: 'digest-resolution-timeout cannot be a non-positive duration, was -5s' },
    { sets: [`${CD}.digest-resolution-timeout="10"`], key: 'digest-resolution-timeout', rule: 'failed to parse "10": missing unit (use ns, us, ms, s, m or h; did you mean "10s"?)' },
    // The legacy spelling is parsed too, and checked when it is the value in force.
    { sets: [`${CD}.digestResolutionTimeout=soon`, `${CD}.digest-resolution-timeout=5s`], key: 'digestResolutionTimeout', rule: 'failed to parse "soon": not a Go duration (examples: "60s", "1m30s", "300ms")' },
    { sets: [`${CD}.digestResolutionTimeout=0s`], key: 'digestResolutionTimeout', rule: 'digest-resolution-timeout cannot be a non-positive duration, was 0s' },
    { sets: [`${CD}.default-affinity-type=spread`], key: 'default-affinity-type', rule: 'unsupported default-affinity-type value: "spread" (Knative takes none or prefer-spread-revision-over-nodes)' },
    // Compared exactly, not case-folded.
    { sets: [`${CD}.default-affinity-type=None`], key: 'default-affinity-type', rule: 'unsupported default-affinity-type value: "None" (Knative takes none or prefer-spread-revision-over-nodes)' },
    { sets: [`${CD}.queue-sidecar-image=""`], key: 'queue-sidecar-image', rule: "queue-sidecar-image cannot be empty or unset (Knative runs it as every revision's queue-proxy)" },
    { sets: [`${CD}.queueSidecarImage=img:1`, `${CD}.queue-sidecar-image="  "`], key: 'queue-sidecar-image', rule: "queue-sidecar-image cannot be empty or unset (Knative runs it as every revision's queue-proxy)" },
    // Go's TrimSpace takes NEL as a space (JavaScript's trim does not).
    { sets: [`${CD}.queue-sidecar-image="\\u0085"`], key: 'queue-sidecar-image', rule: "queue-sidecar-image cannot be empty or unset (Knative runs it as every revision's queue-proxy)" },
    { sets: [`${CD}.queue-sidecar-ephemeral-storage-request=lots`], key: 'queue-sidecar-ephemeral-storage-request', rule: 'failed to parse quantity: "lots" is not a valid quantity: ' },
    { sets: [`${CD}.queueSidecarEphemeralStorageLimit=1Gb`], key: 'queueSidecarEphemeralStorageLimit', rule: 'failed to parse quantity: "1Gb" is not a valid quantity: ' },
    // Every key is parsed before any rule is checked, as upstream's NewConfigFromMap does: the bad quantity, not the zero timeout.
    { sets: [`${CD}.digest-resolution-timeout=0s`, `${CD}.queue-sidecar-cpu-limit=1x`], key: 'queue-sidecar-cpu-limit', rule: 'failed to parse quantity: "1x" is not a valid quantity: ' },
    { sets: [`${CD}.default-affinity-type=spread`, `${CD}.pod-is-always-schedulable=nope`], key: 'pod-is-always-schedulable', rule: 'failed to parse "nope": expected a boolean (true or false)' },
    // The API server then refuses the queue-proxy container of every revision's Deployment.
    {
      sets: [`${CD}.queue-sidecar-ephemeral-storage-request=2Gi`, `${CD}.queue-sidecar-ephemeral-storage-limit=1Gi`],
      key: 'queue-sidecar-ephemeral-storage-request',
      rule: "must be less than or equal to ephemeral-storage limit of 1073741824 bytes, got 2147483648 bytes: the API server refuses every revision's Deployment (its queue-proxy container)",
    },
  ];
  for (const { sets, key, rule } of rows) {
    it(sets.join(' '), () => {
      const err = catchScenarioError(() => loadScenario(BASE, { sets }));
      expect(err.file).toBe(BASE);
      expect(err.path).toBe(`${CD}["${key}"]`);
      expect(err.rule.startsWith(rule)).toBe(true);
      expect(err.message).not.toContain('\n');
    });
  }
});

describe('config-deployment values upstream takes', () => {
  const rows = [
    [`${CD}.digest-resolution-timeout=30s`],
    // Only the value in force is range-checked.
    [`${CD}.digestResolutionTimeout=0s`, `${CD}.digest-resolution-timeout=1m`],
    [`${CD}.default-affinity-type=none`],
    [`${CD}.default-affinity-type=prefer-spread-revision-over-nodes`],
    [`${CD}.queue-sidecar-image=gcr.io/knative-releases/queue:v1`],
    // Not a space to Go's TrimSpace, so the image is not empty (JavaScript's trim drops it).
    [`${CD}.queue-sidecar-image="\\ufeff"`],
    [`${CD}.queue-sidecar-ephemeral-storage-request=512Mi`, `${CD}.queue-sidecar-ephemeral-storage-limit=1Gi`],
  ];
  for (const sets of rows) {
    it(sets.join(' '), () => {
      expect(loadScenario(BASE, { sets }).world.services).toHaveLength(1);
    });
  }
});

// knative.dev/networking pkg/config NewConfigFromMap reads ingress-class with AsString, which trims.
describe('config-network ingress-class is read trimmed', () => {
  const CLASS = 'configMaps.config-network["ingress-class"]';
  it.each([
    [`" istio.ingress.networking.knative.dev "`, 'istio.ingress.networking.knative.dev'],
    [`"\\tkourier.ingress.networking.knative.dev\\n"`, 'kourier.ingress.networking.knative.dev'],
    // Go's TrimSpace: NEL is a space, the byte-order mark is not.
    [`"\\u0085istio.ingress.networking.knative.dev"`, 'istio.ingress.networking.knative.dev'],
    [`"\\ufeffistio.ingress.networking.knative.dev"`, '\ufeffistio.ingress.networking.knative.dev'],
  ])('%s → %j', (value, want) => {
    const loaded = loadScenario(BASE, { sets: [`${CLASS}=${value}`] });
    expect(loaded.world.cluster.ingressClass).toBe(want);
  });
  it('Istio’s class with spaces gets least-request balancing and no warning', () => {
    const loaded = loadScenario(BASE, { sets: ['configMaps.config-network["ingress.class"]=" istio.ingress.networking.knative.dev"'] });
    expect(loaded.world.cluster.ingressClass).toBe('istio.ingress.networking.knative.dev');
    expect(loaded.warnings).toBeUndefined();
  });
});

// pkg/apis/config/defaults.go takes any quantities; the webhook fills them into containers that set
// none, and the API server refuses a pod whose request is above its limit. The error is at the
// container, as the API server puts it, and names the config-defaults keys the container does not show.
describe('a config-defaults request above a limit names the keys that set them', () => {
  const CTR = 'services[0].manifest.spec.template.spec.containers[0].resources';
  const CDF = 'configMaps.config-defaults';
  it.each([
    { sets: [`${CDF}.revision-cpu-request=2`, `${CDF}.revision-cpu-limit=1`], field: 'cpu', rule: 'must be less than or equal to cpu limit of 1000m, got 2000m (revision-cpu-request and revision-cpu-limit from config-defaults)' },
    { sets: [`${CDF}.revision-memory-limit=1Mi`, `${CTR}.requests.memory=2Mi`], field: 'memory', rule: 'must be less than or equal to memory limit of 1048576 bytes, got 2097152 bytes (revision-memory-limit from config-defaults)' },
    { sets: [`${CDF}.revision-cpu-request=3`, `${CTR}.limits.cpu=2`], field: 'cpu', rule: 'must be less than or equal to cpu limit of 2000m, got 3000m (revision-cpu-request from config-defaults)' },
    // Written in the container: nothing to add.
    { sets: [`${CDF}.revision-cpu-request=3`, `${CTR}.requests.cpu=3`, `${CTR}.limits.cpu=2`], field: 'cpu', rule: 'must be less than or equal to cpu limit of 2000m, got 3000m' },
  ])('$rule', ({ sets, field, rule }) => {
    const err = catchScenarioError(() => loadScenario(BASE, { sets }));
    expect(err.path).toBe(`${CTR}.requests.${field}`);
    expect(err.rule).toBe(rule);
  });
});

// knative.dev/networking pkg/config NewConfigFromMap. knsim took every one of these silently.
describe('config-network values upstream refuses', () => {
  const CN = 'configMaps.config-network';
  it.each([
    { sets: [`${CN}.http-protocol=https`], key: 'http-protocol', rule: '"https" is not supported: Knative refuses config-network unless http-protocol is enabled, disabled or redirected' },
    // The legacy key, when the new one is absent.
    { sets: [`${CN}.httpProtocol=secure`], key: 'httpProtocol', rule: '"secure" is not supported: Knative refuses config-network unless http-protocol is enabled, disabled or redirected' },
    { sets: [`${CN}.system-internal-tls=strict`], key: 'system-internal-tls', rule: '"strict" is not supported: Knative refuses config-network unless system-internal-tls is enabled or disabled' },
    { sets: [`${CN}.cluster-local-domain-tls=redirected`], key: 'cluster-local-domain-tls', rule: '"redirected" is not supported: Knative refuses config-network unless cluster-local-domain-tls is enabled or disabled' },
    { sets: [`${CN}.internal-encryption=yes!`], key: 'internal-encryption', rule: 'failed to parse "yes!": expected a boolean (true or false)' },
    { sets: [`${CN}.enable-mesh-pod-addressability=nope`], key: 'enable-mesh-pod-addressability', rule: 'failed to parse "nope": expected a boolean (true or false)' },
    { sets: [`${CN}.autocreateClusterDomainClaims=maybe`], key: 'autocreateClusterDomainClaims', rule: 'failed to parse "maybe": expected a boolean (true or false)' },
  ])('$key: $rule', ({ sets, key, rule }) => {
    const err = catchScenarioError(() => loadScenario(BASE, { sets }));
    expect(err.path).toBe(`${CN}["${key}"]`);
    expect(err.rule).toBe(rule);
  });
  it.each([
    [`${CN}.http-protocol=Redirected`],
    [`${CN}.http-protocol=""`],
    // The new key is in force, so the legacy one is not looked at.
    [`${CN}.httpProtocol=secure`, `${CN}.http-protocol=disabled`],
    [`${CN}.system-internal-tls=Enabled`, `${CN}.cluster-local-domain-tls=disabled`],
    [`${CN}.internal-encryption=F`, `${CN}.autocreate-cluster-domain-claims=TRUE`],
    // Go's strings.ToLower maps İ (U+0130) to a plain i, so these are disabled and redirected to Knative.
    [`${CN}.http-protocol=DİSABLED`],
    [`${CN}.httpProtocol=redİrected`],
    [`${CN}.system-internal-tls=dİsabled`],
  ])('%s is taken', (...sets) => {
    expect(loadScenario(BASE, { sets }).world.services).toHaveLength(1);
  });
});

// Knative matches config-features flags and config-defaults enable-service-links with
// strings.EqualFold, under which ſ (U+017F) is an s. knsim lower-cased, missing it.
describe('values matched as strings.EqualFold matches them', () => {
  it('config-features "diſabled" turns multi-container off, without a warning', () => {
    const cms = { 'config-features': { 'multi-container': 'di\u017fabled' } };
    expect(readConfigMaps('s.yaml', cms).features.values['multi-container']).toBe('Disabled');
    expect(featuresWarnings(cms['config-features'])).toEqual([]);
  });
  it.each([
    ['FAL\u017fE', false],
    ['True', true],
    ['yes', undefined],
  ])('config-defaults enable-service-links %j → %s', (v, want) => {
    expect(readConfigMaps('s.yaml', { 'config-defaults': { 'enable-service-links': v } }).defaults.enableServiceLinks).toBe(want);
  });
});

// pkg/apis/config/defaults.go parses the integer keys, then the six quantities, and checks ranges
// only after: with two bad values, the one upstream parses first is the one reported.
describe('config-defaults: the first bad key in upstream order is reported', () => {
  const CDF = 'configMaps.config-defaults';
  it.each([
    { sets: [`${CDF}.revision-ephemeral-storage-request=lots`, `${CDF}.revision-timeout-seconds=soon`], key: 'revision-timeout-seconds' },
    { sets: [`${CDF}.max-revision-timeout-seconds="100"`, `${CDF}.revision-cpu-request=lots`], key: 'revision-cpu-request' },
    { sets: [`${CDF}.revision-ephemeral-storage-limit=lots`, `${CDF}.revision-cpu-limit=lots`], key: 'revision-cpu-limit' },
    { sets: [`${CDF}.revision-memory-limit=lots`, `${CDF}.revision-ephemeral-storage-request=lots`], key: 'revision-ephemeral-storage-request' },
  ])('$key', ({ sets, key }) => {
    expect(catchScenarioError(() => loadScenario(BASE, { sets })).path).toBe(`${CDF}["${key}"]`);
  });
});

// knative.dev/networking pkg/config asLabelSelector decodes namespace-wildcard-cert-selector into a
// metav1.LabelSelector and refuses config-network when it does not decode. knsim took any value.
describe('config-network namespace-wildcard-cert-selector', () => {
  const read = (v: string): unknown => readConfigMaps('s.yaml', { 'config-network': { 'namespace-wildcard-cert-selector': v } });
  const TAIL = ' (Knative reads a label selector: matchLabels, matchExpressions)';
  it.each([
    ['disableWildcardCert', 'expected a mapping, got a string'],
    ['- a', 'expected a mapping, got a list'],
    ['matchLabels: [a]', 'matchLabels: expected a mapping, got a list'],
    ['matchExpressions: {key: a}', 'matchExpressions: expected a list, got a mapping'],
    ['matchExpressions: [{key: a, operator: In, values: "true"}]', 'matchExpressions[0].values: expected a list, got a string'],
    // encoding/json matches the field's name in any case.
    ['MatchLabels: {a: [b]}', 'MatchLabels.a: expected a string, got a list'],
  ])('%j is refused', (value, rule) => {
    const err = catchScenarioError(() => read(value));
    expect(err.path).toBe('configMaps.config-network["namespace-wildcard-cert-selector"]');
    expect(err.rule).toBe(rule + TAIL);
  });
  it.each([
    [''],
    ['{}'],
    // The shipped ConfigMap's example.
    ['matchExpressions:\n- key: "networking.knative.dev/disableWildcardCert"\n  operator: "NotIn"\n  values: ["true"]'],
    // A number where a string goes is taken as its text; unknown fields are skipped.
    ['matchLabels: {tier: 1}\nother: [1]'],
  ])('%j is taken', (value) => {
    expect(() => read(value)).not.toThrow();
  });
});
