/**
 * The queue-proxy's autoscaler stat as it travels on the wire: the protobuf message
 * `metrics.Stat` of knative/serving `pkg/autoscaler/metrics/stat.proto` (proto3):
 *
 *   1 pod_name string · 2 average_concurrent_requests double ·
 *   3 average_proxied_concurrent_requests double · 4 request_count double ·
 *   5 proxied_request_count double · 6 process_uptime double · 7 timestamp int64
 *
 * A small hand-written codec: varints, little-endian doubles and length-delimited
 * strings. Unknown fields are skipped, as protobuf requires; absent fields are zero.
 */

/** One queue-proxy report (per pod; requests per second, concurrency averaged over the last second). */
export interface QueueProxyStat {
  podName: string;
  averageConcurrentRequests: number;
  averageProxiedConcurrentRequests: number;
  requestCount: number;
  proxiedRequestCount: number;
  processUptime: number;
  timestamp: number;
}

/** A body that is not a valid `metrics.Stat`. */
export class StatDecodeError extends Error {
  override readonly name = 'StatDecodeError';
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const DOUBLE_FIELDS = {
  2: 'averageConcurrentRequests',
  3: 'averageProxiedConcurrentRequests',
  4: 'requestCount',
  5: 'proxiedRequestCount',
  6: 'processUptime',
} as const;

/** Decodes a serialized `metrics.Stat`. @throws StatDecodeError on malformed input. */
export function decodeStat(bytes: Uint8Array): QueueProxyStat {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stat: QueueProxyStat = {
    podName: '',
    averageConcurrentRequests: 0,
    averageProxiedConcurrentRequests: 0,
    requestCount: 0,
    proxiedRequestCount: 0,
    processUptime: 0,
    timestamp: 0,
  };
  let pos = 0;

  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= bytes.length) throw new StatDecodeError('truncated varint');
      const b = bytes[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new StatDecodeError('varint longer than 10 bytes');
  };
  const need = (n: number, what: string): void => {
    if (pos + n > bytes.length) throw new StatDecodeError(`truncated ${what}`);
  };

  while (pos < bytes.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new StatDecodeError('field number 0');
    switch (wire) {
      case WIRE_VARINT: {
        const v = varint();
        if (field === 7) stat.timestamp = Number(BigInt.asIntN(64, v));
        break;
      }
      case WIRE_FIXED64: {
        need(8, `field ${field}`);
        const name = (DOUBLE_FIELDS as Record<number, (typeof DOUBLE_FIELDS)[keyof typeof DOUBLE_FIELDS] | undefined>)[field];
        if (name !== undefined) stat[name] = view.getFloat64(pos, true);
        pos += 8;
        break;
      }
      case WIRE_LEN: {
        const len = varint();
        if (len > BigInt(bytes.length - pos)) throw new StatDecodeError(`truncated field ${field}`);
        const n = Number(len);
        if (field === 1) stat.podName = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(pos, pos + n));
        pos += n;
        break;
      }
      case WIRE_FIXED32:
        need(4, `field ${field}`);
        pos += 4;
        break;
      default:
        throw new StatDecodeError(`unsupported wire type ${wire} for field ${field}`);
    }
  }
  return stat;
}

/** Encodes a `metrics.Stat` as the queue-proxy does (proto3: zero values are left out). */
export function encodeStat(stat: Partial<QueueProxyStat>): Uint8Array {
  const out: number[] = [];
  const varint = (v: bigint): void => {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      out.push(Number((x & 0x7fn) | 0x80n));
      x >>= 7n;
    }
    out.push(Number(x));
  };
  if (stat.podName) {
    const b = new TextEncoder().encode(stat.podName);
    varint(BigInt((1 << 3) | WIRE_LEN));
    varint(BigInt(b.length));
    out.push(...b);
  }
  for (const [f, name] of Object.entries(DOUBLE_FIELDS)) {
    const v = stat[name];
    if (v === undefined || v === 0) continue;
    varint(BigInt((Number(f) << 3) | WIRE_FIXED64));
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, v, true);
    for (let i = 0; i < 8; i++) out.push(buf.getUint8(i));
  }
  if (stat.timestamp) {
    varint(BigInt((7 << 3) | WIRE_VARINT));
    varint(BigInt(Math.trunc(stat.timestamp)));
  }
  return Uint8Array.from(out);
}
