import { requireNonNegative } from '../errors.js';

/** 1.96² × variance 100 / margin 5²: the scraper's sample size for an infinite population. */
const INFINITE_POPULATION_SAMPLE = (1.96 * 1.96 * 100) / (5 * 5);

/**
 * How many of a revision's N ready pods the autoscaler scrapes each second
 * (upstream `populationMeanSampleSize`): all of them up to 3, then a finite-population
 * correction of a 95 %/±5 sample. 5 → 4, 10 → 7, 100 → 14, 1000 → 16.
 */
export function populationMeanSampleSize(population: number): number {
  requireNonNegative('population', population);
  if (population <= 3) return population;
  return Math.ceil((population * INFINITE_POPULATION_SAMPLE) / (population + INFINITE_POPULATION_SAMPLE - 1));
}
