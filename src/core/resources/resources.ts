/**
 * CPU and memory amounts from Kubernetes quantities, in the units knsim computes with:
 * CPU in millicores (upstream MilliValue: ceil(q × 1000)), memory in bytes (upstream
 * Value: ceil(q)). Requests and limits are never negative (the API server's rule).
 */
import { InvalidArgumentError } from '../errors.js';
import { formatQuantity, parseQuantity, quantityOf, scaledValue, type ParseQuantityOptions, type Quantity } from './quantity.js';

/** A resource amount that parsed but cannot be a request or limit. */
export class ResourceAmountError extends RangeError {
  override readonly name = 'ResourceAmountError';
  readonly input: string;
  constructor(input: string, rule: string) {
    super(`${JSON.stringify(input)}: ${rule}`);
    this.input = input;
  }
}

function toSafeNumber(input: string, v: bigint, unit: string): number {
  if (v < 0n) throw new ResourceAmountError(input, 'must be greater than or equal to 0');
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ResourceAmountError(input, `is larger than ${Number.MAX_SAFE_INTEGER} ${unit}`);
  return Number(v);
}

/** CPU in millicores: `500m` → 500, `1.5` → 1500, `0.1m` → 1 (rounded up, as Kubernetes does). */
export function parseCpuMillicores(str: string, opts?: ParseQuantityOptions): number {
  return toSafeNumber(str, scaledValue(parseQuantity(str, opts), -3), 'millicores');
}

/** Memory in bytes: `2Gi` → 2147483648, `100M` → 100000000, `1.5Ki` → 1536. */
export function parseMemoryBytes(str: string, opts?: ParseQuantityOptions): number {
  return toSafeNumber(str, scaledValue(parseQuantity(str, opts), 0), 'bytes');
}

function requireWhole(field: string, v: number): bigint {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new InvalidArgumentError(field, `must be a whole number ≥ 0, got ${String(v)}`);
  }
  return BigInt(v);
}

/** The canonical CPU quantity of `millicores` (NewMilliQuantity, DecimalSI): 500 → `500m`, 2000 → `2`. */
export function formatCpuMillicores(millicores: number): string {
  return formatQuantity(quantityOf(requireWhole('millicores', millicores), -3, 'DecimalSI'));
}

/** The canonical memory quantity of `bytes` (NewQuantity, BinarySI): 2147483648 → `2Gi`, 1000 → `1k`. */
export function formatMemoryBytes(bytes: number): string {
  return formatQuantity(quantityOf(requireWhole('bytes', bytes), 0, 'BinarySI'));
}

export type { Quantity };
