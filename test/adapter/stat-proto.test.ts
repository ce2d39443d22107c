import { describe, expect, it } from 'vitest';
import { decodeStat, encodeStat, StatDecodeError } from '../../src/adapter/stat-proto.js';

describe('queue-proxy Stat protobuf codec', () => {
  it('decodes hand-assembled wire bytes (string, doubles, int64 varint)', () => {
    const bytes = Uint8Array.from([
      0x0a, 0x05, ...Buffer.from('pod-a'), // 1: pod_name
      0x11, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, // 2: average_concurrent_requests = 1.5
      0x19, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f, // 3: average_proxied_concurrent_requests = 0.5
      0x21, 0, 0, 0, 0, 0, 0, 0x24, 0x40, // 4: request_count = 10
      0x29, 0, 0, 0, 0, 0, 0, 0x00, 0x40, // 5: proxied_request_count = 2
      0x31, 0, 0, 0, 0, 0, 0, 0x59, 0x40, // 6: process_uptime = 100
      0x38, 0x96, 0x01, // 7: timestamp = 150
    ]);
    expect(decodeStat(bytes)).toEqual({
      podName: 'pod-a',
      averageConcurrentRequests: 1.5,
      averageProxiedConcurrentRequests: 0.5,
      requestCount: 10,
      proxiedRequestCount: 2,
      processUptime: 100,
      timestamp: 150,
    });
  });

  it('round-trips, leaving zero fields out as proto3 does', () => {
    const s = { podName: 'p', averageConcurrentRequests: 3.25, averageProxiedConcurrentRequests: 0, requestCount: 7, proxiedRequestCount: 0, processUptime: 12.5, timestamp: 1_700_000_000 };
    const bytes = encodeStat(s);
    expect(decodeStat(bytes)).toEqual(s);
    expect(encodeStat({})).toEqual(new Uint8Array());
    expect(decodeStat(new Uint8Array())).toMatchObject({ podName: '', averageConcurrentRequests: 0, timestamp: 0 });
    // Negative int64 timestamps are 10-byte two's-complement varints.
    expect(decodeStat(encodeStat({ timestamp: -5 })).timestamp).toBe(-5);
  });

  it('skips unknown fields of every wire type', () => {
    const known = encodeStat({ podName: 'x', requestCount: 4 });
    const unknown = Uint8Array.from([
      0x40, 0x05, // 8: varint
      0x49, 1, 2, 3, 4, 5, 6, 7, 8, // 9: fixed64
      0x52, 0x02, 0x61, 0x62, // 10: bytes
      0x5d, 1, 2, 3, 4, // 11: fixed32
    ]);
    const s = decodeStat(Uint8Array.from([...unknown, ...known]));
    expect(s.podName).toBe('x');
    expect(s.requestCount).toBe(4);
  });

  it('rejects truncated or malformed input', () => {
    const good = encodeStat({ podName: 'pod', averageConcurrentRequests: 2 });
    // Field boundaries (after the 5-byte pod_name field) are valid shorter messages.
    for (let cut = 1; cut < good.length; cut++) {
      if (cut === 5) continue;
      expect(() => decodeStat(good.subarray(0, cut)), `cut at ${cut}`).toThrow(StatDecodeError);
    }
    expect(() => decodeStat(Uint8Array.from([0x0b]))).toThrow(/wire type 3/);
    expect(() => decodeStat(Uint8Array.from([0x00, 0x01]))).toThrow(/field number 0/);
    expect(() => decodeStat(Uint8Array.from(new Array(11).fill(0xff)))).toThrow(/varint/);
  });
});
