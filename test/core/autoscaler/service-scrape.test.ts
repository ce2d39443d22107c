import { describe, expect, it } from 'vitest';
import { populationMeanSampleSize } from '../../../src/core/autoscaler/sample-size.js';
import { SERVICE_SCRAPE_MAX_TRIES, scrapeThroughService } from '../../../src/core/autoscaler/service-scrape.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { RandomStream } from '../../../src/engine/random.js';

/** A scripted randomInt: the given draws in turn, then an error if asked for more. */
function draws(values: number[]): (bound: number) => number {
  let k = 0;
  return () => {
    if (k >= values.length) throw new Error(`draw ${k + 1} not scripted`);
    return values[k++]!;
  };
}

const allOld = (): boolean => true;

/**
 * The chance that a scrape of `pods` old pods with sample `sample` fails, from the rules alone: the
 * running workers take turns, one try each a round; a try lands on each pod with chance 1/pods, a new
 * one stops its worker, a seen one fails the scrape at the worker's 10th try. All running workers
 * have made as many tries, so (running workers, tries each) is the state.
 */
function failureChance(pods: number, sample: number): number {
  const memo = new Map<string, number>();
  const fromRound = (running: number, tries: number): number => {
    if (running === 0) return 0;
    const key = `${running}/${tries}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    // Worker w of the round, with `seen` pods scraped and `next` workers going on to the next round.
    const turn = (w: number, seen: number, next: number): number => {
      if (w === running) return fromRound(next, tries + 1);
      const fresh = (pods - seen) / pods;
      const again = tries + 1 >= SERVICE_SCRAPE_MAX_TRIES ? 1 : turn(w + 1, seen, next + 1);
      return fresh * turn(w + 1, seen + 1, next) + (1 - fresh) * again;
    };
    const p = turn(0, sample - running, 0);
    memo.set(key, p);
    return p;
  };
  return fromRound(sample, 0);
}

describe('scrapeThroughService (stats_scraper.go scrapeService)', () => {
  it('4 old pods, sample 4: each worker lands on a new pod at its first try', () => {
    expect(scrapeThroughService(4, 4, allOld, draws([2, 0, 3, 1]))).toEqual({ sampled: [2, 0, 3, 1], ok: true, tries: 4 });
  });

  it('a scrape landing on a pod another worker has is retried: the second worker tries again in the next round', () => {
    // Round 1: worker 1 gets pod 0, worker 2 pod 0 again; round 2: worker 2 gets pod 1.
    expect(scrapeThroughService(2, 2, allOld, draws([0, 0, 1]))).toEqual({ sampled: [0, 1], ok: true, tries: 3 });
  });

  it(`a worker that lands on seen pods ${SERVICE_SCRAPE_MAX_TRIES} times fails the scrape when the sample is short: nothing is summed`, () => {
    // Worker 1 gets pod 0; worker 2 lands on it 10 times in a row.
    const s = scrapeThroughService(2, 2, allOld, draws(Array(11).fill(0)));
    expect(s).toEqual({ sampled: [], ok: false, tries: 11 });
  });

  it('a young pod is kept as a backup while its worker looks on for an old one; the failure that ends the search is ignored once the sample is full', () => {
    // Pod 2 is young. Round 1: worker 1 finds pod 2 (young, goes on), workers 2 and 3 pods 0 and 1 (old, done).
    // Worker 1 then lands on seen pods until its 10th try fails: 3 distinct pods, the sample, so the scrape counts.
    const s = scrapeThroughService(3, 3, (i) => i !== 2, draws([2, 0, 1, 0, 1, 2, 0, 1, 2, 0, 1, 2]));
    expect(s).toEqual({ sampled: [0, 1, 2], ok: true, tries: 12 });
  });

  it('old pods are summed before young ones: a young pod found first is left out once enough old ones are found', () => {
    // Sample 2 of 3, pod 0 young. Worker 1 finds pod 0 (young), worker 2 pod 1 (old); round 2: worker 1 finds pod 2 (old).
    expect(scrapeThroughService(3, 2, (i) => i !== 0, draws([0, 1, 2]))).toEqual({ sampled: [1, 2], ok: true, tries: 3 });
  });

  it('with as many young stats as the sample, a worker that finds one more young pod stops (upstream drops that stat)', () => {
    // Sample 1 of 3, all young: pod 2 fills the backups, pod 1 is dropped and its worker returns.
    expect(scrapeThroughService(3, 1, () => false, draws([2, 1]))).toEqual({ sampled: [2], ok: true, tries: 2 });
  });

  it('with seeded draws, 4 pods fail 1517 of 20 000 scrapes and 25 pods 1 of 20 000, as likely as the rounds make it (below)', () => {
    const failures = (pods: number): { failed: number; meanTries: number } => {
      const rng = new RandomStream(1, `service-scrape/${pods}`);
      const randomInt = (bound: number): number => rng.int(bound);
      const sample = populationMeanSampleSize(pods);
      let failed = 0;
      let tries = 0;
      for (let k = 0; k < 20000; k++) {
        const s = scrapeThroughService(pods, sample, allOld, randomInt);
        if (!s.ok) failed++;
        tries += s.tries;
      }
      return { failed, meanTries: Math.round((tries / 20000) * 100) / 100 };
    };
    // Sample 4 of 4: the last worker must land on the one unseen pod (1 in 4) within its tries: 1517 of 20 000 fail.
    expect(failures(4)).toEqual({ failed: 1517, meanTries: 8.04 });
    // Sample 10 of 25: a worker fails only after 10 tries in a row on seen pods.
    expect(failures(25)).toEqual({ failed: 1, meanTries: 12.46 });
  });

  it('the chance a scrape of old pods fails, round by round: 7.46 % with 4 pods (sample 4), 1 in 6,900 with 25 (sample 10)', () => {
    const p4 = failureChance(4, 4);
    const p25 = failureChance(25, 10);
    expect(p4).toBeCloseTo(0.074585, 6);
    expect(1 / p25).toBeCloseTo(6903.3, 1);
    // The seeded counts above are within 2 standard deviations of these chances.
    const within = (failed: number, p: number): boolean => Math.abs(failed - 20000 * p) <= 2 * Math.sqrt(20000 * p * (1 - p));
    expect([within(1517, p4), within(1, p25)]).toEqual([true, true]);
  });

  it('rejects a sample larger than the ready pods and a draw out of range', () => {
    expect(() => scrapeThroughService(2, 3, allOld, draws([0]))).toThrow(InvalidArgumentError);
    expect(() => scrapeThroughService(2, 2, allOld, draws([2]))).toThrow(InvalidArgumentError);
    expect(() => scrapeThroughService(0, 1, allOld, draws([0]))).toThrow(InvalidArgumentError);
  });
});
