/** The run's pod cap (WorldSpec.podLimit) was reached: a revision asked for more pods than the run may hold. */
export class PodLimitExceeded extends Error {
  constructor(
    readonly revision: string,
    readonly replicas: number,
    readonly limit: number,
    readonly atSeconds: number,
  ) {
    super(`revision ${revision} asked for ${replicas} replicas at ${atSeconds} s, more pods than the limit of ${limit}`);
  }
}
