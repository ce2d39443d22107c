/**
 * A Karpenter node pool's `limits` (the NodePool's spec.limits): Kubernetes quantities by resource
 * name. knsim's nodes have cpu, memory, pods and count as one `nodes` each; a limit on any other
 * resource (nvidia.com/gpu, ephemeral-storage) is taken, as the API server takes it, and never binds.
 */
import type { NodePoolLimits } from '../core/capacity/index.js';
// knsim/resources' exact parser, as knsim/autoscaler re-exports it.
import { parseQuantity, QuantityError } from '../core/autoscaler/index.js';
import { formatPath, ScenarioError } from './errors.js';
import { describeValue } from './values.js';

const NANOS_PER_MILLI = 1_000_000n;
const NANOS_PER_UNIT = 1_000_000_000n;
/** Resource names a warning quotes before it says how many more. */
const MAX_NAMES_SHOWN = 5;

/** The limits (cpu, memory, pods, nodes) of `cluster.nodePools[i].limits`; warnings for the resources knsim's nodes do not have. */
export function nodePoolLimits(file: string, raw: unknown, i: number, warnings?: string[]): NodePoolLimits | undefined {
  const path = (...rest: string[]): string => formatPath(['cluster', 'nodePools', i, 'limits', ...rest]);
  // A `limits:` left empty is YAML's null: no limit, as the API server drops the null.
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError(file, path(), `expected a mapping of resource name to quantity (e.g. cpu: "100", memory: 400Gi, nodes: 10), got ${describeValue(raw)}`);
  }
  const out: { -readonly [K in keyof NodePoolLimits]: NodePoolLimits[K] } = {};
  const unknown: string[] = [];
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    const nanos = quantityNanos(file, path(name), v);
    if (name === 'cpu') out.cpuMillis = safe(file, path(name), nanos / NANOS_PER_MILLI, 'millicores');
    else if (name === 'memory') out.memoryBytes = safe(file, path(name), nanos / NANOS_PER_UNIT, 'bytes');
    else if (name === 'nodes' || name === 'pods') {
      if (nanos % NANOS_PER_UNIT !== 0n) throw new ScenarioError(file, path(name), `must be a whole number of ${name}, got ${JSON.stringify(v)}`);
      out[name] = safe(file, path(name), nanos / NANOS_PER_UNIT, name);
    } else unknown.push(name);
  }
  // One line per pool, the names quoted and a long list cut: a key is the user's text.
  if (unknown.length > 0) {
    const shown = unknown.slice(0, MAX_NAMES_SHOWN).map((u) => JSON.stringify(u)).join(', ') + (unknown.length > MAX_NAMES_SHOWN ? ` and ${unknown.length - MAX_NAMES_SHOWN} more` : '');
    warnings?.push(`${file}: ${path()}: knsim's nodes have no ${shown}, so ${unknown.length === 1 ? 'this limit never binds' : 'these limits never bind'} (knsim limits cpu, memory, pods and nodes)`);
  }
  return out;
}

/**
 * The quantity in nano-units, not negative. A limit rounded down to whole millicores or bytes
 * compares with knsim's whole-unit usage exactly as the quantity itself would.
 */
function quantityNanos(file: string, path: string, v: unknown): bigint {
  if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
    throw new ScenarioError(file, path, `expected a quantity (a string such as "100", "400Gi" or a number), got ${describeValue(v)}`);
  }
  try {
    const q = parseQuantity(String(v), { requireDigits: true });
    if (q.nanos < 0n) throw new ScenarioError(file, path, `must be greater than or equal to 0, got ${JSON.stringify(v)}`);
    return q.nanos;
  } catch (e) {
    if (e instanceof QuantityError) throw new ScenarioError(file, path, e.message);
    throw e;
  }
}

function safe(file: string, path: string, v: bigint, unit: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ScenarioError(file, path, `is larger than ${Number.MAX_SAFE_INTEGER} ${unit}`);
  return Number(v);
}
