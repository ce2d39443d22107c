/**
 * Knative inputs checked against upstream knative/serving's webhook and ConfigMap
 * rules: each row is a value upstream refuses (knsim must refuse it on one line
 * naming the file, the field path and the rule) or one upstream takes (knsim must
 * load it, with the value upstream would use).
 */
import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const CA = 'configMaps.config-autoscaler';
const MISPLACED =
  'invalid key name: autoscaling annotations must be put under "spec.template.metadata.annotations" to work (Knative refuses them on the Service)';

interface Rejected {
  what: string;
  sets: string[];
  path: string;
  rule: string;
}

const rejected: Rejected[] = [
  {
    // Upstream does not range-check this key; below 0 it acts as 0. knsim ran into an internal error (exit 1).
    what: 'a negative config-autoscaler panic-threshold-percentage',
    sets: [`${CA}.panic-threshold-percentage="-5"`],
    path: `${CA}["panic-threshold-percentage"]`,
    rule: 'must be at least 0 (Knative does not check this key, but a threshold below 0 acts as 0, panicking on every tick; write 0)',
  },
  {
    // pkg/apis/serving ValidateHasNoAutoscalingAnnotation; knsim took it silently and the Service kept min-scale 0.
    what: 'an autoscaling annotation on the Service instead of its template',
    sets: ['services[0].manifest.metadata.annotations["autoscaling.knative.dev/min-scale"]="2"'],
    path: 'services[0].manifest.metadata.annotations["autoscaling.knative.dev/min-scale"]',
    rule: MISPLACED,
  },
  {
    what: 'an autoscaling annotation in an update of the Service annotations',
    sets: ['services[0].updates=[{at: 1m, annotations: {autoscaling.knative.dev/target: "5"}}]'],
    path: 'services[0].updates[0].annotations["autoscaling.knative.dev/target"]',
    rule: MISPLACED,
  },
  {
    // Upstream matches the group as a prefix, so an unknown key of the group is refused there too.
    what: 'an unknown key of the autoscaling group on the Service',
    sets: ['services[0].manifest.metadata.annotations["autoscaling.knative.dev/minscale"]="2"'],
    path: 'services[0].manifest.metadata.annotations["autoscaling.knative.dev/minscale"]',
    rule: MISPLACED,
  },
];

describe('values upstream refuses: one line naming the file, the path and the rule', () => {
  it.each(rejected)('$what', (c) => {
    const err = catchScenarioError(() => loadScenario(BASE, { sets: c.sets }));
    expect({ file: err.file, path: err.path, rule: err.rule }).toEqual({ file: BASE, path: c.path, rule: c.rule });
    expect(formatError(err)).toBe(`${BASE}: ${c.path}: ${c.rule}`);
    expect(err.message).not.toContain('\n');
  });
});
