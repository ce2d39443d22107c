import { describe, expect, it } from 'vitest';
import {
  clusterCidrFor,
  formatCidr,
  formatIPv4,
  hostLocalNext,
  hostLocalRange,
  nextFreeBlock,
  nodeCidrPrefixFor,
  nodePodCidr,
  type Cidr,
  type HostLocalRange,
} from '../../../src/core/capacity/pod-ips.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

/** 10.244.a.b as a number. */
const ip = (a: number, b: number): number => 0x0af40000 + a * 256 + b;
const flannel: Cidr = { base: ip(0, 0), prefix: 16 };

describe('formatIPv4', () => {
  it.each([
    [0, '0.0.0.0'],
    [ip(0, 2), '10.244.0.2'],
    [ip(3, 255), '10.244.3.255'],
    [0xffffffff, '255.255.255.255'],
  ])('%i → %s', (n, want) => {
    expect(formatIPv4(n)).toBe(want);
  });

  it.each([[-1], [2 ** 32], [1.5], [Number.NaN]])('rejects %d', (n) => {
    expect(() => formatIPv4(n)).toThrow(InvalidArgumentError);
  });
});

describe('nodeCidrPrefixFor (the node mask that holds maxPods)', () => {
  it.each([
    // [maxPods, prefix]: a /24 has 253 pod addresses (.2–.254)
    [110, 24],
    [253, 24],
    [254, 23],
    [509, 23],
    [510, 22],
  ])('maxPods %i → /%i', (maxPods, want) => {
    expect(nodeCidrPrefixFor(maxPods)).toBe(want);
  });
});

describe('clusterCidrFor (sized to the most nodes)', () => {
  it.each([
    // [maxNodes, nodePrefix, cluster CIDR]
    [1, 24, '10.244.0.0/16'],
    [256, 24, '10.244.0.0/16'],
    [257, 24, '10.244.0.0/15'],
    [1000, 24, '10.244.0.0/14'],
    [5000, 24, '10.224.0.0/11'],
    [10 ** 6, 24, '10.0.0.0/8'],
    [100, 23, '10.244.0.0/16'],
    [200, 23, '10.244.0.0/15'],
  ])('%i nodes of /%i → %s', (maxNodes, nodePrefix, want) => {
    expect(formatCidr(clusterCidrFor(maxNodes, nodePrefix))).toBe(want);
  });
});

describe('nodePodCidr (cidrset indexToCIDRBlock)', () => {
  it.each([
    [flannel, 24, 0, '10.244.0.0/24'],
    [flannel, 24, 1, '10.244.1.0/24'],
    [flannel, 24, 255, '10.244.255.0/24'],
    [{ base: ip(0, 0), prefix: 14 }, 24, 300, '10.245.44.0/24'],
    [flannel, 23, 3, '10.244.6.0/23'],
  ])('%o /%i block %i → %s', (cluster, prefix, index, want) => {
    expect(formatCidr(nodePodCidr(cluster, prefix, index))).toBe(want);
  });

  it('rejects a block past the cluster CIDR', () => {
    expect(() => nodePodCidr(flannel, 24, 256)).toThrow(InvalidArgumentError);
  });
});

describe('nextFreeBlock (cidrset AllocateNext)', () => {
  it.each([
    // [used, nextCandidate, count, want]
    [[], 0, 4, 0],
    [[0, 1], 0, 4, 2],
    // After block 2 went, a released block 0 is not reused until the search wraps round.
    [[1, 2], 3, 4, 3],
    [[1, 2, 3], 3, 4, 0],
    [[0, 1, 2, 3], 2, 4, -1],
  ])('used %o from %i of %i → %i', (used, next, count, want) => {
    expect(nextFreeBlock((i) => used.includes(i), next, count)).toBe(want);
  });
  it('refuses a negative or NaN candidate, which came back as block −1 ("all taken") or NaN', () => {
    expect(() => nextFreeBlock(() => false, -1, 4)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message: 'nextCandidate: must be ≥ 0, got -1' }));
    expect(() => nextFreeBlock(() => false, NaN, 4)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message: 'nextCandidate: must be a finite number, got NaN' }));
    expect(() => nextFreeBlock(() => false, 0, 2.5)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message: 'count: must be an integer, got 2.5' }));
  });
});

describe('hostLocalNext (host-local round robin)', () => {
  const r24 = hostLocalRange({ base: ip(0, 0), prefix: 24 });
  const r30 = hostLocalRange({ base: ip(0, 0), prefix: 30 });

  it('a /24 range runs from the gateway .1 to .254', () => {
    expect([r24.start, r24.end, r24.gateway].map(formatIPv4)).toEqual(['10.244.0.1', '10.244.0.254', '10.244.0.1']);
  });

  it.each<[string, HostLocalRange, number | undefined, number[], string]>([
    // [label, range, lastReserved, in use, want]
    ['first pod: .1 is the gateway, so .2', r24, undefined, [], '10.244.0.2'],
    ['the one after the last handed out', r24, ip(0, 9), [ip(0, 2)], '10.244.0.10'],
    ['skips addresses still in use', r24, ip(0, 9), [ip(0, 10), ip(0, 11)], '10.244.0.12'],
    ['.3, released, is not reused before the range comes round', r24, ip(0, 5), [ip(0, 2), ip(0, 4), ip(0, 5)], '10.244.0.6'],
    ['wraps from .254 past the gateway to .2', r24, ip(0, 254), [], '10.244.0.2'],
    ['wraps, skipping those in use', r24, ip(0, 253), [ip(0, 254), ip(0, 2)], '10.244.0.3'],
    ['last reserved outside the range: from the start', r24, ip(7, 7), [], '10.244.0.2'],
    ['only the last reserved is free (its pod went): it is reused', r30, ip(0, 2), [], '10.244.0.2'],
  ])('%s', (_l, range, last, inUse, want) => {
    expect(formatIPv4(hostLocalNext(range, last, (a) => inUse.includes(a)))).toBe(want);
  });

  it('a full range gives −1', () => {
    expect(hostLocalNext(r30, ip(0, 2), (a) => a === ip(0, 2))).toBe(-1);
  });

  it('a /31 has no room for a pod', () => {
    expect(() => hostLocalRange({ base: ip(0, 0), prefix: 31 })).toThrow(InvalidArgumentError);
    // A NaN subnet gave a range of NaN addresses.
    expect(() => hostLocalRange({ base: NaN, prefix: 24 })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message: 'subnet.base: must be a finite number, got NaN' }));
    expect(() => hostLocalRange({ base: ip(0, 0), prefix: 24.5 })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message: 'subnet.prefix: must be an integer, got 24.5' }));
  });
});
