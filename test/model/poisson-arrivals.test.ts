/**
 * A Poisson client's arrivals are its stream's exponential draws, gap after gap: a constant rate
 * takes them without looking the rate up per request, and must send exactly what the general
 * piecewise path sends for the same rate.
 */
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/engine/random.js';
import type { ClientSpec, RateSpec } from '../../src/model/spec.js';
import { revision, run, service, world } from './world-fixture.js';

const client = (rate: RateSpec, startSeconds = 0): ClientSpec => ({
  kind: 'open',
  name: 'load',
  service: 'a',
  process: 'poisson',
  rate,
  startSeconds,
  endSeconds: 30,
});

function arrivals(c: ClientSpec, seed = 1): number[] {
  const spec = world([service('a', [revision({ service: 'a', initialPods: 3 })])], [c], { duration: 31, seed });
  return run(spec).rec.requests.map((r) => r.arrival).sort((x, y) => x - y);
}

describe('Poisson arrivals at a constant rate', () => {
  it('are the start plus the cumulative exponential gaps of the stream client/<name>, up to the end', () => {
    const got = arrivals(client({ shape: 'constant', rps: 40 }, 2));
    const rng = new RandomStream(1, 'client/load');
    const want: number[] = [];
    for (let t = 2 + rng.exponential(1 / 40); t < 30; t += rng.exponential(1 / 40)) want.push(t);
    expect(want.length).toBeGreaterThan(1000);
    expect(got).toEqual(want);
  });

  it('are bit for bit those of a one-step rate of the same rps (the general path)', () => {
    for (const seed of [1, 7]) {
      const constant = arrivals(client({ shape: 'constant', rps: 25 }), seed);
      const step = arrivals(client({ shape: 'step', steps: [{ atSeconds: 0, rps: 25 }] }), seed);
      expect(constant.length).toBeGreaterThan(600);
      expect(constant).toEqual(step);
    }
  });
});
