/**
 * What a settings.json must hold for the report to print it: the types knsim writes (see
 * src/run/settings.ts). A file edited by hand or written by another tool crashed the report as
 * an internal error (a revision name `true`: `s.replace is not a function`) or printed
 * "abc" and "undefined" as a revision's settings.
 */

type Check = (v: unknown) => boolean;
interface Rule {
  rule: string;
  ok: Check;
}

const STRING: Rule = { rule: 'a string', ok: (v) => typeof v === 'string' };
const BOOLEAN: Rule = { rule: 'true or false', ok: (v) => typeof v === 'boolean' };
const WHOLE: Rule = { rule: 'a whole number ≥ 0', ok: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 };
const AMOUNT: Rule = { rule: 'a number ≥ 0', ok: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 };
/** Timeouts Knative lets below 0 (a revision then fails) and a target-burst-capacity of −1 (unlimited). */
const SIGNED: Rule = { rule: 'a finite number', ok: (v) => typeof v === 'number' && Number.isFinite(v) };
const AMOUNT_OR_NULL: Rule = { rule: 'null or a number ≥ 0', ok: (v) => v === null || AMOUNT.ok(v) };
const POSITIVE: Rule = { rule: 'a number > 0', ok: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0 };
/** A probe's failureThreshold, an int32 in Kubernetes (the liveness row steps through its probes one by one). */
const THRESHOLD: Rule = { rule: 'a whole number from 1 to 2147483647', ok: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 2147483647 };
const oneOf = (...xs: string[]): Rule => ({ rule: `one of ${xs.map((x) => JSON.stringify(x)).join(', ')}`, ok: (v) => typeof v === 'string' && xs.includes(v) });

/** [field, rule, optional]: optional fields are absent when the run has no such setting (and from older knsim's files). */
type Fields = ReadonlyArray<readonly [string, Rule, boolean]>;

const TOP: Fields = [
  ['scenario', STRING, false],
  ['description', STRING, false],
  ['durationSeconds', AMOUNT, false],
  ['activators', WHOLE, false],
  ['meshCompatibilityMode', oneOf('enabled', 'disabled'), true],
  ['ingressClass', STRING, true],
];

const REVISION: Fields = [
  ['service', STRING, false],
  ['revision', STRING, false],
  ['createdAtSeconds', AMOUNT, false],
  ['containerConcurrency', WHOLE, false],
  ['timeoutSeconds', SIGNED, false],
  ['responseStartTimeoutSeconds', SIGNED, true],
  ['idleTimeoutSeconds', SIGNED, true],
  ['enableProbeOptimisation', { rule: 'false', ok: (v) => v === false }, true],
  ['class', STRING, true],
  ['metric', STRING, false],
  ['target', AMOUNT, false],
  ['total', AMOUNT, false],
  ['stableWindowSeconds', AMOUNT, false],
  ['panicWindowSeconds', AMOUNT, false],
  ['panicThresholdPercent', AMOUNT, false],
  ['targetBurstCapacity', SIGNED, false],
  ['scaleToZeroGracePeriodSeconds', AMOUNT, false],
  ['scaleToZeroPodRetentionPeriodSeconds', AMOUNT, false],
  ['scaleDownDelaySeconds', AMOUNT, false],
  ['enableScaleToZero', BOOLEAN, false],
  ['minScale', WHOLE, false],
  ['maxScale', WHOLE, false],
  ['initialScale', WHOLE, false],
  ['activationScale', WHOLE, false],
  ['maxScaleUpRate', AMOUNT, false],
  ['maxScaleDownRate', AMOUNT, false],
];

/** The objects a revision may carry, each with its own fields. */
const NESTED: ReadonlyArray<readonly [string, Fields]> = [
  ['stream', [['firstByteSeconds', AMOUNT, false], ['intervalSeconds', AMOUNT_OR_NULL, false]]],
  ['webSocket', [['onSigterm', oneOf('close', 'drain'), false]]],
  ['startupProbe', [['initialDelaySeconds', AMOUNT, false], ['periodSeconds', POSITIVE, false], ['failureThreshold', THRESHOLD, false]]],
  [
    'livenessProbe',
    [
      ['handler', oneOf('httpGet', 'tcpSocket', 'grpc', 'exec'), false],
      ['initialDelaySeconds', AMOUNT, false],
      ['periodSeconds', POSITIVE, false],
      ['timeoutSeconds', POSITIVE, false],
      ['failureThreshold', THRESHOLD, false],
    ],
  ],
  ['nodeAutoscalerControls', [['safeToEvict', BOOLEAN, true], ['blockingLocalVolumes', { rule: 'a list of strings', ok: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string') }, false], ['doNotDisruptSeconds', AMOUNT_OR_NULL, true]]],
];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function badField(o: Record<string, unknown>, where: string, fields: Fields): string | undefined {
  for (const [k, rule, optional] of fields) {
    const v = o[k];
    if (v === undefined && optional) continue;
    if (v === undefined) return `${where}${k} is missing (must be ${rule.rule})`;
    if (!rule.ok(v)) return `${where}${k}: ${String(JSON.stringify(v)).slice(0, 80)} is not ${rule.rule}`;
  }
  return undefined;
}

/** The first thing in a parsed settings.json that knsim would not have written, or undefined. */
export function settingsShapeError(settings: unknown): string | undefined {
  if (!isObject(settings) || !Array.isArray(settings['revisions'])) return 'no revisions';
  const top = badField(settings, '', TOP);
  if (top !== undefined) return top;
  for (const [i, r] of (settings['revisions'] as unknown[]).entries()) {
    const where = `revisions[${i}].`;
    if (!isObject(r)) return `${where.slice(0, -1)} is not an object`;
    const bad = badField(r, where, REVISION);
    if (bad !== undefined) return bad;
    for (const [k, fields] of NESTED) {
      const v = r[k];
      if (v === undefined) continue;
      if (!isObject(v)) return `${where}${k} is not an object`;
      const nested = badField(v, `${where}${k}.`, fields);
      if (nested !== undefined) return nested;
    }
  }
  return undefined;
}
